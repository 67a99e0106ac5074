"""Events (``invest``): who sees them, answers them and keeps them."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniEvent, AlumniSettings, InvestmentLevel
from alumni.rights.network import can_run_network, in_the_network, portal_open, require_level

EVENTS_LEVEL = InvestmentLevel.INVEST


def can_see_events(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni and employees meet at alumni events (links both ways)."""
    return portal_open(member, settings, EVENTS_LEVEL)


def can_manage_events(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(EVENTS_LEVEL)


def can_rsvp(member: Membership, event: AlumniEvent) -> bool:
    return in_the_network(member) and not event.is_cancelled


def require_event_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, can_see_events)
    if not can_manage_events(by, settings):
        raise NotAllowed("Only HR or an administrator can change events.")


def require_rsvp(by: Membership, settings: AlumniSettings, event: AlumniEvent) -> None:
    require_level(by, settings, can_see_events)
    if not can_rsvp(by, event):
        raise NotAllowed("This event is cancelled." if event.is_cancelled else
                         "Only members and alumni of the organization can answer an invitation.")


def access_event(member: Membership, settings: AlumniSettings, event_id: int) -> AlumniEvent:
    if not can_see_events(member, settings):
        raise Http404("No such event.")
    event = (AlumniEvent.objects.for_org(member.organization_id).select_related("created_by__user")
             .filter(pk=event_id).first())
    if event is None:
        raise Http404("No such event.")
    return event
