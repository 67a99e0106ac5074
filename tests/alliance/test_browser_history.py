"""In a real Chromium, on a phone (390 px): HR reads the organization's history, narrows it to one person's
changes, opens a member's history; both pages fit the screen and pass axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from alliance.models import Membership
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import SCREENSHOTS, sign_in
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK, raw_choice_values

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                           user__full_name="Hilda Hr", team="People")
    dana = MembershipFactory(organization=acme, user__full_name="Dana Data", team="Platform")
    with tenant_context(acme.pk):
        Membership.objects.filter(pk=dana.pk).update(
            title="Principal " + "Supercalifragilisticexpialidocious" * 3, role=Membership.Role.MANAGER,
            manager=hr)
    return {"hr": hr, "dana": dana}


def check(page) -> dict:
    page.add_script_tag(url=f"/static/vendor/{AXE}")
    return page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": raw_choice_values()})


def test_hr_reads_the_history_on_a_phone(page_for, acme):
    assert Path(settings.BASE_DIR, "static", "vendor", AXE).exists()
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "hilda@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/history/")
    entry = page.locator(".audit-entry").filter(has_text="Dana Data").filter(has_text="Changed").first
    assert "Manager" in entry.inner_text() and "Employee" in entry.inner_text()
    result = check(page)
    assert result["width"] <= 390, result["wide"]
    assert result["violations"] == [] and result["raw"] == [], result
    page.screenshot(path=str(SCREENSHOTS / "phone-history.png"), full_page=True)
    page.get_by_role("searchbox", name="Record").fill("Dana")
    page.wait_for_url(re.compile(r"q=Dana"))
    assert page.locator(".audit-entry").count() >= 1
    assert all("Dana Data" in text for text in page.locator(".audit-entry").all_inner_texts())
    page.get_by_role("link", name="History of Dana Data").first.click()
    page.wait_for_url(re.compile(rf"/o/acme/history/membership/{acme['dana'].pk}/$"))
    page.get_by_role("heading", name="History: Dana Data").wait_for()
    result = check(page)
    assert result["width"] <= 390, result["wide"]
    assert result["violations"] == [] and result["raw"] == [], result
