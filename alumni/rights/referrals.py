"""Who refers, and who sees and moves referrals, their CVs and customer leads."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniSettings, CustomerLead, InvestmentLevel, Referral
from alumni.rights.network import can_run_network, is_alumnus


def can_refer(member: Membership, settings: AlumniSettings) -> bool:
    """Employees refer at every level (hiring does not wait for an alumni network); alumni from ``support``."""
    return member.is_active or (is_alumnus(member) and settings.reaches(InvestmentLevel.SUPPORT))


def can_see_referral(member: Membership, referral: Referral) -> bool:
    return can_run_network(member) or referral.referrer_id == member.pk


def can_see_lead(member: Membership, lead: CustomerLead) -> bool:
    return can_run_network(member) or lead.submitter_id == member.pk or (
        member.is_active and lead.owner_id == member.pk)


def can_update_lead(member: Membership, lead: CustomerLead) -> bool:
    """HR, or the lead's owner in the organization, moves a lead along."""
    return can_run_network(member) or (member.is_active and lead.owner_id == member.pk)


def require_referrer(by: Membership, settings: AlumniSettings) -> None:
    if not can_refer(by, settings):
        if is_alumnus(by):
            raise Http404("No such page.")
        raise NotAllowed("Only members and alumni of the organization can refer someone.")


def require_lead_updater(by: Membership, lead: CustomerLead) -> None:
    if not can_update_lead(by, lead):
        raise NotAllowed("Only HR or the lead's owner can change its status.")


def access_referral(member: Membership, referral_id: int) -> Referral:
    referral = (Referral.objects.for_org(member.organization_id)
                .select_related("referrer__user", "status_changed_by__user").filter(pk=referral_id).first())
    if referral is None or not can_see_referral(member, referral):
        raise Http404("No such referral.")
    return referral


def access_lead(member: Membership, lead_id: int) -> CustomerLead:
    lead = (CustomerLead.objects.for_org(member.organization_id)
            .select_related("submitter__user", "owner__user").filter(pk=lead_id).first())
    if lead is None or not can_see_lead(member, lead):
        raise Http404("No such lead.")
    return lead


def access_referral_cv(member: Membership, referral_id: int) -> Referral:
    """The referrer and HR download a referral's CV; anyone else, or no CV: 404."""
    referral = access_referral(member, referral_id)
    if not referral.cv:
        raise Http404("No such file.")
    return referral
