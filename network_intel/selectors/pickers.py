"""Whom and what a member may choose by typing (alliance.pickers): colleagues and companies."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.models import Membership
from alliance.pickers import SEARCH_LIMIT
from network_intel.models.companies import Company, CompanyAlias
from network_intel.selectors.companies import company_matches
from network_intel.text import company_key


def introducer_candidates(member: Membership) -> QuerySet[Membership]:
    """Who may be named as having introduced one of ``member``'s contacts: an active colleague."""
    return (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
            .exclude(pk=member.pk).select_related("user").order_by("user__full_name", "id"))


def company_search(*, organization_id: int, text: str) -> list[Company]:
    """At most ``SEARCH_LIMIT`` companies a typed text may mean, the likeliest first (typos forgiven:
    the trigram index); with nothing typed, the first by name (the name index)."""
    text = " ".join((text or "").split())[:200]
    if text:
        return company_matches(organization_id=organization_id, text=text, limit=SEARCH_LIMIT)
    return list(Company.objects.for_org(organization_id).order_by("name", "id")[:SEARCH_LIMIT])


def companies_named(rows: QuerySet[Company], text: str) -> QuerySet[Company]:
    """The companies of ``rows`` a typed name names exactly (case, accents, legal form aside), by one of their
    other names (a duplicate merged into them), or starts."""
    key = company_key(text)
    named = Q(name__istartswith=text)
    if key:
        named |= Q(name_key=key) | Q(pk__in=CompanyAlias.objects.filter(name_key=key).values("company_id"))
    return rows.filter(named).order_by("name", "id")
