"""Alumni events (``invest``): announcing, changing and cancelling them, RSVP with a waiting list,
reminders, and what data rights need of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, field_error
from alliance.models import Membership, Reminder
from alliance.reminders import DueReminder, notify, reminders_claim
from alliance.services import full_clean_or_raise, model_update
from alumni import rights
from alumni.models import AlumniEvent, EventRsvp
from alumni.services._common import _settings

EVENT_REMINDER = "alumni_event_reminder"
EVENT_PROMOTED = "alumni_event_promoted"
EVENT_CANCELLED = "alumni_event_cancelled"
# Those going are reminded this long before the event starts.
EVENT_REMINDER_BEFORE = timedelta(hours=24)


# Events are planned at most this far ahead (and a time far out would not survive a time zone).
MAX_EVENT_AHEAD = timedelta(days=5 * 366)


EVENT_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "link", "capacity")


def _event_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: data[name] for name in EVENT_FIELDS if name in data}
    for name in ("title", "description", "place", "link"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    for name in ("starts_at", "ends_at"):
        value = cleaned.get(name)
        if value is not None and timezone.is_naive(value):
            raise field_error(name, "Give the time with its time zone.")
    return cleaned


def _check_ahead(event: AlumniEvent) -> None:
    if event.starts_at > timezone.now() + MAX_EVENT_AHEAD:
        raise field_error("starts_at", "Plan events at most five years ahead.")


def _lock_event(event: AlumniEvent) -> AlumniEvent:
    """The event's row lock: RSVPs, cancellations and changes of capacity happen one at a time."""
    return AlumniEvent.objects.for_org(event.organization_id).select_for_update().get(pk=event.pk)


@transaction.atomic
def event_create(*, by: Membership, data: dict[str, Any]) -> AlumniEvent:
    rights.require_event_editor(by, _settings(by.organization_id))
    event = AlumniEvent(organization_id=by.organization_id, created_by=by, **_event_data(data))
    full_clean_or_raise(event, exclude=["organization", "created_by"])
    if event.starts_at <= timezone.now():
        raise field_error("starts_at", "Choose a time in the future.")
    _check_ahead(event)
    event.save()
    return event


@transaction.atomic
def event_update(*, event: AlumniEvent, by: Membership, data: dict[str, Any]) -> AlumniEvent:
    """HR changes an event; more seats let the first on the waiting list in, each told so."""
    rights.require_event_editor(by, _settings(by.organization_id))
    event = _lock_event(event)
    if event.is_cancelled:
        raise ApplicationError("This event is cancelled; it cannot change any more.")
    data = _event_data(data)
    capacity = data.get("capacity", event.capacity)
    if capacity is not None:
        going = EventRsvp.objects.for_org(event.organization_id).filter(event=event,
                                                                        state=EventRsvp.State.GOING).count()
        if capacity < going:
            raise field_error("capacity", f"{going} people are already going: the capacity cannot be lower.")
    def clean(changed_event: AlumniEvent) -> None:
        full_clean_or_raise(changed_event)
        _check_ahead(changed_event)

    changed = model_update(event, data=data, fields=EVENT_FIELDS, clean=clean)
    if set(changed) & {"starts_at", "ends_at", "place", "link", "title"}:
        AlumniEvent.objects.for_org(event.organization_id).filter(pk=event.pk).update(sequence=event.sequence + 1)
        event.sequence += 1
    _promote_waiting(event)
    return event


@transaction.atomic
def event_cancel(*, event: AlumniEvent, by: Membership) -> AlumniEvent:
    """HR cancels an event: everyone going or waiting is told; their answers stay on record."""
    rights.require_event_editor(by, _settings(by.organization_id))
    event = _lock_event(event)
    if event.is_cancelled:
        raise ApplicationError("This event is already cancelled.")
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    people = EventRsvp.objects.for_org(event.organization_id).filter(
        event=event, state__in=(EventRsvp.State.GOING, EventRsvp.State.WAITING)).select_related("member")
    for rsvp in people:
        notify(kind=EVENT_CANCELLED, subject_id=event.pk, recipient=rsvp.member, window="cancelled")
    return event


def _seats_left(event: AlumniEvent) -> int | None:
    if event.capacity is None:
        return None
    going = EventRsvp.objects.for_org(event.organization_id).filter(event=event, state=EventRsvp.State.GOING).count()
    return max(event.capacity - going, 0)


def _promote_waiting(event: AlumniEvent) -> list[EventRsvp]:
    """Give free seats to the waiting list, first come first served; each promoted person is told.
    Call with the event's row locked."""
    seats = _seats_left(event)
    waiting = (EventRsvp.objects.for_org(event.organization_id).filter(event=event, state=EventRsvp.State.WAITING)
               .select_related("member").order_by("queued_at", "id"))
    promoted = list(waiting if seats is None else waiting[:seats])
    for rsvp in promoted:
        rsvp.state = EventRsvp.State.GOING
        rsvp.save(update_fields=["state", "updated_at"])
        notify(kind=EVENT_PROMOTED, subject_id=event.pk, recipient=rsvp.member,
               window=f"promoted-{int(rsvp.queued_at.timestamp())}")
    return promoted


@transaction.atomic
def event_rsvp(*, event: AlumniEvent, by: Membership) -> EventRsvp:
    """Answer "I'll come": a seat while there is one, else the end of the waiting list. The event's
    row is locked first, so two people taking the last seat at once cannot both get it."""
    rights.require_rsvp(by, _settings(by.organization_id), event)
    event = _lock_event(event)
    rights.require_rsvp(by, _settings(by.organization_id), event)
    if event.ends_at <= timezone.now():
        raise ApplicationError("This event is over.")
    rsvp = EventRsvp.objects.for_org(event.organization_id).filter(event=event, member=by).first()
    if rsvp is not None and rsvp.state != EventRsvp.State.CANCELLED:
        return rsvp  # answering twice changes nothing (and keeps their place in the queue)
    seats = _seats_left(event)
    state = EventRsvp.State.GOING if seats is None or seats > 0 else EventRsvp.State.WAITING
    if rsvp is None:
        rsvp = EventRsvp(organization_id=event.organization_id, event=event, member=by)
    rsvp.state, rsvp.queued_at = state, timezone.now()
    rsvp.save()
    return rsvp


@transaction.atomic
def event_rsvp_cancel(*, event: AlumniEvent, by: Membership) -> EventRsvp:
    """Answer "I can't come after all": the seat goes to the first person waiting, who is told."""
    rights.require_level(by, _settings(by.organization_id), rights.can_see_events)
    event = _lock_event(event)
    rsvp = EventRsvp.objects.for_org(event.organization_id).filter(event=event, member=by).first()
    if rsvp is None or rsvp.state == EventRsvp.State.CANCELLED:
        raise ApplicationError("You have not said you would come to this event.")
    was_going = rsvp.state == EventRsvp.State.GOING
    rsvp.state = EventRsvp.State.CANCELLED
    rsvp.save(update_fields=["state", "updated_at"])
    if was_going and not event.is_cancelled:
        _promote_waiting(event)
    return rsvp


def due_event_reminders(now: datetime) -> list[DueReminder]:
    """Those going to an event that starts within ``EVENT_REMINDER_BEFORE``, not yet reminded. One
    set-based query across organizations (partial index of events by start), anti-joined with the ledger."""
    with tenancy.cross_tenant(reason="event reminders: people going to events about to start"):
        claimed = Reminder.objects.filter(organization_id=OuterRef("organization_id"), kind=EVENT_REMINDER,
                                          subject_id=OuterRef("event_id"), recipient_id=OuterRef("member_id"),
                                          window="before")
        rows = (EventRsvp.objects.filter(state=EventRsvp.State.GOING, event__cancelled_at__isnull=True,
                                         event__starts_at__gt=now, event__starts_at__lte=now + EVENT_REMINDER_BEFORE)
                .exclude(Exists(claimed)).values_list("organization_id", "event_id", "member_id"))
        return [DueReminder(organization_id=org_id, kind=EVENT_REMINDER, subject_id=event_id, recipient_id=member_id,
                            window="before", due_at=now) for org_id, event_id, member_id in rows]


def event_reminders_sweep(*, now: datetime | None = None) -> int:
    with transaction.atomic():
        return len(reminders_claim(due_event_reminders(now or timezone.now())))


def my_event_answers(*, member: Membership) -> list[dict[str, Any]]:
    """Their answers to events, for the export of their data."""
    rows = (EventRsvp.objects.for_org(member.organization_id).filter(member=member).select_related("event")
            .order_by("event__starts_at", "id"))
    return [{"event": row.event.title, "starts_at": row.event.starts_at.isoformat(), "answer": row.state,
             "answered_at": row.queued_at.isoformat()} for row in rows]


def event_answers_erase(*, member: Membership) -> int:
    """Erasure: their answers go; a seat they held at an event still to come goes to the first person
    waiting (who is told). Returns how many answers were erased."""
    now = timezone.now()
    answers = EventRsvp.objects.for_org(member.organization_id).filter(member=member)
    freed = list(answers.filter(state=EventRsvp.State.GOING, event__cancelled_at__isnull=True,
                                event__ends_at__gt=now).values_list("event_id", flat=True))
    erased, _ = answers.delete()
    for event in AlumniEvent.objects.for_org(member.organization_id).filter(pk__in=freed).select_for_update():
        _promote_waiting(event)
    return erased
