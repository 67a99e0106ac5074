"""Beat sweeps for tour reminders: thin tasks around tours.reminders.sweep."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from tours import reminders


def _now(now: str | None):
    return parse_datetime(now) if now else None


@shared_task
def sweep_checkpoint_reminders(now: str | None = None) -> int:
    return reminders.sweep(reminders.CHECKPOINT_UPCOMING, now=_now(now))


@shared_task
def sweep_agenda_nudges(now: str | None = None) -> int:
    return reminders.sweep(reminders.AGENDA_NUDGE, now=_now(now))


@shared_task
def sweep_overdue_checkpoints(now: str | None = None) -> int:
    return reminders.sweep(reminders.CHECKPOINT_OVERDUE, now=_now(now))


@shared_task
def sweep_tour_endings(now: str | None = None) -> int:
    return reminders.sweep(reminders.TOUR_ENDING, now=_now(now))


@shared_task
def sweep_first_conversations(now: str | None = None) -> int:
    return reminders.sweep(reminders.FIRST_CONVERSATION, now=_now(now))


@shared_task
def sweep_overdue_action_items(now: str | None = None) -> int:
    return reminders.sweep(reminders.ACTION_ITEM_OVERDUE, now=_now(now))


@shared_task
def sweep_one_on_ones(now: str | None = None) -> int:
    """Top up the 1:1 series and carry the points of meetings that passed, then remind of tomorrow's 1:1s."""
    from tours.services import one_on_ones_sweep

    touched = one_on_ones_sweep(now=_now(now))
    return touched + reminders.sweep(reminders.ONE_ON_ONE_UPCOMING, now=_now(now))
