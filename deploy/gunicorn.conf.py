"""gunicorn for the web service: `gunicorn -c deploy/gunicorn.conf.py alliance.wsgi`.

Sized for a 2-core machine (README "Performance"): one process per core, each with a
few threads. A request spends part of its time waiting on PostgreSQL, so threads keep
the cores busy without the memory of more processes; more processes than cores only
adds context switches. The worker is gunicorn's ``gthread`` with one change, below:
a worker whose threads are all taken lets an idle sibling take a new connection first.
Each thread keeps its own persistent database connection
(CONN_MAX_AGE with health checks), so the web service holds at most
workers × threads connections — PgBouncer pools them onto fewer server connections.
Every value can be overridden from the environment.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time

from gunicorn.workers.gthread import ThreadWorker

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))


class BalancedThreadWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker, except that a worker whose threads are all serving connections
    leaves the next new connection to a sibling for a moment (``ACCEPT_DEFER``) before taking it.

    gunicorn's own worker accepts every connection it sees, whatever it already holds, so a few
    long-lived keep-alive clients (an HRIS sync, a BI tool, a load generator) can all land on one
    process and its one interpreter lock while the other process idles. Measured with the API
    benchmark (wrk's 8 keep-alive connections, 2 workers × 4 threads): in some runs one worker held
    all 8, the machine stayed 30% idle and the list served ~250 requests a second instead of ~330.
    When every worker is full, each takes one connection after a pause, as before but in turn.
    """

    ACCEPT_DEFER = 0.002  # seconds

    def __init__(self, *args, **kwargs):
        self._defer_until = 0.0  # not accepting until then
        self._take_until = 0.0  # just after a pause: taking the next connection, whatever it holds
        super().__init__(*args, **kwargs)

    # The run loop accepts while ``nr_conns < worker_connections``: during a pause, never.
    @property
    def worker_connections(self) -> int:
        return 0 if time.monotonic() < self._defer_until else self._worker_connections

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._worker_connections = value

    def busy(self) -> int:
        """Connections this worker's threads are serving or about to serve: not those idle between
        requests (kept alive, or waiting for a request's first bytes), which a client may already
        have closed without the worker having noticed yet."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def accept(self, listener):
        now = time.monotonic()
        if self.busy() >= self.cfg.threads and now >= self._take_until:
            self._defer_until = now + self.ACCEPT_DEFER
            self._take_until = self._defer_until + self.ACCEPT_DEFER
            self.set_accept_enabled(False)
            return
        self._take_until = 0.0  # one connection per pause: the next one is weighed again
        super().accept(listener)

    def wait_for_and_dispatch_events(self, timeout):
        left = self._defer_until - time.monotonic()
        if left > 0:  # wake up when the pause ends, not after the loop's usual second
            timeout = min(timeout, left)
        super().wait_for_and_dispatch_events(timeout)


worker_class = BalancedThreadWorker
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
