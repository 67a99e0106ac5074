"""Benefits (``invest``): who sees them, in which tiers, and who keeps the catalog."""

from __future__ import annotations

from django.db.models import Exists, Q
from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import AlumniProfile, AlumniSettings, Benefit, BenefitTier, ExitProcess, InvestmentLevel
from alumni.rights.network import can_run_network, is_alumnus, require_level

BENEFITS_LEVEL = InvestmentLevel.INVEST


def can_see_benefits(member: Membership, settings: AlumniSettings) -> bool:
    """Alumni claim benefits; HR keeps the catalog. Employees have their own perks elsewhere."""
    return settings.reaches(BENEFITS_LEVEL) and (is_alumnus(member) or can_run_network(member))


def can_manage_benefits(member: Membership, settings: AlumniSettings) -> bool:
    return can_run_network(member) and settings.reaches(BENEFITS_LEVEL)


def is_distinguished(member: Membership) -> bool:
    """An alumnus's tier: distinguished on their directory card or in the exit that made them an alumnus."""
    if not is_alumnus(member):
        return False
    card = AlumniProfile.objects.for_org(member.organization_id).filter(member=member, distinguished=True)
    exits = ExitProcess.objects.for_org(member.organization_id).filter(
        member=member, state=ExitProcess.State.COMPLETED, alumni_tier=ExitProcess.Tier.DISTINGUISHED)
    return Membership.objects.for_org(member.organization_id).filter(pk=member.pk).filter(
        Q(Exists(card)) | Q(Exists(exits))).exists()


def benefit_tiers_for(member: Membership) -> tuple[str, ...]:
    """HR sees the whole catalog; an alumnus the tiers they belong to."""
    if can_run_network(member):
        return tuple(BenefitTier.values)
    if is_distinguished(member):
        return (BenefitTier.ALUMNI, BenefitTier.DISTINGUISHED)
    return (BenefitTier.ALUMNI,)


def require_benefit_editor(by: Membership, settings: AlumniSettings) -> None:
    require_level(by, settings, can_see_benefits)
    if not can_manage_benefits(by, settings):
        raise NotAllowed("Only HR or an administrator can change the benefits catalog.")


def access_benefit(member: Membership, settings: AlumniSettings, benefit_id: int) -> Benefit:
    if not can_see_benefits(member, settings):
        raise Http404("No such benefit.")
    benefit = (Benefit.objects.for_org(member.organization_id)
               .filter(pk=benefit_id, tier__in=benefit_tiers_for(member)).first())
    if benefit is None:
        raise Http404("No such benefit.")
    return benefit
