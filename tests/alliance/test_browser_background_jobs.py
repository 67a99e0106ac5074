"""In a real Chromium, on a phone (390 px), with a real worker on the real broker: HR applies an import that
goes to the worker and watches its progress bar turn into the result; then asks for a very large tours CSV
and downloads it from the job's page when it is ready. Both pages pass axe-core."""

from __future__ import annotations

import re
from datetime import date

import pytest

from alliance.models import Membership
from alliance.services.imports import HEADERS
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import SCREENSHOTS, sign_in
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK

pytestmark = pytest.mark.browser

ROWS = [[f"dev{n}@acme.test", f"Dev {n}", "Engineer", "Platform", "employee", "hilda@acme.test",
         "2019-04-01", ""] for n in range(5)]


@pytest.fixture
def acme(transactional_db, settings):
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.EXPORT_BACKGROUND_ROWS = 1
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hilda@acme.test",
                      user__full_name="Hilda Hr", team="People")
    return acme


def check_page(page) -> None:
    from django.conf import settings

    page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
    result = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": []})
    assert result["violations"] == [] and result["width"] <= 390, result


def test_hr_follows_a_background_import_and_export_on_a_phone(page_for, acme, worker):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "hilda@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/members/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        [{"name": "people.xlsx", "mimeType": "application/octet-stream",
          "buffer": table_bytes(HEADERS, ROWS, "xlsx")}])
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Apply: add 5, change 0").click()
    # The worker applies it; the page's progress bar polls until the page shows the result.
    page.get_by_text(re.compile(r"^Applied ")).wait_for(timeout=30_000)
    assert page.locator("[data-count=new] strong").inner_text() == "5"
    check_page(page)
    with tenant_context(acme.pk):
        assert Membership.objects.filter(user__email__startswith="dev").count() == 5
        from tours.models import Tour

        hilda = Membership.objects.get(user__email="hilda@acme.test")
        for member in Membership.objects.filter(user__email__startswith="dev"):
            Tour.objects.create(organization=acme, employee=member, manager=hilda, kind=Tour.Kind.ROTATIONAL,
                                title="Rotation", mission="Learn.", company_objectives="x", employee_benefits="y",
                                start_date=date(2026, 1, 1), end_date=date(2027, 1, 1), status=Tour.Status.ACTIVE)

    page.goto("/o/acme/tours/?format=csv")
    page.wait_for_url(re.compile(r"/o/acme/jobs/\d+/$"))
    page.get_by_role("heading", name=re.compile("Export tours-acme-")).wait_for()
    link = page.get_by_role("link", name=re.compile(r"^Download tours-acme-.*\.csv$"))
    link.wait_for(timeout=30_000)
    page.get_by_text("Done: 5 rows.").wait_for()
    check_page(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-background-export.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("id,employee,employee_email") and text.count("\n") == 6
