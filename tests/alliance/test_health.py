"""GET /healthz: database, broker and mail server reachability, as JSON, 200 or 503."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthz_is_ok_with_database_and_broker():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "mail": "ok"}


@pytest.mark.django_db
def test_healthz_needs_no_sign_in_and_only_reads():
    assert Client().post("/healthz").status_code == 405


@contextmanager
def database_unreachable():
    """Point new connections at a PostgreSQL that is not there (a real failed connect)."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="/nonexistent/alliance-socket-dir", PORT="5432")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_healthz_reports_an_unreachable_database_as_503(django_db_blocker):
    with django_db_blocker.unblock(), database_unreachable():
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"].startswith("error")
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_503():
    from alliance.celery import app as celery_app

    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    try:
        started = time.monotonic()
        response = Client().get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["broker"].startswith("error") and body["database"] == "ok"
    assert elapsed < 5  # a load balancer's probe gets its answer quickly
