"""The networking fund in a real Chromium: an employee logs a lunch with a receipt (drag-and-drop form,
progress and preview), the manager approves, the employee writes the note, HR reimburses."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from network_intel.models import Expense, ExpenseState
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import nav_link
from tests.network_intel.fund_factories import joined_long_ago, png_bytes, policy
from tests.network_intel.test_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, manager=admin, user__email="hr@acme.test")
    maya = MembershipFactory(organization=acme, role=Membership.Role.MANAGER, manager=admin,
                             user__email="maya@acme.test", user__full_name="Maya Manager", team="Platform")
    ellis = MembershipFactory(organization=acme, manager=maya, user__email="ellis@acme.test",
                              user__full_name="Ellis Employee", team="Platform")
    joined_long_ago(admin, hr, maya, ellis)
    policy(hr, amount="200.00")
    return {"ellis": ellis}


def test_lunch_receipt_approval_note_and_reimbursement(page_for, people):
    employee = page_for()
    sign_in(employee, "ellis@acme.test")
    nav_link(employee, "Fund").click()
    assert "200.00" in employee.locator("[data-figure=left]").inner_text()
    employee.get_by_label("Date").fill(timezone.localdate().isoformat())
    employee.get_by_label("Kind").select_option("meal")
    employee.get_by_label("Merchant").fill("Nopa")
    employee.locator("#id_amount").fill("48.50")
    employee.get_by_label("Purpose").fill("Lunch with Initech's head of platform")
    employee.get_by_label("Receipts").set_input_files(
        [{"name": "lunch.png", "mimeType": "image/png", "buffer": png_bytes((120, 160))}])
    employee.locator("[data-receipt-previews] img").wait_for()  # the preview before sending
    employee.get_by_role("button", name="Submit for approval").click()
    employee.get_by_role("heading", name="Meal at Nopa").wait_for()
    assert employee.locator(".receipts img").count() == 1

    manager = page_for()
    sign_in(manager, "maya@acme.test")
    nav_link(manager, "Approvals").click()
    manager.get_by_role("link", name="Meal at Nopa").click()
    manager.get_by_role("button", name="Approve").click()
    manager.get_by_text("Approved.").wait_for()

    employee.reload()
    employee.get_by_label("What did you learn? (a title)").fill("Initech bills per robot hour")
    employee.get_by_label("Body").fill("From April they bill **per robot hour**.")
    employee.get_by_role("button", name="Share and link the note").click()
    employee.get_by_role("link", name="Initech bills per robot hour").wait_for()

    hr = page_for()
    sign_in(hr, "hr@acme.test")
    nav_link(hr, "Fund admin").click()
    assert hr.get_by_role("link", name="Payroll export (CSV)").is_visible()
    assert hr.get_by_role("button", name="Mark 0 chosen reimbursed").is_disabled()  # nothing ticked at first
    hr.get_by_label("Reimburse Nopa").check()
    asked = []
    hr.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    hr.get_by_role("button", name="Mark 1 chosen reimbursed").click()
    hr.get_by_text("1 marked reimbursed.").wait_for()
    assert asked == ["Mark 1 expense(s) reimbursed?"]
    with tenancy.tenant_context(people["ellis"].organization_id):
        assert Expense.objects.get().state == ExpenseState.REIMBURSED
    assert re.search(r"/o/acme/fund/reimbursements/$", hr.url)


def test_a_receipt_survives_an_error_and_the_success_message_shows(page_for, people):
    from datetime import timedelta

    employee = page_for()
    sign_in(employee, "ellis@acme.test")
    nav_link(employee, "Fund").click()
    employee.get_by_label("Date").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    employee.get_by_label("Kind").select_option("meal")
    employee.get_by_label("Merchant").fill("Nopa")
    employee.locator("#id_amount").fill("48.50")
    employee.get_by_label("Purpose").fill("Lunch with Initech's head of platform")
    employee.get_by_label("Receipts", exact=True).set_input_files(
        [{"name": "lunch.png", "mimeType": "image/png", "buffer": png_bytes((120, 160))}])
    employee.get_by_role("button", name="Submit for approval").click()
    employee.get_by_text("That day is still to come.").wait_for()
    assert employee.get_by_text("Attached: lunch.png").is_visible()  # no need to choose it again
    employee.get_by_label("Date").fill(timezone.localdate().isoformat())
    employee.get_by_role("button", name="Submit for approval").click()
    employee.get_by_role("heading", name="Meal at Nopa").wait_for()
    assert employee.get_by_text("Expense submitted for approval.").is_visible()
    assert employee.locator(".receipts img").count() == 1

    # Chosen and sent at once (the script's progress bar): the message shows on the page it opens.
    nav_link(employee, "Fund").click()
    employee.get_by_label("Date").fill(timezone.localdate().isoformat())
    employee.get_by_label("Merchant").fill("Blue Bottle")
    employee.locator("#id_amount").fill("30.00")
    employee.get_by_label("Purpose").fill("Coffee with a founder")
    employee.get_by_label("Receipts", exact=True).set_input_files(
        [{"name": "coffee.png", "mimeType": "image/png", "buffer": png_bytes((80, 60))}])
    employee.get_by_role("button", name="Save as draft").click()
    employee.get_by_text("Expense saved as a draft.").wait_for()
    assert employee.locator(".receipts img").count() == 1
