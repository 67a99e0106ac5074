"""The navigation's links to the alumni network's pages: the level is read once per request."""

from __future__ import annotations

from alliance.models import Membership
from alumni.models import AlumniSettings
from alumni.rights.benefits import can_see_benefits
from alumni.rights.events import can_see_events
from alumni.rights.network import in_the_network, is_alumnus, portal_open
from alumni.rights.news import can_read_news


def _network_of(member: Membership) -> AlumniSettings:
    cached = getattr(member, "_alumni_network_settings", None)
    if cached is None:
        found = AlumniSettings.objects.for_org(member.organization_id).first()
        cached = found or AlumniSettings(organization_id=member.organization_id)
        member._alumni_network_settings = cached
    return cached


def nav_news(member: Membership) -> bool:
    return in_the_network(member) and can_read_news(member, _network_of(member))


def nav_events(member: Membership) -> bool:
    return in_the_network(member) and can_see_events(member, _network_of(member))


def nav_benefits(member: Membership) -> bool:
    return in_the_network(member) and can_see_benefits(member, _network_of(member))


def nav_directory(member: Membership) -> bool:
    """The alumni's directory link: not at ``ignore`` (employees reach the directory from the network page)."""
    return is_alumnus(member) and portal_open(member, _network_of(member))


def nav_referrals(member: Membership) -> bool:
    """Employees refer at every level (no query); alumni from ``support``."""
    return member.is_active or (is_alumnus(member) and portal_open(member, _network_of(member)))
