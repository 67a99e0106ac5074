"""PostgreSQL, as Django's backend, with one difference for tenant tables (see ``base``)."""
