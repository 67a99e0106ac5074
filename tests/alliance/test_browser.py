"""Browser journeys in a real Chromium (Playwright), against a live server.

Data is created inside the organization's tenant context and committed (the
live server's thread has its own database connection and transaction).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.models import Invitation, Membership, User
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import choose_person, nav_link, sent_mail

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
SCREENSHOTS = Path(os.environ.get("ALLIANCE_SCREENSHOTS", "/tmp"))


@pytest.fixture
def acme_and_globex(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics", mission="Robots for every workshop.")
    globex = OrganizationFactory(slug="globex", name="Globex Health")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                           user__full_name="Hilda Hr", team="People")
    MembershipFactory(organization=globex, user=hr.user, title="Advisor")
    lead = MembershipFactory(organization=acme, role=Membership.Role.MANAGER, user__full_name="Maya Lead",
                             user__email="maya@acme.test", team="Platform")
    MembershipFactory(organization=acme, manager=lead, team="Platform", user__full_name="Dana Data")
    MembershipFactory(organization=acme, manager=lead, team="Perception", user__full_name="Pavel Perception")
    return {"acme": acme, "globex": globex, "hr": hr}


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_pick_organization_invite_and_join(page_for, acme_and_globex, live_server, settings):
    settings.SITE_URL = live_server.url  # the link in the e-mail points at this server
    page = page_for()

    sign_in(page, "hilda@acme.test")
    page.get_by_role("heading", name="Your organizations").wait_for()
    assert page.get_by_role("link", name="Globex Health").is_visible()
    page.get_by_role("link", name="Acme Robotics").click()

    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.get_by_role("heading", name="Welcome, Hilda").wait_for()
    assert page.get_by_text("Robots for every workshop.").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "alliance-dashboard.png"), full_page=True)

    nav_link(page, "Invitations").click()
    page.wait_for_url(re.compile(r"/o/acme/invitations/$"))
    page.get_by_label("Email").fill("nina.new@example.com")
    page.get_by_label("Role").select_option("employee")
    page.get_by_label("Title").fill("Robotics Engineer")
    page.get_by_label("Team").fill("Platform")
    choose_person(page, "Manager", "Maya", "Maya Lead")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to nina.new@example.com").wait_for()
    sent = page.locator("section", has=page.get_by_role("heading", name="Sent"))
    assert sent.get_by_text("nina.new@example.com").is_visible()
    assert sent.get_by_text("Open", exact=True).is_visible()
    page.screenshot(path=str(SCREENSHOTS / "alliance-invitations.png"), full_page=True)

    assert len(sent_mail()) == 1 and sent_mail()[0].to == ["nina.new@example.com"]
    link = re.search(r"(http://\S+/invite/\S+/)", sent_mail()[0].body).group(1)
    assert link.startswith(live_server.url)

    invitee = page_for()
    invitee.goto(link)
    invitee.get_by_role("heading", name="Join Acme Robotics").wait_for()
    invitee.get_by_label("Full name").fill("Nina New")
    invitee.locator("#id_password1").fill("a-brand-new-passphrase")
    invitee.locator("#id_password2").fill("a-brand-new-passphrase")
    invitee.get_by_role("button", name="Create account and join").click()
    invitee.wait_for_url(re.compile(r"/o/acme/$"))
    invitee.get_by_role("heading", name="Welcome, Nina").wait_for()
    assert invitee.get_by_text("Welcome to Acme Robotics.").is_visible()
    assert invitee.get_by_text("Maya Lead").is_visible()  # her manager, from the invitation
    invitee.screenshot(path=str(SCREENSHOTS / "alliance-joined.png"), full_page=True)

    user = User.objects.get(email="nina.new@example.com")
    with tenant_context(acme_and_globex["acme"].pk):
        membership = Membership.objects.get(user=user)
        assert Invitation.objects.get().accepted_by_id == user.pk
    assert (membership.title, membership.team, membership.role) == ("Robotics Engineer", "Platform", "employee")

    # The link worked once.
    invitee.goto(link)
    invitee.get_by_role("heading", name="This invitation link is not valid").wait_for()


def test_members_filter_updates_the_rows_without_a_reload(page_for, acme_and_globex):
    page = page_for()
    sign_in(page, "hilda@acme.test")
    page.goto("/o/acme/members/")
    rows = page.locator("#member-rows tbody tr")
    assert rows.count() == 4
    page.screenshot(path=str(SCREENSHOTS / "alliance-members.png"), full_page=True)
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Search").fill("dana")
    expect(page.locator("#member-rows tbody tr")).to_have_count(1)
    assert "Dana Data" in rows.first.inner_text()
    assert page.evaluate("window.__sameDocument") is True  # swapped in place, not reloaded
    assert "q=dana" in page.url  # and the address follows, so reload/back keep the filter

    page.get_by_label("Search").fill("")
    expect(page.locator("#member-rows tbody tr")).to_have_count(4)
    page.get_by_label("Team").select_option("Perception")
    expect(page.locator("#member-rows tbody tr")).to_have_count(1)
    assert "Pavel Perception" in rows.first.inner_text()
    page.get_by_label("Role").select_option("hr")
    page.get_by_text("Nobody matches these filters.").wait_for()
    assert page.evaluate("window.__sameDocument") is True
