"""Suite-wide fixtures.

The test database is created and migrated by the *owner* role, then every test
runs as the *application* role (NOSUPERUSER, NOBYPASSRLS, owns nothing), exactly
like web, worker and beat. Row-level security is therefore live in every test.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

from alliance.models import Membership
from alliance.testing import setup_database_as_owner, teardown_database_as_owner
from tests.alliance.factories import MembershipFactory, OrganizationFactory, make_api_token
from tests.helpers import ApiClient


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg, app, owner = setup_database_as_owner(verbosity=verbosity, keepdb=django_db_keepdb)
    yield
    with django_db_blocker.unblock():
        teardown_database_as_owner(db_cfg, app=app, owner=owner, verbosity=verbosity, keepdb=django_db_keepdb)


@pytest.fixture(autouse=True)
def _email_through_the_outbox(settings):
    """pytest-django points EMAIL_BACKEND at locmem for every test; the product's e-mail goes through
    its outbox (alliance.outbox), and the outbox's transport is locmem (alliance.settings.test): a
    test reads what was delivered with tests.helpers.sent_mail(), after a dispatch."""
    settings.EMAIL_BACKEND = "alliance.outbox.OutboxBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and sign-in failures are kept in the (real Redis) cache under this run's
    own prefix; they are dropped after each test, as the database rows are."""
    from django.core.cache import cache

    from alliance.redis import redis_client

    # Taken before the test runs: a test may point the cache at an unreachable server (Redis "down"),
    # and its settings are restored only after this fixture's teardown.
    client, prefix = redis_client(), cache.key_prefix
    yield
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# --- The fixture trio of every app: members of one organization, an outsider in a second ---


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="acme", name="Acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(slug="globex", name="Globex")


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, role=Membership.Role.ADMIN, user__email="admin@acme.test")


@pytest.fixture
def hr(org):
    return MembershipFactory(organization=org, role=Membership.Role.HR, user__email="hr@acme.test")


@pytest.fixture
def manager(org, admin):
    return MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                             user__email="manager@acme.test")


@pytest.fixture
def employee(org, manager):
    return MembershipFactory(organization=org, manager=manager, user__email="employee@acme.test")


@pytest.fixture
def outsider(other_org):
    """An admin of a second organization: must never see anything of ``org``."""
    return MembershipFactory(organization=other_org, role=Membership.Role.ADMIN, user__email="admin@globex.test")


@pytest.fixture
def client_for():
    def make(member: Membership) -> Client:
        client = Client()
        client.force_login(member.user)
        return client

    return make


@pytest.fixture
def api_for():
    def make(member: Membership) -> ApiClient:
        return ApiClient(make_api_token(member))

    return make


# --- Browser journeys (Playwright driving Chromium) -----------------------------

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH") or None,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


# Reported by Chromium on the console; the listener also catches what it reports only as an event.
CSP_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def _is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation") or ("Refused to" in text and "Content Security Policy" in text)


@pytest.fixture
def page_for(browser, live_server):
    """A fresh browser context (its own cookies) per person; page errors and anything the
    Content-Security-Policy blocks fail the test."""
    contexts, errors = [], []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The Content-Security-Policy is on: anything it blocks fails the test.
        page.on("console", lambda message: errors.append(message.text) if _is_csp_violation(message.text) else None)
        context.add_init_script(CSP_VIOLATION_LISTENER)
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], errors


# --- A real SMTP server (tests/smtp.py): the outbox's transport in the tests of mail outages ------

@pytest.fixture
def mail_server(settings):
    """A local SMTP server, not yet started (so: down); the outbox sends through it by SMTP."""
    from alliance import outbox
    from tests.smtp import MailServer

    server = MailServer()
    settings.OUTBOX_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    outbox._health.clear()
    yield server
    server.stop()
    outbox._health.clear()


# --- A real Celery worker on the real Redis broker ---------------------------------

@pytest.fixture
def worker(transactional_db):
    """A worker thread consuming this test run's own queue (alliance.settings.test)."""
    from celery.contrib.testing.worker import start_worker
    from django.db import close_old_connections

    from alliance.celery import app as celery_app

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20,
                      loglevel="WARNING") as running:
        yield running
    close_old_connections()


def wait_for(predicate, *, timeout: float = 20.0):
    """Poll until ``predicate()`` is truthy; fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.fixture
def broker_down():
    """Celery's broker out of reach for this test: its URL points at the discard port, where nothing
    listens, with connection and producer pools built afresh on it; afterwards the dead pools are closed
    and the real ones put back as they were."""
    from alliance.celery import app as celery_app

    saved = celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool
    celery_app._pool, celery_app.amqp._producer_pool = None, None  # Celery builds them again, lazily
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    yield
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved
