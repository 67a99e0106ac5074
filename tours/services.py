"""Writes for tours: the lifecycle, checkpoints, first conversations, programs, calendar feeds.

Views, API views, tasks and commands all call these functions; each one checks the
caller's rights itself and raises ``ApplicationError`` with a message a person can act on.
"""

from __future__ import annotations

import calendar as pycalendar
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import full_clean_or_raise, secret_credential_authenticate
from alliance.tokens import token_make, token_prefix
from tours.models import (
    DEFAULT_NEXT_TOUR_LEAD_DAYS,
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Checkpoint,
    Cohort,
    FirstConversation,
    PrivateNote,
    RotationalProgram,
    Tour,
    TourKind,
    TourRevision,
)
from tours.selectors import can_draft_tour_for, is_manager_side, is_participant, is_tour_employee

CALENDAR_TOKEN_KIND = "cal"
CHECKPOINT_LOCAL_TIME = time(10, 0)  # proposed checkpoints start at 10:00 in the manager's zone
FOUNDATIONAL_PLANNING_HORIZON_MONTHS = 24  # open-ended tours: propose the next two years
SCHEDULE_GRACE = timedelta(minutes=5)
WRAP_UP_AFTER_END = timedelta(days=30)  # a closing conversation may follow the last day
# Tour dates and checkpoint times stay well inside what dates, calendars and reminders can
# compute with: a typo such as year 1 or 9999 is refused, not stored to break every page.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_TOUR_YEARS = 10  # for tours with an end: foundational tours are the open-ended kind
DATE_RANGE = f"between {EARLIEST_DATE.year} and {LATEST_DATE.year}"


# --- Helpers -------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def _display(tour: Tour, field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    model_field = Tour._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _label(field: str) -> str:
    return str(Tour._meta.get_field(field).verbose_name).capitalize()


def _record(tour: Tour, *, by: Membership | None, action: str, changes: dict | None = None,
            comment: str = "") -> TourRevision:
    return TourRevision.objects.create(
        organization_id=tour.organization_id, tour=tour, by=by, action=action,
        changes=changes or {}, comment=comment,
    )


def _lock(tour: Tour) -> Tour:
    """Re-read the tour's row FOR UPDATE, so two concurrent transitions cannot both pass."""
    locked = Tour.objects.for_org(tour.organization_id).select_for_update().get(pk=tour.pk)
    tour.status = locked.status
    tour.first_conversation_granted_on = locked.first_conversation_granted_on
    return tour


def _require_manager_side(tour: Tour, by: Membership) -> None:
    if not is_manager_side(by, tour):
        raise ApplicationError("Only the tour's manager or HR can do this.")


def _require_employee(tour: Tour, by: Membership) -> None:
    if not is_tour_employee(by, tour):
        raise ApplicationError(f"Only {tour.employee.user.full_name} can do this on their tour.")


def _require_participant(tour: Tour, by: Membership) -> None:
    if not is_participant(by, tour):
        raise ApplicationError("Only the employee and their manager take part in this conversation.")


def _dates_out_of_range(**days: date | None) -> dict[str, list[str]]:
    """Field errors for the given dates outside EARLIEST_DATE..LATEST_DATE (None is left to other checks)."""
    return {field: [f"Choose a date {DATE_RANGE}."] for field, day in days.items()
            if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE}


def _check_manager(*, employee: Membership, manager: Membership | None) -> Membership:
    if manager is None:
        raise ApplicationError("Choose the tour's manager.", field_errors={"manager": ["Choose a manager."]})
    if manager.organization_id != employee.organization_id or not manager.is_active:
        raise ApplicationError("The manager must be an active member of this organization.",
                               field_errors={"manager": ["Choose an active member of this organization."]})
    if manager.pk == employee.pk:
        raise ApplicationError("Nobody can be the manager of their own tour.",
                               field_errors={"manager": ["Choose someone other than the employee."]})
    return manager


# --- Tours: drafting and amending -------------------------------------------------


def next_tour_lead_default(organization) -> int:
    """A new tour's "next-tour conversation due" lead: the organization's earliest prompt.

    The organization's tour-ending reminders (default 180/90/30 days) and a tour's own
    "due" flag then start on the same day unless someone sets the tour otherwise.
    """
    leads = organization.tour_ending_days_before or [DEFAULT_NEXT_TOUR_LEAD_DAYS]
    return min(max(max(leads), 7), 730)


@transaction.atomic
def tour_create(
    *,
    by: Membership,
    employee: Membership,
    kind: str,
    title: str,
    mission: str,
    company_objectives: str,
    employee_benefits: str,
    start_date: date,
    end_date: date | None = None,
    manager: Membership | None = None,
    success_company: str = "",
    success_employee: str = "",
    alignment_notes: str = "",
    cadence_months: int = 6,
    next_tour_lead_days: int | None = None,
    previous_tour: Tour | None = None,
    program: RotationalProgram | None = None,
    cohort: Cohort | None = None,
) -> Tour:
    """Draft a tour for a direct report (or, for HR, anyone) and propose its checkpoint series."""
    if next_tour_lead_days is None:
        next_tour_lead_days = next_tour_lead_default(by.organization)
    if employee.organization_id != by.organization_id or not can_draft_tour_for(by, employee):
        raise ApplicationError("You can draft tours only for your direct reports.",
                               field_errors={"employee": ["Choose one of your direct reports."]})
    manager = _check_manager(employee=employee, manager=manager or employee.manager or by)
    if previous_tour is not None and (
        previous_tour.organization_id != by.organization_id or previous_tour.employee_id != employee.pk
    ):
        raise ApplicationError("The previous tour must be one of the same person's tours.",
                               field_errors={"previous_tour": ["Choose one of this person's tours."]})
    tour = Tour(
        organization_id=by.organization_id, employee=employee, manager=manager, kind=kind,
        title=(title or "").strip(), mission=mission, company_objectives=company_objectives,
        employee_benefits=employee_benefits, success_company=success_company,
        success_employee=success_employee, alignment_notes=alignment_notes, start_date=start_date,
        end_date=end_date, cadence_months=cadence_months, next_tour_lead_days=next_tour_lead_days,
        previous_tour=previous_tour, program=program, cohort=cohort, created_by=by,
        status=Tour.Status.DRAFT,
    )
    _validate_terms(tour)
    tour.save()
    _record(tour, by=by, action=TourRevision.Action.CREATED)
    checkpoints_plan_series(tour=tour)
    return tour


def _validate_terms(tour: Tour) -> None:
    if tour.kind != TourKind.FOUNDATIONAL and tour.end_date is None:
        raise ApplicationError("Give the tour an end date (only foundational tours are open-ended).",
                               field_errors={"end_date": ["Required, except for foundational tours."]})
    out_of_range = _dates_out_of_range(start_date=tour.start_date, end_date=tour.end_date)
    if out_of_range:
        raise ApplicationError(f"A tour starts and ends {DATE_RANGE}.", field_errors=out_of_range)
    if tour.end_date is not None and tour.start_date is not None and tour.end_date <= tour.start_date:
        raise ApplicationError("The tour must end after it starts.",
                               field_errors={"end_date": ["Choose a date after the start date."]})
    if (tour.kind != TourKind.FOUNDATIONAL and tour.end_date is not None and tour.start_date is not None
            and tour.end_date > add_months(tour.start_date, MAX_TOUR_YEARS * 12)):
        raise ApplicationError(
            f"A tour lasts at most {MAX_TOUR_YEARS} years; only foundational tours run longer.",
            field_errors={"end_date": [f"At most {MAX_TOUR_YEARS} years after the start date."]},
        )
    full_clean_or_raise(tour, exclude=["organization", "employee", "manager", "previous_tour", "program",
                                       "cohort", "created_by"])


@transaction.atomic
def tour_update(*, tour: Tour, by: Membership, data: dict[str, Any], comment: str = "") -> Tour:
    """Amend the terms of an open tour; every change is kept in the tour's history."""
    _require_manager_side(tour, by)
    _lock(tour)
    if not tour.is_editable:
        raise ApplicationError(f"A {tour.get_status_display().lower()} tour can no longer be changed.")
    unknown = set(data) - set(Tour.TERM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not one of the tour's terms.")
    changes: dict[str, dict[str, str]] = {}
    for name, value in data.items():
        if isinstance(value, str) and name == "title":
            value = value.strip()
        old = getattr(tour, name)
        if old != value:
            changes[name] = {"label": _label(name), "from": _display(tour, name, old),
                             "to": _display(tour, name, value)}
            setattr(tour, name, value)
    if not changes:
        return tour
    _validate_terms(tour)
    tour.save(update_fields=[*changes, "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.AMENDED, changes=changes, comment=comment.strip())
    if {"start_date", "end_date", "cadence_months"} & set(changes):
        checkpoints_plan_series(tour=tour, replan=True)
    return tour


# --- Tours: the lifecycle, in one place --------------------------------------------

# action: (allowed from, to, who may do it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "propose": ((Tour.Status.DRAFT,), Tour.Status.PROPOSED, "manager"),
    "accept": ((Tour.Status.PROPOSED,), Tour.Status.ACTIVE, "employee"),
    "request_changes": ((Tour.Status.PROPOSED,), Tour.Status.DRAFT, "employee"),
    "cancel": ((Tour.Status.DRAFT, Tour.Status.PROPOSED), Tour.Status.CANCELLED, "manager"),
    "complete": ((Tour.Status.ACTIVE,), Tour.Status.COMPLETED, "manager"),
    "end_early": ((Tour.Status.ACTIVE,), Tour.Status.ENDED_EARLY, "manager"),
}
ACTION_VERBS = {
    "propose": "proposed", "accept": "accepted", "request_changes": "sent back for changes",
    "cancel": "cancelled", "complete": "completed", "end_early": "ended early",
}


def allowed_transitions(tour: Tour, member: Membership) -> list[str]:
    """The lifecycle actions ``member`` may take on ``tour`` now (for buttons and the API)."""
    allowed = []
    for action, (sources, _target, who) in TRANSITIONS.items():
        if tour.status not in sources:
            continue
        if who == "manager" and is_manager_side(member, tour) or who == "employee" and is_tour_employee(
            member, tour
        ):
            allowed.append(action)
    return allowed


def _transition(tour: Tour, *, by: Membership, action: str) -> None:
    sources, target, who = TRANSITIONS[action]
    if who == "manager":
        _require_manager_side(tour, by)
    else:
        _require_employee(tour, by)
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
    return tour


@transaction.atomic
def tour_request_changes(*, tour: Tour, by: Membership, comment: str) -> Tour:
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError("Say what you would like changed.",
                               field_errors={"comment": ["Say what you would like changed."]})
    _transition(tour, by=by, action="request_changes")
    tour.changes_requested = comment
    tour.save(update_fields=["status", "changes_requested", "updated_at"])
    _record(tour, by=by, action=TourRevision.Action.CHANGES_REQUESTED, comment=comment)
    return tour


def _close(tour: Tour, *, by: Membership, action: str, revision: str, note: str) -> Tour:
    _transition(tour, by=by, action=action)
    tour.closed_at = timezone.now()
    tour.closing_note = note
    tour.save(update_fields=["status", "closed_at", "closing_note", "updated_at"])
    _record(tour, by=by, action=revision, comment=note)
    # The calendar events of conversations that will not happen any more are cancelled.
    for checkpoint in Checkpoint.objects.for_org(tour.organization_id).filter(
        tour=tour, status=Checkpoint.Status.SCHEDULED, scheduled_at__gt=timezone.now()
    ):
        _cancel_checkpoint(checkpoint)
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


# --- Manager changes ------------------------------------------------------------


@transaction.atomic
def tours_follow_manager_change(
    *, employee: Membership, previous_manager_id: int | None, by: Membership | None
) -> int:
    """An employee's manager changed: their open tours (and so their future checkpoints) follow.

    Returns how many tours moved. History keeps who managed the tour before; future
    checkpoints get a new SEQUENCE because their organizer changed.
    """
    new_manager = employee.manager
    if new_manager is None or not new_manager.is_active:
        return 0
    tours = list(
        Tour.objects.for_org(employee.organization_id).select_for_update()
        .filter(employee=employee, status__in=Tour.OPEN_STATUSES).exclude(manager=new_manager)
        .select_related("manager__user")
    )
    for tour in tours:
        change = {"manager": {"label": "Manager", "from": tour.manager.user.full_name,
                              "to": new_manager.user.full_name}}
        tour.manager = new_manager
        tour.save(update_fields=["manager", "updated_at"])
        _record(tour, by=by, action=TourRevision.Action.MANAGER_CHANGED, changes=change,
                comment="Followed the employee's new reporting line.")
        future = Checkpoint.objects.for_org(employee.organization_id).filter(
            tour=tour, status=Checkpoint.Status.SCHEDULED, scheduled_at__gt=timezone.now()
        )
        for checkpoint in future:
            checkpoint.sequence += 1
            checkpoint.save(update_fields=["sequence", "updated_at"])
    return len(tours)


# --- Right of first conversation and next-tour planning ---------------------------


@transaction.atomic
def first_conversation_grant(*, tour: Tour, by: Membership) -> Tour:
    _require_employee(tour, by)
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
    _require_employee(tour, by)
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
    _require_employee(tour, by)
    _lock(tour)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError("You can exercise the right of first conversation on your active tour.")
    if not tour.first_conversation_granted_on:
        raise ApplicationError("Grant the right of first conversation first.")
    if FirstConversation.objects.for_org(tour.organization_id).filter(tour=tour, outcome="").exists():
        raise ApplicationError("You have exercised it already; your manager has yet to record the outcome.")
    conversation = FirstConversation.objects.create(
        organization_id=tour.organization_id, tour=tour, exercised_at=timezone.now(),
        employee_note=(note or "").strip(),
    )
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.FIRST_CONVERSATION_EXERCISED, comment=conversation.employee_note)
    return conversation


@transaction.atomic
def first_conversation_record_outcome(
    *, conversation: FirstConversation, by: Membership, outcome: str, note: str = ""
) -> FirstConversation:
    tour = conversation.tour
    _require_manager_side(tour, by)
    if outcome not in FirstConversation.Outcome.values:
        raise ApplicationError("Choose the outcome of the conversation.",
                               field_errors={"outcome": ["Choose an outcome."]})
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
    return conversation


@transaction.atomic
def tour_record_next_plan(*, tour: Tour, by: Membership, plan: str, notes: str = "") -> Tour:
    _require_manager_side(tour, by)
    _lock(tour)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError("Plan the next tour while this one is active.")
    if plan not in Tour.NextPlan.values:
        raise ApplicationError("Choose the plan.", field_errors={"plan": ["Choose a plan."]})
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
    return tour


def successor_initial(tour: Tour) -> dict[str, Any]:
    """Starting terms for the tour after ``tour``: same people, starting when it ends."""
    start = timezone.localdate()
    # An end past the bounds (saved before they existed) is no starting point: the day after could overflow.
    if tour.end_date is not None and start <= tour.end_date < LATEST_DATE:
        start = tour.end_date + timedelta(days=1)
    return {
        "employee": tour.employee_id, "manager": tour.manager_id, "kind": TourKind.TRANSFORMATIONAL,
        "start_date": start, "end_date": add_months(start, 36), "cadence_months": tour.cadence_months,
        "previous_tour": tour.pk,
    }


# --- Checkpoints ----------------------------------------------------------------


def _manager_zone(tour: Tour) -> zoneinfo.ZoneInfo:
    for name in (tour.manager.user.time_zone, tour.organization.time_zone, "UTC"):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def series_dates(tour: Tour) -> list[date]:
    """Checkpoint dates on the tour's cadence, after its start and before its end.

    Never more than ``MAX_TOUR_YEARS`` ahead, and none for a start outside the bounds, so
    a row saved before dates were bounded can neither overflow nor flood the calendar.
    """
    if not EARLIEST_DATE <= tour.start_date <= LATEST_DATE:
        return []
    planned_from = max(tour.start_date, timezone.localdate())
    horizon = min(
        tour.end_date or add_months(planned_from, FOUNDATIONAL_PLANNING_HORIZON_MONTHS),
        add_months(planned_from, MAX_TOUR_YEARS * 12),
    )
    dates, step = [], 1
    while True:
        day = add_months(tour.start_date, tour.cadence_months * step)
        if day >= horizon:
            return dates
        dates.append(day)
        step += 1


@transaction.atomic
def checkpoints_plan_series(*, tour: Tour, replan: bool = False) -> list[Checkpoint]:
    """Propose (unconfirmed) checkpoints on the cadence for the dates still to come.

    A date already covered by a checkpoint within half a cadence is skipped, so the
    manager's own scheduling is respected. ``replan`` first drops the proposals nobody
    has touched (unconfirmed, no agenda) because the dates or the cadence changed.
    """
    existing = Checkpoint.objects.for_org(tour.organization_id).filter(tour=tour)
    now = timezone.now()
    if replan:
        existing.filter(status=Checkpoint.Status.SCHEDULED, confirmed=False, scheduled_at__gt=now).exclude(
            Exists(AgendaItem.objects.filter(checkpoint=OuterRef("pk")))
        ).delete()
    zone = _manager_zone(tour)
    taken = [
        when.astimezone(zone).date()
        for when in existing.exclude(status=Checkpoint.Status.CANCELLED).values_list("scheduled_at", flat=True)
    ]
    margin = timedelta(days=max(7, tour.cadence_months * 30 // 2))
    created = []
    for day in series_dates(tour):
        when = datetime.combine(day, CHECKPOINT_LOCAL_TIME, tzinfo=zone)
        if when <= now or any(abs(day - other) < margin for other in taken):
            continue
        created.append(Checkpoint(organization_id=tour.organization_id, tour=tour, scheduled_at=when))
    Checkpoint.objects.bulk_create(created)
    if created:
        _carry_over(tour)
    return created


def _check_when(scheduled_at: datetime | None, duration_minutes: int, *, tour: Tour) -> None:
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ApplicationError("Pick a date and time.", field_errors={"scheduled_at": ["Pick a date and time."]})
    out_of_range = _dates_out_of_range(scheduled_at=scheduled_at.date())
    if out_of_range:
        raise ApplicationError(f"Schedule checkpoints {DATE_RANGE}.", field_errors=out_of_range)
    if scheduled_at < timezone.now() - SCHEDULE_GRACE:
        raise ApplicationError("Pick a time in the future.", field_errors={"scheduled_at": ["This time has passed."]})
    # Subtracted from the (bounded) checkpoint rather than added to the end date, which may predate the bounds.
    if tour.end_date is not None and scheduled_at.date() - WRAP_UP_AFTER_END > tour.end_date:
        raise ApplicationError(
            f"The tour ends on {tour.end_date.isoformat()}; schedule its conversations before then.",
            field_errors={"scheduled_at": ["After the end of the tour."]},
        )
    if not 10 <= int(duration_minutes or 0) <= 480:
        raise ApplicationError("A checkpoint lasts between 10 minutes and 8 hours.",
                               field_errors={"duration_minutes": ["Between 10 and 480 minutes."]})


@transaction.atomic
def checkpoint_schedule(
    *, tour: Tour, by: Membership, scheduled_at: datetime, duration_minutes: int = 45, location: str = ""
) -> Checkpoint:
    """The manager adds a conversation to the tour (confirmed: it goes into calendars as is)."""
    _require_manager_side(tour, by)
    if not tour.is_open:
        raise ApplicationError(f"This tour is {tour.get_status_display().lower()}; no more checkpoints.")
    _check_when(scheduled_at, duration_minutes, tour=tour)
    checkpoint = Checkpoint(
        organization_id=tour.organization_id, tour=tour, scheduled_at=scheduled_at,
        duration_minutes=duration_minutes, location=(location or "").strip(), confirmed=True,
    )
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save()
    _carry_over(tour)
    return checkpoint


def _require_scheduled(checkpoint: Checkpoint, verb: str) -> None:
    if checkpoint.status != Checkpoint.Status.SCHEDULED:
        raise ApplicationError(
            f"This checkpoint is {checkpoint.get_status_display().lower()}; only a scheduled one can be {verb}."
        )


def _lock_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    locked = Checkpoint.objects.for_org(checkpoint.organization_id).select_for_update().get(pk=checkpoint.pk)
    checkpoint.status, checkpoint.sequence = locked.status, locked.sequence
    return checkpoint


@transaction.atomic
def checkpoint_reschedule(
    *, checkpoint: Checkpoint, by: Membership, scheduled_at: datetime, duration_minutes: int | None = None,
    location: str | None = None,
) -> Checkpoint:
    """Move a checkpoint: same calendar event (UID), next SEQUENCE."""
    _require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "moved")
    duration = checkpoint.duration_minutes if duration_minutes is None else duration_minutes
    _check_when(scheduled_at, duration, tour=checkpoint.tour)
    checkpoint.scheduled_at, checkpoint.duration_minutes = scheduled_at, duration
    if location is not None:
        checkpoint.location = location.strip()
    checkpoint.confirmed = True
    checkpoint.sequence += 1
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save(update_fields=["scheduled_at", "duration_minutes", "location", "confirmed", "sequence",
                                   "updated_at"])
    return checkpoint


@transaction.atomic
def checkpoint_confirm(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    _require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "confirmed")
    if not checkpoint.confirmed:
        checkpoint.confirmed = True
        checkpoint.sequence += 1
        checkpoint.save(update_fields=["confirmed", "sequence", "updated_at"])
    return checkpoint


def _cancel_checkpoint(checkpoint: Checkpoint) -> None:
    checkpoint.status = Checkpoint.Status.CANCELLED
    checkpoint.cancelled_at = timezone.now()
    checkpoint.sequence += 1
    checkpoint.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])


@transaction.atomic
def checkpoint_cancel(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    """Cancel: the calendar event is cancelled (same UID), open points move to the next one."""
    _require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "cancelled")
    _cancel_checkpoint(checkpoint)
    _carry_over(checkpoint.tour)
    return checkpoint


@transaction.atomic
def checkpoint_mark_missed(*, checkpoint: Checkpoint, by: Membership) -> Checkpoint:
    _require_manager_side(checkpoint.tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "marked as missed")
    if checkpoint.scheduled_at > timezone.now():
        raise ApplicationError("A checkpoint can be missed only after its time has come.")
    checkpoint.status = Checkpoint.Status.MISSED
    checkpoint.save(update_fields=["status", "updated_at"])
    _carry_over(checkpoint.tour)
    return checkpoint


@transaction.atomic
def checkpoint_record_outcome(
    *,
    checkpoint: Checkpoint,
    by: Membership,
    progress: str,
    manager_notes: str = "",
    course_corrections: str = "",
    discussed_item_ids: Iterable[int] = (),
    new_action_items: Sequence[dict[str, Any]] = (),
) -> Checkpoint:
    """After the conversation: progress, notes, course corrections, action items.

    Agenda points not ticked as discussed and open action items carry over to the
    tour's next checkpoint.
    """
    tour = checkpoint.tour
    _require_manager_side(tour, by)
    _lock_checkpoint(checkpoint)
    _require_scheduled(checkpoint, "recorded")
    if progress not in Checkpoint.Progress.values:
        raise ApplicationError("Say how the tour is going.", field_errors={"progress": ["Choose the progress."]})
    participants = {tour.employee_id: tour.employee, tour.manager_id: tour.manager}
    items = []
    for index, raw in enumerate(new_action_items):
        text = (raw.get("text") or "").strip()
        owner_id = raw.get("owner")
        if not text:
            continue
        if len(text) > 500:
            raise ApplicationError("An action item has at most 500 characters.",
                                   field_errors={"action_items": [f"Item {index + 1} is too long."]})
        try:
            owner_id = None if owner_id in (None, "") else int(owner_id)
        except (TypeError, ValueError):
            owner_id = -1
        if owner_id is not None and owner_id not in participants:
            raise ApplicationError(
                "An action item's owner is the employee or the manager.",
                field_errors={"action_items": [f"Item {index + 1}: choose the employee or the manager."]},
            )
        items.append(ActionItem(organization_id=tour.organization_id, checkpoint=checkpoint, text=text,
                                owner_id=owner_id))
    checkpoint.progress = progress
    checkpoint.manager_notes = manager_notes or ""
    checkpoint.course_corrections = course_corrections or ""
    checkpoint.status = Checkpoint.Status.COMPLETED
    checkpoint.completed_at = timezone.now()
    full_clean_or_raise(checkpoint, exclude=["organization", "tour"])
    checkpoint.save(update_fields=["progress", "manager_notes", "course_corrections", "status", "completed_at",
                                   "updated_at"])
    discussed = {int(pk) for pk in discussed_item_ids}
    AgendaItem.objects.for_org(tour.organization_id).filter(checkpoint=checkpoint, pk__in=discussed).update(
        discussed=True, updated_at=timezone.now()
    )
    ActionItem.objects.bulk_create(items)
    _carry_over(tour)
    tour.save(update_fields=["updated_at"])
    return checkpoint


@transaction.atomic
def checkpoint_update_notes(
    *, checkpoint: Checkpoint, by: Membership, manager_notes: str | None = None,
    employee_notes: str | None = None, course_corrections: str | None = None,
) -> Checkpoint:
    """Each side writes its own shared notes; neither can overwrite the other's."""
    tour = checkpoint.tour
    if checkpoint.status == Checkpoint.Status.CANCELLED:
        raise ApplicationError("This checkpoint was cancelled.")
    fields = []
    if employee_notes is not None:
        _require_employee(tour, by)
        checkpoint.employee_notes = employee_notes
        fields.append("employee_notes")
    if manager_notes is not None or course_corrections is not None:
        _require_manager_side(tour, by)
        if manager_notes is not None:
            checkpoint.manager_notes = manager_notes
            fields.append("manager_notes")
        if course_corrections is not None:
            checkpoint.course_corrections = course_corrections
            fields.append("course_corrections")
    if fields:
        checkpoint.save(update_fields=[*fields, "updated_at"])
    return checkpoint


@transaction.atomic
def private_note_save(*, checkpoint: Checkpoint, by: Membership, body: str) -> PrivateNote:
    """The caller's own note on a checkpoint; nobody else can ever read it."""
    _require_participant(checkpoint.tour, by)
    note, _created = PrivateNote.objects.update_or_create(
        organization_id=checkpoint.organization_id, checkpoint=checkpoint, author=by,
        defaults={"body": body or ""},
    )
    _touch(checkpoint.organization_id, checkpoint.pk)
    return note


@transaction.atomic
def agenda_item_add(*, checkpoint: Checkpoint, by: Membership, text: str) -> AgendaItem:
    _require_participant(checkpoint.tour, by)
    _require_scheduled(checkpoint, "prepared")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write the talking point.", field_errors={"text": ["Write the talking point."]})
    if len(text) > 500:
        raise ApplicationError("Keep a talking point under 500 characters.",
                               field_errors={"text": ["At most 500 characters."]})
    item = AgendaItem.objects.create(
        organization_id=checkpoint.organization_id, checkpoint=checkpoint, text=text, added_by=by
    )
    _touch(checkpoint.organization_id, checkpoint.pk)
    return item


def _touch(organization_id: int, checkpoint_id: int) -> None:
    """A checkpoint's agenda, action items or notes changed: sync clients see it as updated."""
    Checkpoint.objects.for_org(organization_id).filter(pk=checkpoint_id).update(updated_at=timezone.now())


@transaction.atomic
def agenda_item_set_discussed(*, item: AgendaItem, by: Membership, discussed: bool) -> AgendaItem:
    _require_participant(item.checkpoint.tour, by)
    if item.discussed != discussed:
        item.discussed = discussed
        item.save(update_fields=["discussed", "updated_at"])
        _touch(item.organization_id, item.checkpoint_id)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: Membership) -> None:
    _require_participant(item.checkpoint.tour, by)
    if item.added_by_id != by.pk:
        raise ApplicationError("You can remove only the talking points you added.")
    if item.checkpoint.status != Checkpoint.Status.SCHEDULED:
        raise ApplicationError("The conversation took place; its agenda is kept as it was.")
    item.delete()
    _touch(item.organization_id, item.checkpoint_id)


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by: Membership, done: bool) -> ActionItem:
    """Tick an action item; its carried-over copies (the same commitment) follow."""
    _require_participant(item.checkpoint.tour, by)
    items = ActionItem.objects.for_org(item.organization_id)
    chain, cursor = {item.pk}, item
    while cursor.carried_from_id and cursor.carried_from_id not in chain:
        chain.add(cursor.carried_from_id)
        cursor = items.get(pk=cursor.carried_from_id)
    frontier = set(chain)
    while frontier:
        frontier = set(items.filter(carried_from__in=frontier).values_list("pk", flat=True)) - chain
        chain |= frontier
    now = timezone.now()
    changed = items.filter(pk__in=chain).exclude(done=done)
    checkpoint_ids = set(changed.values_list("checkpoint_id", flat=True))
    changed.update(done=done, done_at=now if done else None, updated_at=now)
    Checkpoint.objects.for_org(item.organization_id).filter(pk__in=checkpoint_ids).update(updated_at=now)
    item.refresh_from_db()
    return item


def _carry_over(tour: Tour) -> int:
    """Move what is still open on closed checkpoints into the next scheduled one.

    Copies (linked by ``carried_from``) keep each checkpoint's record as it was. Only
    the tip of a chain is carried, so running this again never duplicates anything.
    """
    org_id = tour.organization_id
    target = (
        Checkpoint.objects.for_org(org_id)
        .filter(tour=tour, status=Checkpoint.Status.SCHEDULED).order_by("scheduled_at", "id").first()
    )
    if target is None:
        return 0
    closed = Checkpoint.objects.for_org(org_id).filter(tour=tour, status__in=Checkpoint.CLOSED_STATUSES)
    agenda = list(
        AgendaItem.objects.for_org(org_id).filter(checkpoint__in=closed, discussed=False)
        .exclude(Exists(AgendaItem.objects.filter(carried_from=OuterRef("pk")))).order_by("created_at", "id")
    )
    actions = list(
        ActionItem.objects.for_org(org_id).filter(checkpoint__in=closed, done=False)
        .exclude(Exists(ActionItem.objects.filter(carried_from=OuterRef("pk")))).order_by("created_at", "id")
    )
    AgendaItem.objects.bulk_create([
        AgendaItem(organization_id=org_id, checkpoint=target, text=item.text, added_by_id=item.added_by_id,
                   carried_from=item) for item in agenda
    ])
    ActionItem.objects.bulk_create([
        ActionItem(organization_id=org_id, checkpoint=target, text=item.text, owner_id=item.owner_id,
                   carried_from=item) for item in actions
    ])
    return len(agenda) + len(actions)


# --- Rotational programs ----------------------------------------------------------

PROGRAM_FIELDS = ("name", "description", "duration_months", "mission_template", "company_objectives",
                  "employee_benefits", "success_criteria", "cadence_months", "is_active")


def _require_hr(by: Membership) -> None:
    if not by.is_hr:
        raise ApplicationError("Only HR or an administrator can manage rotational programs.")


def _unique_program_name(program: RotationalProgram) -> None:
    clash = RotationalProgram.objects.for_org(program.organization_id).filter(name__iexact=program.name)
    if program.pk:
        clash = clash.exclude(pk=program.pk)
    if clash.exists():
        raise ApplicationError("A program with this name exists.", field_errors={"name": ["This name is taken."]})


@transaction.atomic
def program_create(*, by: Membership, name: str, **fields: Any) -> RotationalProgram:
    _require_hr(by)
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not a program field.")
    program = RotationalProgram(organization_id=by.organization_id, name=(name or "").strip(), created_by=by,
                                **fields)
    full_clean_or_raise(program, exclude=["organization", "created_by"])
    _unique_program_name(program)
    program.save()
    return program


@transaction.atomic
def program_update(*, program: RotationalProgram, by: Membership, data: dict[str, Any]) -> RotationalProgram:
    _require_hr(by)
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not a program field.")
    changed = [name for name, value in data.items() if getattr(program, name) != value]
    for name in changed:
        value = data[name]
        setattr(program, name, value.strip() if name == "name" else value)
    if not changed:
        return program
    full_clean_or_raise(program, exclude=["organization", "created_by"])
    _unique_program_name(program)
    program.save(update_fields=[*changed, "updated_at"])
    return program


@transaction.atomic
def cohort_start(
    *, program: RotationalProgram, by: Membership, start_date: date, members: Sequence[Membership],
    name: str = "",
) -> Cohort:
    """Start a cohort: one proposed rotational tour per chosen member, all or nothing."""
    _require_hr(by)
    if not program.is_active:
        raise ApplicationError("This program is archived; reactivate it to start a cohort.")
    if not members:
        raise ApplicationError("Choose at least one member.", field_errors={"members": ["Choose at least one member."]})
    if start_date is None:
        raise ApplicationError("Choose the start date.", field_errors={"start_date": ["Choose a date."]})
    out_of_range = _dates_out_of_range(start_date=start_date)
    if out_of_range:
        raise ApplicationError(f"A cohort starts {DATE_RANGE}.", field_errors=out_of_range)
    end_date = add_months(start_date, program.duration_months)
    if end_date > LATEST_DATE:
        raise ApplicationError(
            f"This program would end after {LATEST_DATE.year}; choose an earlier start.",
            field_errors={"start_date": [f"The tours would end after {LATEST_DATE.year}."]},
        )
    without_manager = [m.user.full_name for m in members if m.manager_id is None]
    if without_manager:
        raise ApplicationError(
            "Give these people a manager first: " + ", ".join(without_manager) + ".",
            field_errors={"members": ["Everyone in a cohort needs a manager."]},
        )
    cohort = Cohort(organization_id=by.organization_id, program=program, started_by=by, start_date=start_date,
                    name=(name or "").strip() or f"{program.name} — {start_date:%b %Y}")
    full_clean_or_raise(cohort, exclude=["organization", "program", "started_by"])
    cohort.save()
    for member in members:
        previous = (
            Tour.objects.for_org(by.organization_id).filter(employee=member).exclude(status=Tour.Status.CANCELLED)
            .order_by("-start_date", "-id").first()
        )
        tour = tour_create(
            by=by, employee=member, manager=member.manager, kind=TourKind.ROTATIONAL, title=program.name,
            mission=program.mission_template or program.description or program.name,
            company_objectives=program.company_objectives or "To be agreed.",
            employee_benefits=program.employee_benefits or "To be agreed.",
            success_company=program.success_criteria, success_employee=program.success_criteria,
            start_date=start_date, end_date=end_date, cadence_months=program.cadence_months,
            previous_tour=previous, program=program, cohort=cohort,
        )
        tour_propose(tour=tour, by=by)
    return cohort


# --- Calendar feeds ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, member: Membership) -> tuple[CalendarFeed, str]:
    """A new private feed URL for the person; any previous one stops working."""
    now = timezone.now()
    CalendarFeed.objects.for_org(member.organization_id).filter(
        membership=member, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    token, digest = token_make(kind=CALENDAR_TOKEN_KIND, organization_id=member.organization_id)
    feed = CalendarFeed.objects.create(
        organization_id=member.organization_id, membership=member, token_hash=digest,
        prefix=token_prefix(token),
    )
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, member: Membership) -> int:
    now = timezone.now()
    return CalendarFeed.objects.for_org(member.organization_id).filter(
        membership=member, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)


def calendar_feed_authenticate(token: str) -> CalendarFeed | None:
    """Resolve a feed URL's token; sets the transaction's tenant when it names a live feed."""
    return secret_credential_authenticate(
        CalendarFeed, token, kind=CALENDAR_TOKEN_KIND, related=(), touch_every=timedelta(minutes=5)
    )
