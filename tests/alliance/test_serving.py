"""Production serving: API requests skip the browser's per-request work."""

from __future__ import annotations

import collections

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_an_api_request_reads_no_session_and_sets_no_cookie(client_for, api_for, hr):
    browser = client_for(hr)  # logged in: its session cookie comes along
    api = api_for(hr)
    api.cookies = browser.cookies
    api.get("/api/v1/me/")  # the token's first use records last_used_at once
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert "sessionid" not in response.cookies and "messages" not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_a_session_is_no_api_credential(client_for, hr):
    """Only the token authenticates the API; the browser's session is not even read there."""
    response = client_for(hr).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_browser_pages_still_have_sessions_and_messages(client_for, hr, org):
    browser = client_for(hr)
    response = browser.get(f"/o/{org.slug}/members/")
    assert response.status_code == 200
    assert response.wsgi_request.session.session_key
    assert hasattr(response.wsgi_request, "_messages")


def test_database_connections_persist_with_health_checks(monkeypatch):
    """Outside the tests (which close connections on purpose), connections persist and are checked."""
    from alliance.settings.base import _database

    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    database = _database("DATABASE_URL")
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


def test_gunicorn_config_is_sized_for_the_machine():
    import multiprocessing

    from gunicorn.workers.gthread import ThreadWorker

    config = _gunicorn_config()
    assert config["workers"] == multiprocessing.cpu_count()
    assert issubclass(config["worker_class"], ThreadWorker) and config["threads"] >= 2


def _gunicorn_config() -> dict:
    import runpy
    from pathlib import Path

    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))


class _Client:
    def setblocking(self, flag: bool) -> None:
        pass


class _Listener:
    """A listening socket with connections waiting: ``accept`` hands them out one by one."""

    def __init__(self, waiting: int) -> None:
        self.waiting = waiting

    def accept(self):
        if not self.waiting:
            raise BlockingIOError(11, "no connection waiting")
        self.waiting -= 1
        return _Client(), ("127.0.0.1", 50000)

    def getsockname(self):
        return ("127.0.0.1", 8000)


def test_a_worker_whose_threads_are_all_taken_leaves_a_new_connection_to_a_sibling_first(monkeypatch):
    """gunicorn's gthread worker takes every connection it sees, so keep-alive clients can pile onto
    one process while the other idles; the deployed worker pauses first when its threads are taken,
    and takes the connection after the pause if no sibling did."""
    worker_class = _gunicorn_config()["worker_class"]
    clock = [100.0]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    worker = object.__new__(worker_class)
    worker._defer_until = worker._take_until = 0.0
    worker.worker_connections = 1000
    worker.cfg = type("Config", (), {"threads": 2})()
    worker.nr_conns, worker._accepting, accepted, switched = 0, True, [], []
    worker.keepalived_conns, worker.pending_conns = collections.deque(), collections.deque()
    worker.enqueue_req = accepted.append
    worker.set_accept_enabled = switched.append
    monkeypatch.setattr("gunicorn.workers.gthread.TConn", lambda cfg, sock, addr, server: sock)

    listener = _Listener(waiting=3)
    worker.accept(listener)
    worker.accept(listener)  # a free thread each: taken at once
    assert len(accepted) == 2 and worker.nr_conns == 2 and listener.waiting == 1
    worker.accept(listener)  # its threads are taken: it pauses and stops accepting meanwhile
    assert len(accepted) == 2 and listener.waiting == 1 and switched == [False]
    assert worker.worker_connections == 0  # the run loop does not accept during the pause
    clock[0] += worker.ACCEPT_DEFER
    assert worker.worker_connections == 1000  # the pause is over: the loop accepts again
    worker.accept(listener)  # no sibling took it: this worker does
    assert len(accepted) == 3 and listener.waiting == 0
    listener = _Listener(waiting=1)
    worker.accept(listener)  # one connection per pause: the next one is weighed again, and waits
    assert len(accepted) == 3 and listener.waiting == 1 and switched == [False, False]
    clock[0] += worker.ACCEPT_DEFER
    worker.accept(_Listener(waiting=0))  # a sibling was faster: nothing to take, no error
    assert len(accepted) == 3
    # Connections idle between requests (their client may have closed them) leave threads free.
    worker.keepalived_conns.extend(accepted[:2])
    worker.accept(listener)
    assert len(accepted) == 4 and listener.waiting == 0
