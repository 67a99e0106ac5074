"""Development settings: `make run` starts the embedded services and sets the URLs.

The console is the developer's: e-mails go through the outbox (the worker sends them) to files under
.data/outbox/ (browsable at /dev/outbox/), the cross-tenant audit lines to .data/audit.log, and a
refused request is one line.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

from alliance.devenv import AUDIT_LOG, OUTBOX_DIR

# `make run` writes the URLs of the embedded PostgreSQL and Redis here, so that
# `.venv/bin/python manage.py ...` works in another terminal while it runs.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".data" / "dev.env")
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-change-me")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("OUTBOX_TRANSPORT_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
os.environ.setdefault("EMAIL_FILE_PATH", str(OUTBOX_DIR))

from .base import *  # noqa: E402,F403
from .base import LOGGING  # noqa: E402

DEV_OUTBOX = True

AUDIT_LOG.parent.mkdir(exist_ok=True)
LOGGING = {
    **LOGGING,
    "filters": {"refused_request": {"()": "alliance.devenv.RefusedRequestFilter"}},
    "handlers": {
        **LOGGING["handlers"],
        "audit_file": {"class": "logging.FileHandler", "filename": str(AUDIT_LOG), "formatter": "plain",
                       "delay": True},
    },
    "loggers": {
        **LOGGING["loggers"],
        "alliance.tenancy.audit": {"handlers": ["audit_file"], "level": "INFO", "propagate": False},
        # Django's records once, through the root's console (Django's default configuration also gives
        # "django" a console handler of its own when DEBUG is on, which printed each of them twice).
        "django": {"handlers": [], "level": "INFO"},
        # Not two lines per task run (received, succeeded); a task that fails still says so.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        # The development server writes one line per request already, the status included.
        "django.request": {"filters": ["refused_request"]},
    },
}
