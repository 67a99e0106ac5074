from __future__ import annotations

import io
import zoneinfo
from datetime import time

import pytest
from django.core.management import call_command

from alliance.models import Membership, Organization
from alliance.tenancy import tenant_context
from alumni.models import (
    AlumniEvent,
    AlumniProfile,
    AlumniSettings,
    Benefit,
    Boomerang,
    CustomerLead,
    EventRsvp,
    NewsPost,
    Referral,
)


@pytest.mark.django_db
def test_seed_demo_builds_an_invest_and_a_support_network_once():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    acme, globex = Organization.objects.get(slug="acme"), Organization.objects.get(slug="globex")
    with tenant_context(acme.pk):
        assert AlumniSettings.objects.get().level == "invest"
        assert Membership.objects.filter(status="alumnus").count() >= 30
        profiles = AlumniProfile.objects.all()
        assert profiles.filter(distinguished=True).exists() and profiles.filter(listed=False).exists()
        assert profiles.filter(listed=True, company_visibility="everyone").exists()
        assert profiles.filter(listed=True, name_visibility="alumni").exists()
        assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
        assert Referral.objects.filter(bonus_state="paid").exists() and Referral.objects.filter(
            bonus_state="pending").exists()
        assert len(set(CustomerLead.objects.values_list("status", flat=True))) >= 4
        assert Boomerang.objects.filter(state="rehired").count() == 1
        counts = (Referral.objects.count(), CustomerLead.objects.count(), AlumniProfile.objects.count())
        assert NewsPost.objects.filter(pinned=True).count() == 1 and NewsPost.objects.count() >= 3
        assert set(Benefit.objects.values_list("tier", flat=True)) == {"alumni", "distinguished"}
        assert AlumniEvent.objects.count() >= 3
        assert EventRsvp.objects.filter(state="waiting").exists()
        engage = (NewsPost.objects.count(), Benefit.objects.count(), EventRsvp.objects.count())
    with tenant_context(globex.pk):
        assert AlumniSettings.objects.get().level == "support"
        assert AlumniProfile.objects.count() >= 5
        assert NewsPost.objects.exists() and not Benefit.objects.exists() and not AlumniEvent.objects.exists()
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    with tenant_context(acme.pk):
        assert (Referral.objects.count(), CustomerLead.objects.count(), AlumniProfile.objects.count()) == counts
        assert (NewsPost.objects.count(), Benefit.objects.count(), EventRsvp.objects.count()) == engage


@pytest.mark.django_db
def test_demo_events_fall_on_weekdays_over_lunch_or_after_work_months_apart():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    acme = Organization.objects.get(slug="acme")
    zone = zoneinfo.ZoneInfo(acme.time_zone)
    with tenant_context(acme.pk):
        events = list(AlumniEvent.objects.all())
    assert len(events) >= 3
    for event in events:
        start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        assert start.weekday() < 5 and start.date() == end.date(), event.title
        lunchtime = time(11, 30) <= start.time() and end.time() <= time(14, 0)
        evening = time(18, 0) <= start.time() and end.time() <= time(21, 0)
        assert lunchtime or evening, (event.title, start, end)
        if "summer" in event.title.lower():
            assert start.month in (6, 7, 8)
    assert len({(event.starts_at.year, event.starts_at.month) for event in events}) >= 2
