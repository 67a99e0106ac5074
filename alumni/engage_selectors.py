"""Reads of news, benefits and events, scoped by organization and the viewer's rights.

Every list is one query (annotations, ``select_related``) over an index that starts with
``organization_id``, whatever its length.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from alliance.models import Membership, Organization
from alumni.engage_rights import benefit_tiers_for
from alumni.models import (
    AlumniEvent,
    Benefit,
    EventRsvp,
    ExitProcess,
    LeaverStep,
    NewsletterFrequency,
    NewsletterSchedule,
    NewsPost,
)

NEWS_COLUMNS = ("id", "title", "pinned", "published_at", "updated_at")


def news_list(*, member: Membership) -> QuerySet[NewsPost]:
    """Pinned first, then the newest (index ``(organization, -pinned, -published_at, -id)``)."""
    return NewsPost.objects.for_org(member.organization_id).order_by("-pinned", "-published_at", "-id")


def news_since(organization_id: int, *, since: datetime, until: datetime) -> list[NewsPost]:
    """What a newsletter issue lists: posts published in ``(since, until]``, oldest first."""
    return list(NewsPost.objects.for_org(organization_id)
                .filter(published_at__gt=since, published_at__lte=until).order_by("published_at", "id"))


def newsletter_frequency(organization: Organization) -> str:
    found = NewsletterSchedule.objects.for_org(organization.pk).values_list("frequency", flat=True).first()
    return found or NewsletterFrequency.MONTHLY


def benefit_list(*, member: Membership, tier: str = "") -> QuerySet[Benefit]:
    """The catalog as this person may see it: an alumnus only the tiers they belong to."""
    benefits = Benefit.objects.for_org(member.organization_id).filter(tier__in=benefit_tiers_for(member))
    if tier:
        benefits = benefits.filter(tier=tier)
    return benefits.order_by("title", "id")


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


def news_consenting_alumni(organization_id: int) -> QuerySet[Membership]:
    """Alumni who agreed to receive news (their consent on the leaver step of the exit that made them alumni)."""
    consented = LeaverStep.objects.filter(organization_id=organization_id, process__member_id=OuterRef("pk"),
                                          process__state=ExitProcess.State.COMPLETED, consent_news=True)
    return (Membership.objects.filter(organization_id=organization_id, status=Membership.Status.ALUMNUS,
                                      user__is_active=True)
            .filter(Q(Exists(consented))))


