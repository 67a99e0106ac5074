"""Beat tasks of the exit process: thin, each around a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="alumni.tasks.sweep_last_days")
def sweep_last_days() -> int:
    from alumni.services import exits_sweep

    return exits_sweep()


@shared_task(name="alumni.tasks.sweep_task_reminders")
def sweep_task_reminders() -> int:
    from alumni.reminders import sweep_task_reminders as sweep

    return sweep()


@shared_task(name="alumni.tasks.sweep_retention")
def sweep_retention() -> int:
    from alumni.services import retention_sweep

    return retention_sweep()


@shared_task(name="alumni.tasks.sweep_newsletter")
def sweep_newsletter() -> int:
    from alumni.services import newsletter_sweep

    return newsletter_sweep()


@shared_task(name="alumni.tasks.sweep_event_reminders")
def sweep_event_reminders() -> int:
    from alumni.services import event_reminders_sweep

    return event_reminders_sweep()
