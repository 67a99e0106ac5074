"""On a phone (390 px wide) no page scrolls sideways, tables read as cards and the navigation
shows every item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.tours.factories import CheckpointFactory, TourFactory
from tests.tours.test_browser import PASSWORD, SCREENSHOTS

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics International Holdings",
                               mission="Robots for every workshop, everywhere, for everyone who makes things.")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hr@acme.test",
                           user__full_name="Harriet Humanresources-Longname")
    lead = MembershipFactory(organization=acme, role=Membership.Role.MANAGER, manager=hr,
                             user__email="maya.with.a.long.address@acme.test", user__full_name="Maya Lead")
    dana = MembershipFactory(organization=acme, manager=lead, user__email="dana@acme.test",
                             user__full_name="Dana Data")
    today = timezone.localdate()
    tour = TourFactory(employee=dana, manager=lead, status="active", title="Build the data platform for every team",
                       start_date=today - timedelta(days=100), end_date=today + timedelta(days=900))
    checkpoint = CheckpointFactory(tour=tour, location="https://meet.example/a-rather-long-video-link-for-dana")
    return {"hr": hr, "lead": lead, "dana": dana, "tour": tour, "checkpoint": checkpoint}


def phone(page_for):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/o/acme/")


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_on_a_phone(page_for, people):
    tour, checkpoint = people["tour"], people["checkpoint"]
    pages = {
        "maya.with.a.long.address@acme.test": ["/o/acme/", "/o/acme/team/", "/o/acme/tours/",
                                               f"/o/acme/tours/{tour.pk}/", f"/o/acme/checkpoints/{checkpoint.pk}/",
                                               "/o/acme/notifications/", "/o/acme/calendar/"],
        "hr@acme.test": ["/o/acme/members/", "/o/acme/invitations/", "/o/acme/programs/"],
        "dana@acme.test": ["/o/acme/my-tour/", "/o/acme/profile/", "/o/acme/api-tokens/"],
    }
    for email, paths in pages.items():
        page = phone(page_for)
        sign_in(page, email)
        for path in paths:
            page.goto(path)
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
            assert overflow(page) <= 0, (email, path, overflow(page))
        # Every navigation item is on screen, none cut off.
        for link in page.get_by_role("navigation", name="Main").get_by_role("link").all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, link.inner_text()


def test_tables_read_as_cards_on_a_phone(page_for, people):
    page = phone(page_for)
    sign_in(page, "maya.with.a.long.address@acme.test")
    page.goto("/o/acme/team/")
    cell = page.locator("#team-rows tbody tr td").first
    assert cell.get_attribute("data-label")
    assert page.locator("#team-rows thead").bounding_box()["height"] <= 1
