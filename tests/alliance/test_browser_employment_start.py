"""In a real Chromium: HR invites someone who has worked here since 2019 (the start date on the invitation);
they join today and expense yesterday's lunch, which the fund takes because their employment began in 2019."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance.models import Membership
from alliance.tenancy import tenant_context
from network_intel.models import Expense
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import PASSWORD, sign_in
from tests.helpers import choose_person, sent_mail
from tests.network_intel.fund_factories import policy

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                           user__full_name="Hilda Hr", team="People")
    MembershipFactory(organization=acme, role=Membership.Role.MANAGER, user__full_name="Maya Lead",
                      user__email="maya@acme.test", team="Platform")
    policy(hr, amount="200.00")
    return acme


def test_invited_employee_with_a_2019_start_expenses_yesterdays_lunch(page_for, acme, live_server, settings):
    settings.SITE_URL = live_server.url
    hr = page_for()
    sign_in(hr, "hilda@acme.test", PASSWORD)
    hr.wait_for_url(re.compile(r"/o/acme/$"))
    hr.goto("/o/acme/invitations/")
    hr.get_by_label("Email").fill("vera.veteran@example.com")
    hr.get_by_label("Role").select_option("employee")
    choose_person(hr, "Manager", "Maya", "Maya Lead")
    hr.get_by_label("Employment start date").fill("2019-04-01")
    hr.get_by_role("button", name="Send invitation").click()
    hr.get_by_text("Invitation sent to vera.veteran@example.com").wait_for()

    link = re.search(r"(http://\S+/invite/\S+/)", sent_mail()[0].body).group(1)
    vera = page_for()
    vera.goto(link)
    vera.get_by_label("Full name").fill("Vera Veteran")
    vera.locator("#id_password1").fill("a-brand-new-passphrase")
    vera.locator("#id_password2").fill("a-brand-new-passphrase")
    vera.get_by_role("button", name="Create account and join").click()
    vera.wait_for_url(re.compile(r"/o/acme/$"))

    vera.get_by_role("navigation", name="Main").get_by_role("link", name="Fund").click()
    yesterday = timezone.localdate() - timedelta(days=1)
    vera.get_by_label("Date").fill(yesterday.isoformat())
    vera.get_by_label("Kind").select_option("meal")
    vera.get_by_label("Merchant").fill("Nopa")
    vera.locator("#id_amount").fill("18.50")
    vera.get_by_label("Purpose").fill("Lunch with Initech's head of platform")
    vera.get_by_role("button", name="Submit for approval").click()
    vera.get_by_role("heading", name="Meal at Nopa").wait_for()
    assert vera.get_by_text("before your employment").count() == 0

    with tenant_context(acme.pk):
        member = Membership.objects.get(user__email="vera.veteran@example.com")
        assert member.employment_started_on == date(2019, 4, 1)
        assert member.created_at.date() == timezone.now().date()  # added today, employed since 2019
        assert Expense.objects.get(member=member).spent_on == yesterday

    # HR sees the start date (and when the person was added) on the member page.
    hr.goto(f"/o/acme/members/{member.pk}/")
    assert hr.get_by_label("Employment start date").input_value() == "2019-04-01"
