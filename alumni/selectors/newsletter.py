"""The newsletter's schedule and its audience: alumni who consented to news."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from alliance.models import Membership, Organization
from alumni.models import ExitProcess, LeaverStep, NewsletterFrequency, NewsletterSchedule


def newsletter_frequency(organization: Organization) -> str:
    found = NewsletterSchedule.objects.for_org(organization.pk).values_list("frequency", flat=True).first()
    return found or NewsletterFrequency.MONTHLY


def news_consenting_alumni(organization_id: int) -> QuerySet[Membership]:
    """Alumni who agreed to receive news (their consent on the leaver step of the exit that made them alumni)."""
    consented = LeaverStep.objects.filter(organization_id=organization_id, process__member_id=OuterRef("pk"),
                                          process__state=ExitProcess.State.COMPLETED, consent_news=True)
    return (Membership.objects.filter(organization_id=organization_id, status=Membership.Status.ALUMNUS,
                                      user__is_active=True)
            .filter(Q(Exists(consented))))
