"""The Celery app: Redis broker, JSON only, late acks; the beat schedule lives here."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.local")

app = Celery("alliance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "heartbeat": {
        "task": "alliance.tasks.heartbeat",
        "schedule": 60.0,
    },
    "requeue-stale-reminders": {
        "task": "alliance.tasks.requeue_stale_reminders",
        "schedule": 5 * 60.0,
    },
}
