"""The right of first conversation, and the next-tour plan."""


from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import check_text_bounds
from alliance.webhooks.events import webhook_event_emit
from tours import rights, selectors
from tours.models import (
    FirstConversation,
    Tour,
    TourRevision,
)
from tours.notifications import notify_first_conversation_outcome, notify_next_tour_plan
from tours.services._common import (
    _lock,
    _record,
)

# --- Right of first conversation and next-tour planning ---------------------------


@transaction.atomic
def first_conversation_grant(*, tour: Tour, by: Membership) -> Tour:
    rights.require_employee(tour, by)
    _lock(tour)
    if tour.status not in (Tour.Status.PROPOSED, Tour.Status.ACTIVE):
        raise ApplicationError("You can grant the right of first conversation on a proposed or active tour.")
    if tour.first_conversation_granted_on:
        raise ApplicationError("You granted the right of first conversation already.")
    tour.first_conversation_granted_on = timezone.localdate()
    tour.save(update_fields=["first_conversation_granted_on", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.FIRST_CONVERSATION_GRANTED)
    return tour


@transaction.atomic
def first_conversation_withdraw(*, tour: Tour, by: Membership) -> Tour:
    rights.require_employee(tour, by)
    _lock(tour)
    if not tour.first_conversation_granted_on:
        raise ApplicationError("The right of first conversation is not granted on this tour.")
    tour.first_conversation_granted_on = None
    tour.save(update_fields=["first_conversation_granted_on", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.FIRST_CONVERSATION_WITHDRAWN)
    return tour


@transaction.atomic
def first_conversation_exercise(*, tour: Tour, by: Membership, note: str = "") -> FirstConversation:
    """"I'm starting to think about what's next": recorded, and the manager sees it at once."""
    rights.require_employee(tour, by)
    _lock(tour)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError("You can exercise the right of first conversation on your active tour.")
    if not tour.first_conversation_granted_on:
        raise ApplicationError("Grant the right of first conversation first.")
    if selectors.open_first_conversation(tour) is not None:
        raise ApplicationError("You have exercised it already; your manager has yet to record the outcome.")
    check_text_bounds(FirstConversation, employee_note=(note or "").strip())
    conversation = FirstConversation.objects.create(
        organization_id=tour.organization_id, tour=tour, exercised_at=timezone.now(),
        employee_note=(note or "").strip(),
    )
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.FIRST_CONVERSATION_EXERCISED, comment=conversation.employee_note)
    webhook_event_emit("first_conversation.opened", tour)
    return conversation


@transaction.atomic
def first_conversation_record_outcome(
    *, conversation: FirstConversation, by: Membership, outcome: str, note: str = ""
) -> FirstConversation:
    tour = conversation.tour
    rights.require_manager_side(tour, by)
    if outcome not in FirstConversation.Outcome.values:
        raise ApplicationError("Choose the outcome of the conversation.",
                               field_errors={"outcome": ["Choose an outcome."]})
    check_text_bounds(FirstConversation, outcome_note=(note or "").strip())
    claimed = FirstConversation.objects.for_org(tour.organization_id).filter(
        pk=conversation.pk, outcome=""
    ).update(outcome=outcome, outcome_note=(note or "").strip(), outcome_recorded_at=timezone.now(),
             outcome_recorded_by=by, updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("The outcome of this conversation is recorded already.")
    conversation.refresh_from_db()
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.FIRST_CONVERSATION_OUTCOME,
            changes={"outcome": {"label": "Outcome", "from": "", "to": conversation.get_outcome_display()}},
            comment=conversation.outcome_note)
    notify_first_conversation_outcome(conversation)
    return conversation


@transaction.atomic
def tour_record_next_plan(*, tour: Tour, by: Membership, plan: str, notes: str = "") -> Tour:
    rights.require_manager_side(tour, by)
    _lock(tour)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError("Plan the next tour while this one is active.")
    if plan not in Tour.NextPlan.values:
        raise ApplicationError("Choose the plan.", field_errors={"plan": ["Choose a plan."]})
    check_text_bounds(Tour, next_tour_plan_notes=(notes or "").strip())
    changes = {}
    if tour.next_tour_plan != plan:
        changes["next_tour_plan"] = {
            "label": "Next-tour plan", "from": tour.get_next_tour_plan_display() if tour.next_tour_plan else "",
            "to": Tour.NextPlan(plan).label,
        }
    tour.next_tour_plan, tour.next_tour_plan_notes = plan, (notes or "").strip()
    tour.next_tour_plan_recorded_at = timezone.now()
    tour.save(update_fields=["next_tour_plan", "next_tour_plan_notes", "next_tour_plan_recorded_at", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.NEXT_TOUR_PLAN, changes=changes, comment=tour.next_tour_plan_notes)
    notify_next_tour_plan(tour, by=by)
    webhook_event_emit("next_tour.planned", tour)
    return tour
