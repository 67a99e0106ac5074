"""Job openings and the referrals made from them."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from alliance.models import Membership
from alliance.rowpeople import with_people
from alumni.models import Boomerang, Opening, Referral
from alumni.rights import can_manage_openings


def opening_board(*, member: Membership, settings, state: str = Opening.State.OPEN) -> QuerySet[Opening]:
    """Open openings for everyone on the board; HR also lists closed ones (``state``), with how many
    referrals each brought. Newest first over ``(organization, state, -created_at, -id)``."""
    openings = Opening.objects.for_org(member.organization_id)
    if not can_manage_openings(member, settings):
        state = Opening.State.OPEN
    if state:
        openings = openings.filter(state=state)
    return openings.annotate(referral_count=Count("referrals")).order_by("-created_at", "-id")


def opening_api_list(*, member: Membership, settings) -> QuerySet[Opening]:
    """The API's list: everyone sees open openings, HR every one (``?state=`` narrows)."""
    openings = Opening.objects.for_org(member.organization_id)
    if not can_manage_openings(member, settings):
        openings = openings.filter(state=Opening.State.OPEN)
    return openings


def opening_referrals(*, member: Membership, opening: Opening) -> QuerySet[Referral]:
    """The referrals an opening brought, as the viewer may see them (HR: all; anyone else: theirs)."""
    referrals = Referral.objects.for_org(member.organization_id).filter(opening=opening)
    if not (member.is_active and member.is_hr):
        referrals = referrals.filter(referrer=member)
    return with_people(referrals, "referrer").order_by("-created_at", "-id")


def applied_for(member: Membership, opening: Opening) -> bool:
    """Whether this alumnus has an open request to come back, made from this opening."""
    return Boomerang.objects.for_org(member.organization_id).filter(
        opening=opening, member=member, state=Boomerang.State.REQUESTED).exists()


def open_opening_count(member: Membership) -> int:
    return Opening.objects.for_org(member.organization_id).filter(state=Opening.State.OPEN).count()
