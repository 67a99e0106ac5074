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
    # Reminder sweeps: due times live in PostgreSQL; each sweep claims what is due
    # in the ledger, so overlapping or duplicated runs send nothing twice.
    "sweep-checkpoint-reminders": {"task": "tours.tasks.sweep_checkpoint_reminders", "schedule": 60.0},
    "sweep-agenda-nudges": {"task": "tours.tasks.sweep_agenda_nudges", "schedule": 300.0},
    "sweep-overdue-checkpoints": {"task": "tours.tasks.sweep_overdue_checkpoints", "schedule": 300.0},
    "sweep-tour-endings": {"task": "tours.tasks.sweep_tour_endings", "schedule": 600.0},
    "sweep-first-conversations": {"task": "tours.tasks.sweep_first_conversations", "schedule": 60.0},
    "requeue-stale-reminders": {
        "task": "alliance.tasks.requeue_stale_reminders",
        "schedule": 5 * 60.0,
    },
}
