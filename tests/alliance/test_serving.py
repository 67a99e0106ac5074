"""Production serving: API requests skip the browser's per-request work."""

from __future__ import annotations

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
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == multiprocessing.cpu_count()
    assert config["worker_class"] == "gthread" and config["threads"] >= 2
