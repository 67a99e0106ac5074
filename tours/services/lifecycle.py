"""A tour's lifecycle (propose, accept, ask for changes, cancel, complete, end early)."""


from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.notifications import notifications_withdraw
from alliance.services import check_text_bounds
from alliance.webhooks.events import webhook_event_emit
from tours import rights
from tours.models import (
    Checkpoint,
    Tour,
    TourRevision,
)
from tours.notifications import TOUR_PROPOSED, notify_tour_answered, notify_tour_proposed
from tours.services._common import (
    _lock,
    _record,
)
from tours.services.checkpoints import _cancel_checkpoint, checkpoints_plan_series

# --- Tours: the lifecycle, in one place --------------------------------------------

TRANSITIONS = rights.TRANSITIONS
ACTION_VERBS = {
    "propose": "proposed", "accept": "accepted", "request_changes": "sent back for changes",
    "cancel": "cancelled", "complete": "completed", "end_early": "ended early",
}


def _transition(tour: Tour, *, by: Membership, action: str) -> None:
    sources, target, _who = TRANSITIONS[action]
    rights.require_transition(tour, by, action)
    _lock(tour)
    if tour.status not in sources:
        states = " or ".join(Tour.Status(s).label.lower() for s in sources)
        raise ApplicationError(
            f"This tour is {tour.get_status_display().lower()}; only a {states} tour can be "
            f"{ACTION_VERBS[action]}."
        )
    tour.status = target


@transaction.atomic
def tour_propose(*, tour: Tour, by: Membership) -> Tour:
    _transition(tour, by=by, action="propose")
    tour.proposed_at = timezone.now()
    tour.changes_requested = ""
    tour.save(update_fields=["status", "proposed_at", "changes_requested", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.PROPOSED)
    notify_tour_proposed(tour)
    webhook_event_emit("tour.proposed", tour)
    return tour


@transaction.atomic
def tour_accept(*, tour: Tour, by: Membership) -> Tour:
    """The employee agrees to the terms; only now is the tour active."""
    _transition(tour, by=by, action="accept")
    current = (
        Tour.objects.for_org(tour.organization_id)
        .filter(employee_id=tour.employee_id, status=Tour.Status.ACTIVE).exclude(pk=tour.pk).first()
    )
    if current is not None:
        raise ApplicationError(
            f"You already have an active tour (“{current.title}”). Your manager completes or ends it "
            "before the next one starts."
        )
    tour.accepted_at = timezone.now()
    try:
        with transaction.atomic():
            tour.save(update_fields=["status", "accepted_at", "updated_at"])
    except IntegrityError as error:  # a concurrent acceptance won the race
        raise ApplicationError("You already have an active tour.") from error
    _record(tour, by=by, action=TourRevision.Action.ACCEPTED)
    checkpoints_plan_series(tour=tour)
    notify_tour_answered(tour, by=by)
    webhook_event_emit("tour.accepted", tour)
    return tour


@transaction.atomic
def tour_request_changes(*, tour: Tour, by: Membership, comment: str) -> Tour:
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError("Say what you would like changed.",
                               field_errors={"comment": ["Say what you would like changed."]})
    check_text_bounds(Tour, changes_requested=comment)
    _transition(tour, by=by, action="request_changes")
    tour.changes_requested = comment
    tour.save(update_fields=["status", "changes_requested", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.CHANGES_REQUESTED, comment=comment)
    notify_tour_answered(tour, by=by)
    return tour


def _close(tour: Tour, *, by: Membership, action: str, revision: str, note: str) -> Tour:
    check_text_bounds(Tour, closing_note=note)
    _transition(tour, by=by, action=action)
    tour.closed_at = timezone.now()
    tour.closing_note = note
    tour.save(update_fields=["status", "closed_at", "closing_note", "updated_at"])
    _record(tour, by=by, action=revision, comment=note)
    # A proposal nobody will answer any more leaves the employee's bell.
    notifications_withdraw(organization_id=tour.organization_id, topic=f"{TOUR_PROPOSED}:{tour.pk}")
    # The calendar events of conversations that will not happen any more are cancelled.
    for checkpoint in Checkpoint.objects.for_org(tour.organization_id).filter(
        tour=tour, status=Checkpoint.Status.SCHEDULED, scheduled_at__gt=timezone.now()
    ):
        _cancel_checkpoint(checkpoint, by=by)
    webhook_event_emit("tour.ended", tour)
    return tour


@transaction.atomic
def tour_cancel(*, tour: Tour, by: Membership, reason: str = "") -> Tour:
    return _close(tour, by=by, action="cancel", revision=TourRevision.Action.CANCELLED, note=reason.strip())


@transaction.atomic
def tour_complete(*, tour: Tour, by: Membership, note: str = "") -> Tour:
    today = timezone.localdate()
    if tour.status == Tour.Status.ACTIVE and tour.end_date is not None and tour.end_date > today:
        raise ApplicationError(
            f"This tour runs until {tour.end_date.isoformat()}. To finish it sooner, end it early with a reason."
        )
    return _close(tour, by=by, action="complete", revision=TourRevision.Action.COMPLETED, note=note.strip())


@transaction.atomic
def tour_end_early(*, tour: Tour, by: Membership, reason: str) -> Tour:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the tour ends early.", field_errors={"reason": ["Give a reason."]})
    return _close(tour, by=by, action="end_early", revision=TourRevision.Action.ENDED_EARLY, note=reason)
