"""Test settings: real PostgreSQL (as the RLS-bound application role) and real Redis."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# E-mails go through the outbox; once dispatched, django.core.mail.outbox holds them.
os.environ.setdefault("OUTBOX_TRANSPORT_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, CACHES, DATABASES, STORAGES, env  # noqa: E402

# Each test run keeps its uploaded files apart (tests compare what is left in storage).
STORAGES["private"] = {"BACKEND": "alliance.storage.AtomicFileSystemStorage",
                       "OPTIONS": {"location": str(BASE_DIR / ".data" / f"test-files-{os.getpid()}"), "base_url": None,
                                   "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}

# The owner role creates and migrates the test database; the tests then run as the
# application role (see tests/conftest.py).
DATABASE_OWNER = env.db_url("DATABASE_OWNER_URL", default=os.environ["DATABASE_URL"])
DATABASES["default"]["CONN_MAX_AGE"] = 0
# TEST_DB_SUFFIX lets several test runs share one server without clashing.
DATABASES["default"]["TEST"] = {"NAME": "test_" + DATABASES["default"]["NAME"] + env.str("TEST_DB_SUFFIX", default="")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
# Each test run consumes its own queue, so runs sharing one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TEST_QUEUE", default=f"alliance-test-{os.getpid()}")
REMINDER_RETRY_BASE_SECONDS = 0.5
# Each run counts rate limits and sign-in failures under its own prefix; tests/conftest.py empties
# it after every test, so one test's failures never lock out the next.
CACHES["default"]["KEY_PREFIX"] = f"alliance-test-{os.getpid()}"
# High enough that no ordinary test is throttled; the throttling tests lower it.
API_TOKEN_THROTTLE_RATE = "100000/min"
# The tests' webhook receivers listen on 127.0.0.1 over plain http (the production rules are tested by
# overriding these two).
WEBHOOKS_ALLOW_HTTP_LOCALHOST = True
WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
