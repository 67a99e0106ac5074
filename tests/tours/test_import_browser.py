"""In a real Chromium, on a phone (390 px): HR opens the tours import from the tours list, downloads nothing,
uploads a refused file and reads why row by row, then a good one, applies it and finds the tour started."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Membership
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import SCREENSHOTS, sign_in
from tests.alliance.test_browser_background_jobs import check_page
from tours.models import Tour
from tours.services.imports import HEADERS

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()
START, END = (TODAY - timedelta(days=200)).isoformat(), (TODAY + timedelta(days=500)).isoformat()


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                           user__full_name="Hilda Hr", team="People")
    MembershipFactory(organization=acme, manager=hr, user__email="pavel.with.a.rather.long.address@acme.test",
                      user__full_name="Pavel Perception")
    return acme


def upload(page, rows, name):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": table_bytes(HEADERS, rows, "xlsx")}])
    page.get_by_role("button", name="Preview").click()


def test_hr_imports_tours_on_a_phone(page_for, acme):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "hilda@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/tours/")
    page.get_by_role("link", name="Import tours").click()
    page.wait_for_url(re.compile(r"/o/acme/tours/import/$"))
    check_page(page)

    upload(page, [["nobody@acme.test", "", "rotational", "Learn", START, END]], "bad.xlsx")
    page.wait_for_url(re.compile(r"/o/acme/tours/import/\d+/$"))
    page.get_by_text("Fix the rows below").wait_for()
    assert "not an active member" in page.locator(".import-row").first.inner_text()
    check_page(page)

    page.goto("/o/acme/tours/import/")
    upload(page, [["pavel.with.a.rather.long.address@acme.test", "", "Transformational",
                   "Open the EU region and hand it over to a local team.", START, END]], "tours.xlsx")
    page.get_by_role("button", name="Apply: start 1 tour").click()
    page.get_by_text("Import applied: 1 tour started.").wait_for()
    check_page(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-tours-import.png"), full_page=True)
    with tenant_context(acme.pk):
        tour = Tour.objects.select_related("manager__user").get()
        assert tour.status == "active" and tour.manager.user.email == "hilda@acme.test"
