"""The demo reads like a real company, and the banner's logins are real demo people."""

from __future__ import annotations

import io
import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from alliance.devenv import DEMO_LOGINS, DEMO_PASSWORD
from alliance.models import Membership, Organization
from alliance.tenancy import cross_tenant, tenant_context

pytestmark = pytest.mark.django_db

ROLES = {"admin": {"admin"}, "HR": {"hr"}, "manager": {"manager"}, "employee": {"employee"}}


def _memberships(organization: Organization) -> list[Membership]:
    with tenant_context(organization.pk):
        return list(Membership.objects.for_org(organization).select_related("user", "manager"))


def test_demo_people_joined_over_the_years_managers_before_their_teams_and_the_banner_logins_sign_in(rf):
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(organization.time_zone))
        seeded = [m for m in _memberships(organization) if m.user.email.endswith(f"@{organization.slug}.example")]
        dates = [m.employment_started_on for m in seeded]
        assert len(set(dates)) >= len(dates) * 2 // 3  # spread, not everyone on one day
        assert today not in dates
        assert min(dates) < today.replace(year=today.year - 5)
        assert sum(1 for day in dates if (today - day).days < 120) >= 2  # a few newcomers
        assert all(day.weekday() == 0 for day in dates)  # people start on a Monday
        for member in seeded:
            if member.manager is not None and member.status == Membership.Status.ACTIVE:
                assert member.manager.employment_started_on < member.employment_started_on, member.user.email
        by_role = {role: [m.employment_started_on for m in seeded if m.role == role] for role in Membership.Role.values}
        assert max(by_role["hr"]) < min(by_role["manager"]) < min(by_role["employee"])

    roles_seen = set()
    for label, email in DEMO_LOGINS:
        user = authenticate(rf.post("/accounts/login/"), username=email, password=DEMO_PASSWORD)
        assert user is not None, email
        with cross_tenant(reason="test: the demo logins' memberships"):
            memberships = list(Membership.objects.filter(user=user).select_related("organization"))
        if label == "alumnus":
            assert any(m.status == Membership.Status.ALUMNUS for m in memberships)
        elif label in ROLES:
            assert any(m.role in ROLES[label] and m.status == Membership.Status.ACTIVE for m in memberships)
        else:  # in both organizations
            assert {m.organization.slug for m in memberships} == {"acme", "globex"}
        roles_seen.add(label)
    assert {"admin", "HR", "manager", "employee", "alumnus"} <= roles_seen
