"""In a real Chromium, on a phone (390 px): HR uploads a spreadsheet of former employees, reads the refused
rows, uploads a good one, applies it without inviting, invites them later, and sees which invitation bounced;
the directory shows nobody until an invited alumnus agrees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Membership, OutboundEmail
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from alumni.models import AlumniProfile
from alumni.services.imports import HEADERS
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import SCREENSHOTS, sign_in

pytestmark = pytest.mark.browser
LAST_YEAR = (timezone.localdate() - timedelta(days=400)).isoformat()
GOOD = [
    ["ada.with.a.rather.long.personal.address@home.test", "Ada Lovelace", LAST_YEAR, "Resignation", "eligible", ""],
    ["bob@home.test", "Bob Byte", LAST_YEAR, "mutual agreement", "conditional", ""],
]
BAD = [
    ["hilda@acme.test", "Hilda Again", LAST_YEAR, "resignation", "", ""],
    ["cid@home.test", "Cid", "next week", "fired", "", ""],
]


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                      user__full_name="Hilda Hr", team="People")
    return acme


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def upload(page, rows, name):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": table_bytes(HEADERS, rows, "xlsx")}])
    page.get_by_role("button", name="Preview").click()


def test_hr_imports_former_employees_on_a_phone(page_for, acme):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "hilda@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/exits/")
    page.get_by_role("link", name="Import former employees").click()
    page.wait_for_url(re.compile(r"/o/acme/alumni-import/$"))
    assert overflow(page) <= 0

    upload(page, BAD, "bad.xlsx")
    page.wait_for_url(re.compile(r"/o/acme/alumni-import/\d+/$"))
    page.get_by_text("Fix the rows below").wait_for()
    rows = page.locator(".import-row")
    assert rows.count() == 2
    assert "already has an account" in rows.nth(0).inner_text()
    assert "not a date" in rows.nth(1).inner_text() and "not an exit kind" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name=re.compile("^Apply")).count() == 0
    assert overflow(page) <= 0

    page.goto("/o/acme/alumni-import/")
    upload(page, GOOD, "alumni.xlsx")
    page.get_by_role("button", name="Apply: add 2 alumni").wait_for()
    assert overflow(page) <= 0
    page.get_by_role("button", name="Apply: add 2 alumni").click()
    page.get_by_text("Import applied: 2 alumni added.").wait_for()
    with tenant_context(acme.pk):
        assert Membership.objects.filter(status=Membership.Status.ALUMNUS).count() == 2
        assert not AlumniProfile.objects.filter(listed=True).exists()
        assert not OutboundEmail.objects.filter(kind="alumni_import_invitation").exists()

    page.get_by_role("button", name="Send invitations").click()
    page.get_by_text("2 invitations sent.").wait_for()
    with tenant_context(acme.pk):
        OutboundEmail.objects.filter(kind="alumni_import_invitation", to=["bob@home.test"]).update(
            status=OutboundEmail.Status.FAILED, last_error="550 5.1.1 No such user here")
    page.reload()
    region = page.get_by_role("region", name=re.compile("Invitations not delivered"))
    assert "bob@home.test" in region.inner_text() and "No such user" in region.inner_text()
    assert page.get_by_role("button", name="Send invitations").count() == 0  # each is invited once
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "phone-alumni-import.png"), full_page=True)
