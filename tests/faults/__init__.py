"""Fault injection against the real services: a private PostgreSQL, Redis, mail server, web, worker and
beat that the tests stop, start and kill (tests/faults/stack.py). ``make chaos`` runs the long versions."""
