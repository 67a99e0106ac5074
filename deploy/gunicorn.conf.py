"""gunicorn for the web service: `gunicorn -c deploy/gunicorn.conf.py alliance.wsgi`.

Sized for a 2-core machine (README "Performance"): one process per core, each with a
few threads. A request spends part of its time waiting on PostgreSQL, so threads keep
the cores busy without the memory of more processes; more processes than cores only
adds context switches. Each thread keeps its own persistent database connection
(CONN_MAX_AGE with health checks), so the web service holds at most
workers × threads connections — PgBouncer pools them onto fewer server connections.
Every value can be overridden from the environment.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Recycle a worker now and then so slow growth of memory cannot accumulate; the jitter
# keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20_000))
max_requests_jitter = 2_000
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Load the application once in the master: workers start fast and share its memory.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def pre_fork(server, worker):
    """Before each worker is forked from the preloaded master: move every object loaded so far
    (Django, the apps, their modules) to the collector's permanent generation. A worker's
    collections then walk only what it allocates itself, so a full collection stays short
    instead of pausing a request for the whole loaded application; the frozen objects are also
    never touched by the collector, so their memory stays shared with the master."""
    gc.freeze()
