"""The benefits catalog, in the tiers the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.models import Membership
from alumni.models import Benefit
from alumni.rights import benefit_tiers_for


def benefit_list(*, member: Membership, tier: str = "") -> QuerySet[Benefit]:
    """The catalog as this person may see it: an alumnus only the tiers they belong to."""
    benefits = Benefit.objects.for_org(member.organization_id).filter(tier__in=benefit_tiers_for(member))
    if tier:
        benefits = benefits.filter(tier=tier)
    return benefits.order_by("title", "id")
