"""Whom and what a member may choose by typing (alliance.pickers): colleagues and companies."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.models import Membership
from alliance.pickers import SEARCH_LIMIT
from network_intel.models.companies import Company, CompanyAlias
from network_intel.models.contacts import Contact
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


def own_contacts(member: Membership) -> QuerySet[Contact]:
    """The contacts ``member`` may name in their expenses and notes: their own."""
    return (Contact.objects.for_org(member.organization_id).filter(owner=member).select_related("company")
            .order_by("name", "id"))


def contacts_named(rows: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """The contacts of ``rows`` whose name has a word starting with ``text``, or whose company's name starts
    with it, by name."""
    text = " ".join((text or "").split())[:100]
    if not text:
        return rows.order_by("name", "id")
    return (rows.filter(Q(name__istartswith=text) | Q(name__icontains=f" {text}")
                        | Q(company__name__istartswith=text)).order_by("name", "id"))


def contact_search(member: Membership, text: str) -> list[Contact]:
    """At most ``SEARCH_LIMIT`` of ``member``'s own contacts a typed text may mean (the contacts combobox)."""
    return list(contacts_named(own_contacts(member), text)[:SEARCH_LIMIT])


def contact_label(contact: Contact) -> str:
    return f"{contact.name} ({contact.company.name})"


def contact_name(contact: Contact) -> str:
    return contact.name
