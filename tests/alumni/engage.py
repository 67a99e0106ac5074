"""Helpers of the news, newsletter, benefits and events tests."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from alliance import tenancy
from alumni import services
from alumni.models import ExitProcess, LeaverStep


def consent_to_news(org, alumnus, *, news: bool = True) -> LeaverStep:
    """The completed exit that made ``alumnus`` an alumnus, with their consents on its leaver step."""
    with tenancy.tenant_context(org.pk):
        process = ExitProcess.objects.create(
            organization=org, member=alumnus, kind="resignation", last_working_day=date(2022, 6, 30),
            initiated_by="employee", state=ExitProcess.State.COMPLETED, completed_at=timezone.now(),
            outcome=ExitProcess.Outcome.ALUMNUS)
        return LeaverStep.objects.create(organization=org, process=process, personal_email=alumnus.user.email,
                                         consent_news=news, consented_at=timezone.now())


def as_member(org, member):
    member.organization = org
    return member


def post(org, hr, title: str = "Hello alumni", body: str = "Some **news**", *, pinned: bool = False):
    with tenancy.tenant_context(org.pk):
        return services.news_post_create(by=as_member(org, hr), title=title, body=body, pinned=pinned)


def event(org, hr, title: str = "Summer evening", *, capacity=None, days: int = 10, **extra):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    data = {"title": title, "description": "Drinks", "starts_at": start, "ends_at": start + timedelta(hours=2),
            "place": "Roof terrace", "capacity": capacity, **extra}
    with tenancy.tenant_context(org.pk):
        return services.event_create(by=as_member(org, hr), data=data)


def benefit(org, hr, title: str, tier: str = "alumni"):
    with tenancy.tenant_context(org.pk):
        return services.benefit_create(by=as_member(org, hr), data={
            "title": title, "description": "Nice", "kind": "perk", "tier": tier, "how_to_claim": "Ask HR"})
