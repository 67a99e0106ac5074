"""Job openings (``invest``): who sees, manages, refers from and applies from them."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, Opening
from alumni.rights.network import INVEST, can_run_network, is_alumnus, portal_open
from alumni.rights.referrals import can_refer


def can_see_openings(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni and employees see the board when the organization invests; at a lower level it does not exist."""
    return portal_open(member, settings, INVEST)


def can_manage_openings(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(INVEST)


def can_refer_from_opening(member: Membership, settings: AlumniSettings) -> bool:
    return can_see_openings(member, settings) and can_refer(member, settings)


def can_apply_from_opening(member: Membership, settings: AlumniSettings) -> bool:
    """An alumnus applies to come back from an opening (a boomerang request)."""
    return is_alumnus(member) and settings.reaches(INVEST)


def require_openings(member: Membership, settings: AlumniSettings) -> None:
    if not can_see_openings(member, settings):
        raise Http404("No such page.")


def require_opening_manager(by: Membership, settings: AlumniSettings) -> None:
    require_openings(by, settings)
    if not can_manage_openings(by, settings):
        raise NotAllowed("Only HR or an administrator can post and change job openings.")


def access_opening(member: Membership, settings: AlumniSettings, opening_id: int) -> Opening:
    """An opening of the organization. Everyone on the board sees open ones; a closed one is still
    found (its page says it is closed, and a referral for it is refused with that reason)."""
    require_openings(member, settings)
    opening = Opening.objects.for_org(member.organization_id).filter(pk=opening_id).first()
    if opening is None:
        raise Http404("No such opening.")
    return opening
