"""The alumni network's settings and HR's figures."""

from __future__ import annotations

from django.db.models import Count, Sum

from alliance.models import Membership, Organization
from alumni.models import AlumniSettings, CustomerLead, Referral


def network_settings(organization: Organization) -> AlumniSettings:
    """The organization's alumni settings; the defaults (``support``, no bonus) until an admin saves them."""
    found = AlumniSettings.objects.for_org(organization.pk).first()
    return found or AlumniSettings(organization_id=organization.pk, bonus_currency=organization.currency)


def _by_status(counts: dict[str, int], statuses) -> list[tuple[str, int]]:
    """(label, count) in the statuses' own order: a page shows "Not hired 3", never "not_hired 3"."""
    return [(label, counts[value]) for value, label in statuses.choices if counts.get(value)]


def network_figures(member: Membership) -> dict:
    """Counts for HR's network page: referrals and leads by status (labelled), won value, bonuses owed."""
    organization_id = member.organization_id
    referrals = _by_status(dict(Referral.objects.for_org(organization_id).values_list("status")
                                .annotate(n=Count("id")).order_by()), Referral.Status)
    leads = _by_status(dict(CustomerLead.objects.for_org(organization_id).values_list("status")
                            .annotate(n=Count("id")).order_by()), CustomerLead.Status)
    won = list(CustomerLead.objects.for_org(organization_id).filter(status=CustomerLead.Status.WON)
               .values("currency").annotate(total=Sum("estimated_value")).order_by("currency"))
    return {"referrals": referrals, "leads": leads, "won": won}
