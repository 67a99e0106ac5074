"""The notification bell in a real Chromium: count, list, mark read without a reload."""

from __future__ import annotations

import re

import pytest

from alliance import tenancy
from alliance.notifications import notification_create
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def ellis(transactional_db):
    org = OrganizationFactory(slug="acme", name="Acme Robotics")
    member = MembershipFactory(organization=org, user__email="ellis@acme.test", user__full_name="Ellis Example")
    with tenancy.tenant_context(org.pk):
        for title in ("Checkpoint with Maya on Friday", "Add your talking points"):
            notification_create(recipient=member, kind="checkpoint_upcoming", title=title, body="Agenda: empty.")
    return member


def test_bell_counts_and_marking_read_updates_it_without_a_reload(page_for, ellis):
    page = page_for()
    sign_in(page, "ellis@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    bell = page.locator("#bell")
    assert bell.locator(".bell-count").inner_text() == "2"
    assert bell.get_attribute("aria-label") == "Notifications: 2 unread"

    bell.click()
    page.wait_for_url(re.compile(r"/o/acme/notifications/$"))
    page.evaluate("window.__no_reload = true")
    item = page.locator(".notification", has_text="Add your talking points")
    item.get_by_role("button", name="Mark read").click()
    item.get_by_role("button", name="Mark read").wait_for(state="detached")
    page.locator("#bell .bell-count", has_text="1").wait_for()
    assert page.evaluate("window.__no_reload") is True  # HTMX swapped the item and the bell in place
    assert page.locator(".notification.unread").count() == 1
