"""A checkpoint that already took place, put on the record afterwards (its outcome is recorded next)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import full_clean_or_raise
from tours import rights
from tours.models import DEFAULT_CHECKPOINT_MINUTES, MAX_CHECKPOINT_MINUTES, MIN_CHECKPOINT_MINUTES, Checkpoint, Tour
from tours.services.checkpoints import _organization_zone


@transaction.atomic
def checkpoint_log_past(
    *, tour: Tour, by: Membership, scheduled_at: datetime, duration_minutes: int = DEFAULT_CHECKPOINT_MINUTES,
    location: str = "",
) -> Checkpoint:
    """A conversation that already took place is put on the record, to record its outcome at once
    (``checkpoint_record_outcome``). No invitation: both were there."""
    rights.require_manager_side(tour, by)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError(f"This tour is {tour.get_status_display().lower()}; record conversations of an "
                               "active tour.")
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ApplicationError("Pick a date and time.", field_errors={"scheduled_at": ["Pick a date and time."]})
    if scheduled_at > timezone.now():
        raise ApplicationError("That time is still to come: schedule the conversation instead.",
                               field_errors={"scheduled_at": ["This time is still to come."]})
    if scheduled_at.astimezone(_organization_zone(tour)).date() < tour.start_date:
        raise ApplicationError("That was before the tour started.",
                               field_errors={"scheduled_at": ["Before the tour started."]})
    if not MIN_CHECKPOINT_MINUTES <= int(duration_minutes or 0) <= MAX_CHECKPOINT_MINUTES:
        message = f"Between {MIN_CHECKPOINT_MINUTES} and {MAX_CHECKPOINT_MINUTES} minutes."
        raise ApplicationError(message, field_errors={"duration_minutes": [message]})
    checkpoint = Checkpoint(
        organization_id=tour.organization_id, tour=tour, scheduled_at=scheduled_at,
        duration_minutes=duration_minutes, location=(location or "").strip(), confirmed=True,
    )
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save()
    return checkpoint
