"""Alumni events with their answers and the waiting list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from alliance.models import Membership
from alumni.models import AlumniEvent, EventRsvp


def _my_state(member: Membership):
    mine = EventRsvp.objects.for_org(member.organization_id).filter(event_id=OuterRef("pk"), member_id=member.pk)
    return Coalesce(Subquery(mine.values("state")[:1]), Value(""), output_field=CharField())


def event_list(*, member: Membership, upcoming_from: datetime | None = None,
               past_before: datetime | None = None) -> QuerySet[AlumniEvent]:
    """Events with their seats taken, their waiting list's length and the viewer's own answer, in one
    query (index ``(organization, starts_at, id)``)."""
    events = AlumniEvent.objects.for_org(member.organization_id)
    if upcoming_from is not None:
        events = events.filter(ends_at__gte=upcoming_from)
    if past_before is not None:
        events = events.filter(ends_at__lt=past_before)
    return (events.annotate(going=Count("rsvps", filter=Q(rsvps__state=EventRsvp.State.GOING)),
                            waiting=Count("rsvps", filter=Q(rsvps__state=EventRsvp.State.WAITING)),
                            my_state=_my_state(member))
            .order_by("starts_at", "id"))


def event_with_counts(*, member: Membership, event_id: int) -> AlumniEvent:
    return event_list(member=member).get(pk=event_id)


def event_people(event: AlumniEvent) -> dict[str, list[EventRsvp]]:
    """Who is going and who waits, in the order they answered (HR's view of an event)."""
    rows = (EventRsvp.objects.for_org(event.organization_id).filter(event=event)
            .exclude(state=EventRsvp.State.CANCELLED).select_related("member__user").order_by("queued_at", "id"))
    people: dict[str, list[EventRsvp]] = {EventRsvp.State.GOING: [], EventRsvp.State.WAITING: []}
    for row in rows:
        people[row.state].append(row)
    return people


def rsvp_of(event: AlumniEvent, member: Membership) -> EventRsvp | None:
    return EventRsvp.objects.for_org(event.organization_id).filter(event=event, member=member).first()


def waiting_position(rsvp: EventRsvp) -> int | None:
    if rsvp.state != EventRsvp.State.WAITING:
        return None
    ahead = EventRsvp.objects.for_org(rsvp.organization_id).filter(
        event_id=rsvp.event_id, state=EventRsvp.State.WAITING).filter(
        Q(queued_at__lt=rsvp.queued_at) | Q(queued_at=rsvp.queued_at, id__lt=rsvp.pk))
    return ahead.count() + 1
