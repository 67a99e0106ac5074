"""The Celery app: Redis broker, JSON only, late acks.

The beat schedule is the core's own entries plus those each installed app
registers (alliance.registry.register_beat_entry). Worker and beat finalize the
app after Django is set up, so every app's ready() has run by then.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.local")

app = Celery("alliance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

CORE_BEAT_SCHEDULE = {
    "heartbeat": {"task": "alliance.tasks.heartbeat", "schedule": 60.0},
    "prune-idempotency-keys": {"task": "alliance.tasks.prune_idempotency_keys", "schedule": 3600.0},
    "requeue-stale-reminders": {"task": "alliance.tasks.requeue_stale_reminders", "schedule": 60.0},
    # The outbox's safety net: a dispatch is also enqueued after each commit that wrote e-mail.
    "dispatch-outbox": {"task": "alliance.tasks.dispatch_outbox", "schedule": 60.0},
}
app.conf.beat_schedule = dict(CORE_BEAT_SCHEDULE)


@app.on_after_finalize.connect
def _add_app_beat_entries(sender: Celery, **kwargs) -> None:
    from alliance.registry import beat_entries

    sender.conf.beat_schedule = {**CORE_BEAT_SCHEDULE, **beat_entries()}
