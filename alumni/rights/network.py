"""The alumni network: who is in it, who runs it, and what the investment level opens."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, InvestmentLevel


def is_alumnus(member: Membership) -> bool:
    return member.status == Membership.Status.ALUMNUS


def in_the_network(member: Membership) -> bool:
    """Alumni and active members take part in the network; former members do not."""
    return member.is_active or is_alumnus(member)


def can_manage_network(member: Membership) -> bool:
    """Administrators choose the investment level and the bonus policy."""
    return member.is_admin


def can_run_network(member: Membership) -> bool:
    """HR and admins move referrals and leads along, pay bonuses and rehire alumni."""
    return member.is_active and member.is_hr


def portal_open(member: Membership, settings: AlumniSettings, level: str = InvestmentLevel.SUPPORT) -> bool:
    """A part of the portal at ``level`` is open to alumni and employees when the organization invests
    at least that much. At ``ignore`` nothing of it exists for anyone, alumni included."""
    return in_the_network(member) and settings.reaches(level)


def require_portal(member: Membership, settings: AlumniSettings, level: str = InvestmentLevel.SUPPORT) -> None:
    """Services refuse what the level does not offer with the same answer as a page that does not exist."""
    if not portal_open(member, settings, level):
        raise Http404("No such page.")


def require_network_admin(by: Membership) -> None:
    if not can_manage_network(by):
        raise NotAllowed("Only an administrator can change the alumni network's settings.")


def require_network_runner(by: Membership) -> None:
    if not can_run_network(by):
        raise NotAllowed("Only HR or an administrator can do this.")


def require_level(member: Membership, settings: AlumniSettings, check) -> None:
    """A feature the level does not offer (or not to this person) answers like a page that does not exist."""
    if not check(member, settings):
        raise Http404("No such page.")


INVEST = InvestmentLevel.INVEST
SUPPORT = InvestmentLevel.SUPPORT
