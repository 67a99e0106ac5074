"""Referrals and customer leads, as the viewer may see them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.models import Membership
from alumni.models import CustomerLead, Referral


def referral_list(*, member: Membership, status: str = "") -> QuerySet[Referral]:
    """HR: every referral; anyone else: their own. Newest first over ``(organization, -created_at)``."""
    referrals = Referral.objects.for_org(member.organization_id).select_related("referrer__user")
    if not member.is_hr:
        referrals = referrals.filter(referrer=member)
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-created_at", "-id")


def lead_list(*, member: Membership, status: str = "") -> QuerySet[CustomerLead]:
    """HR: every lead; anyone else: the leads they brought or own."""
    leads = CustomerLead.objects.for_org(member.organization_id).select_related("submitter__user", "owner__user")
    if not member.is_hr:
        leads = leads.filter(Q(submitter=member) | Q(owner=member) if member.is_active else Q(submitter=member))
    if status:
        leads = leads.filter(status=status)
    return leads.order_by("-created_at", "-id")


def lead_owner_candidates(member: Membership) -> QuerySet[Membership]:
    return (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
            .select_related("user").order_by("user__full_name"))
