"""HR's long navigation as a few menus: they open without JavaScript, on a phone and on a desktop."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import sign_in

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("ALLIANCE_SCREENSHOTS", "/tmp"))


@pytest.fixture
def hr(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    return MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                             user__full_name="Hilda Hr")


@pytest.mark.parametrize(("width", "javascript"), [(390, False), (1280, False), (390, True)])
def test_hrs_menus_open_and_lead_to_their_pages(browser, live_server, hr, width, javascript):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 844},
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        sign_in(page, "hilda@acme.test")
        page.wait_for_url(re.compile(r"/o/acme/$"))
        nav = page.get_by_role("navigation", name="Main")
        assert not nav.get_by_role("link", name="Invitations").is_visible()  # folded into its menu
        nav.locator("summary", has_text="Organization").click()
        invitations = nav.get_by_role("link", name="Invitations", exact=True)
        assert invitations.is_visible()
        # An open menu stays on the screen: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = invitations.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=str(SCREENSHOTS / f"nav-menu-{width}-{'js' if javascript else 'nojs'}.png"))
        invitations.click()
        page.wait_for_url(re.compile(r"/o/acme/invitations/$"))
        current = nav.locator("details.navmenu.current > summary")
        assert current.inner_text() == "Organization"  # the menu holding the page is marked
        if javascript:  # one menu open at a time
            nav.locator("summary", has_text="Fund").click()
            nav.locator("summary", has_text="Tours").click()
            assert nav.locator("details.navmenu[open]").count() == 1
    finally:
        context.close()
