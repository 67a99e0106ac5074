"""In a real Chromium, on a phone (390 px): HR downloads nothing, uploads a spreadsheet of people, reads the
preview (a refused file row by row first, then a good one), applies it, and invites the new people later."""

from __future__ import annotations

import re

import pytest

from alliance.models import Invitation, Membership
from alliance.services.imports import HEADERS
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import SCREENSHOTS, sign_in

pytestmark = pytest.mark.browser

GOOD = [
    ["lead.with.a.rather.long.address@acme.test", "Lee Lead", "Engineering Manager", "Platform", "Manager",
     "hilda@acme.test", "2016-02-01", "Europe/Berlin"],
    ["dev@acme.test", "Dev Eloper", "Engineer", "Platform", "employee",
     "lead.with.a.rather.long.address@acme.test", "2019-04-01", ""],
]
BAD = [
    ["a@acme.test", "Ann", "", "", "manager", "b@acme.test", "2019-01-01", ""],
    ["b@acme.test", "Bob", "", "", "manager", "a@acme.test", "2019-01-01", ""],
    ["c@acme.test", "Cid", "", "", "employee", "pavel@acme.test", "2019-01-01", ""],
    ["c@acme.test", "Cid again", "", "", "employee", "hilda@acme.test", "2019-01-01", ""],
]


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                      user__full_name="Hilda Hr", team="People")
    MembershipFactory(organization=acme, user__email="pavel@acme.test", user__full_name="Pavel Perception")
    return acme


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def upload(page, rows, name):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": table_bytes(HEADERS, rows, "xlsx")}])
    page.get_by_role("button", name="Preview").click()


def test_hr_imports_people_on_a_phone(page_for, acme):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "hilda@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/members/")
    page.get_by_role("link", name="Import people").click()
    page.wait_for_url(re.compile(r"/o/acme/members/import/$"))
    assert overflow(page) <= 0

    upload(page, BAD, "bad.xlsx")
    page.wait_for_url(re.compile(r"/o/acme/members/import/\d+/$"))
    page.get_by_text("Fix the rows below").wait_for()
    rows = page.locator(".import-row")
    assert rows.count() == 4
    assert "reporting loop" in rows.nth(0).inner_text() and "Row 2" in rows.nth(0).inner_text()
    assert "not a manager" in rows.nth(2).inner_text()
    assert "more than once" in rows.nth(3).inner_text()
    assert page.get_by_role("button", name=re.compile("^Apply")).count() == 0
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "phone-import-refused.png"), full_page=True)

    page.goto("/o/acme/members/import/")
    upload(page, GOOD, "people.xlsx")
    page.get_by_role("button", name="Apply: add 2, change 0").wait_for()
    assert page.locator("[data-count=new] strong").inner_text() == "2"
    assert "Pavel Perception" in page.get_by_role("region", name=re.compile("Not in the file")).inner_text()
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "phone-import-preview.png"), full_page=True)
    page.get_by_role("button", name="Apply: add 2, change 0").click()
    page.get_by_text("Import applied: 2 added, 0 changed.").wait_for()
    with tenant_context(acme.pk):
        dev = Membership.objects.select_related("manager__user").get(user__email="dev@acme.test")
        assert dev.manager.user.email == "lead.with.a.rather.long.address@acme.test"
        assert not Invitation.objects.exists()

    page.get_by_role("button", name="Send invitations").click()
    page.get_by_text("2 invitations sent.").wait_for()
    with tenant_context(acme.pk):
        assert Invitation.objects.count() == 2
    assert overflow(page) <= 0
