"""Development settings: `make run` starts the embedded services and sets the URLs."""

from __future__ import annotations

import os
from pathlib import Path

import environ

# `make run` writes the URLs of the embedded PostgreSQL and Redis here, so that
# `.venv/bin/python manage.py ...` works in another terminal while it runs.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".data" / "dev.env")
os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-change-me")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402,F403
