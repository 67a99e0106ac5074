"""Referrals and customer leads, as the viewer may see them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.models import Membership
from alliance.rowpeople import with_people
from alumni.models import CustomerLead, Referral


def referral_list(*, member: Membership, status: str = "") -> QuerySet[Referral]:
    """HR: every referral; anyone else: their own. Newest first over ``(organization, -created_at)``."""
    # People per row, not joined: the lists are sorted and limited (alliance.rowpeople).
    referrals = with_people(Referral.objects.for_org(member.organization_id), "referrer")
    if not member.is_hr:
        referrals = referrals.filter(referrer=member)
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-created_at", "-id")


def lead_list(*, member: Membership, status: str = "") -> QuerySet[CustomerLead]:
    """HR: every lead; anyone else: the leads they brought or own."""
    leads = with_people(CustomerLead.objects.for_org(member.organization_id), "submitter", "owner")
    if not member.is_hr:
        leads = leads.filter(Q(submitter=member) | Q(owner=member) if member.is_active else Q(submitter=member))
    if status:
        leads = leads.filter(status=status)
    return leads.order_by("-created_at", "-id")


def lead_owner_candidates(member: Membership) -> QuerySet[Membership]:
    return (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
            .select_related("user").order_by("user__full_name"))
