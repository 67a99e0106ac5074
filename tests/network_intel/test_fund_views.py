"""Networking-fund pages: the receipt access matrix, the forms, refusals shown as messages, HR's export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from alliance import tenancy
from network_intel import services
from network_intel.models import Expense, ExpenseState, Receipt
from tests.alliance.factories import MembershipFactory
from tests.network_intel.fund_factories import expense, joined_long_ago, pdf, png, policy


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def url(name, *args, slug="acme"):
    return reverse(f"network_intel:{name}", args=[slug, *args])


def receipt_of(item):
    with tenancy.tenant_context(item.organization_id):
        return Receipt.objects.get(expense=item)


def test_receipt_access_matrix(fund, org, client_for, employee, manager, hr, admin, teammate, outsider):
    item = expense(employee, receipts=[png("lunch.png")], submit=True)
    receipt = receipt_of(item)
    path = url("receipt_file", item.pk, receipt.pk)
    for who in (employee, manager, hr, admin):
        response = client_for(who).get(path)
        assert response.status_code == 200, who
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(teammate).get(path).status_code == 404
    assert client_for(outsider).get(path).status_code == 404  # not a member of acme
    assert client_for(outsider).get(url("receipt_file", item.pk, receipt.pk, slug="globex")).status_code == 404
    assert client_for(teammate).get(url("expense_detail", item.pk)).status_code == 404


def test_a_pdf_is_served_inline_and_sandboxed(fund, client_for, employee):
    item = expense(employee, receipts=[pdf("bill.pdf")])
    response = client_for(employee).get(url("receipt_file", item.pk, receipt_of(item).pk))
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_fund_page_shows_the_balance_and_logs_an_expense_with_receipts(fund, client_for, employee):
    client = client_for(employee)
    page = client.get(url("fund_home"))
    assert page.status_code == 200 and b"100.00" in page.content
    response = client.post(url("fund_home"), {
        "spent_on": "", "kind": "meal", "merchant": "Nopa", "amount": "48.00", "currency": "USD",
        "purpose": "Lunch with a robotics founder", "receipts": [png("a.png"), pdf("b.pdf")], "action": "submit",
    })
    assert response.status_code == 400  # no date: the form says so, nothing saved
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()
    from django.utils import timezone

    response = client.post(url("fund_home"), {
        "spent_on": timezone.localdate().isoformat(), "kind": "meal", "merchant": "Nopa", "amount": "48.00",
        "currency": "USD", "purpose": "Lunch with a robotics founder", "receipts": [png("a.png"), pdf("b.pdf")],
        "action": "submit",
    })
    assert response.status_code == 302
    with tenancy.tenant_context(employee.organization_id):
        saved = Expense.objects.get()
        assert saved.state == ExpenseState.SUBMITTED and saved.receipts.count() == 2


def test_a_fake_image_is_a_form_error(fund, client_for, employee):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    response = client_for(employee).post(url("fund_home"), {
        "spent_on": timezone.localdate().isoformat(), "kind": "coffee", "merchant": "Café", "amount": "8.00",
        "currency": "USD", "purpose": "x", "receipts": [SimpleUploadedFile("x.png", b"<?php system($_GET['c']);")],
    })
    assert response.status_code == 400
    assert "whatever its name says" in response.content.decode()


def test_self_approval_through_the_page_is_refused(fund, client_for, manager):
    item = expense(manager, submit=True)
    response = client_for(manager).post(url("expense_action", item.pk, "approve"))
    assert response.status_code == 403
    assert "Nobody approves their own expense" in response.content.decode()
    with tenancy.tenant_context(manager.organization_id):
        assert Expense.objects.get(pk=item.pk).state == ExpenseState.SUBMITTED


def test_bulk_approve_skips_flagged_expenses(fund, client_for, employee, manager):
    plain = expense(employee, amount="10.00", submit=True)
    first = expense(employee, amount="11.00", submit=True, days_ago=3, merchant="One")
    twin = expense(employee, amount="11.00", submit=True, days_ago=3, merchant="Two")
    page = client_for(manager).get(url("fund_approvals"))
    assert page.status_code == 200 and b"Possible duplicate" in page.content
    assert b" checked" not in page.content  # nothing is ticked to begin with
    asked = client_for(manager).post(url("fund_approvals"), {"expense": [plain.pk, first.pk, twin.pk]})
    assert asked.status_code == 200 and "Approve 3 expenses?" in asked.content.decode()  # it asks first
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.filter(state=ExpenseState.APPROVED).exists()
    client_for(manager).post(url("fund_approvals"), {"expense": [plain.pk, first.pk, twin.pk], "confirmed": "1"})
    with tenancy.tenant_context(employee.organization_id):
        states = dict(Expense.objects.values_list("pk", "state"))
    assert states[plain.pk] == ExpenseState.APPROVED and states[twin.pk] == ExpenseState.SUBMITTED


def test_bulk_actions_with_nothing_chosen_change_nothing(fund, client_for, employee, manager, hr):
    expense(employee, amount="10.00", submit=True)
    response = client_for(manager).post(url("fund_approvals"), {"confirmed": "1"}, follow=True)
    assert "nothing is chosen" in response.content.decode()
    response = client_for(hr).post(url("fund_reimbursements"), {"confirmed": "1"}, follow=True)
    assert "nothing is chosen" in response.content.decode()
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.filter(state=ExpenseState.APPROVED).exists()


def test_write_the_note_then_hr_exports_and_reimburses(fund, client_for, employee, manager, hr):
    item = expense(employee, amount="30.00", receipts=[png()], submit=True)
    assert client_for(manager).post(url("expense_action", item.pk, "approve")).status_code == 302
    response = client_for(employee).post(url("expense_note", item.pk), {
        "title": "Initech moves to usage pricing", "body": "They **told** me.", "visibility": "team"})
    assert response.status_code == 302
    csv_text = client_for(hr).get(url("fund_payroll_csv")).getvalue().decode()
    assert "30.00" in csv_text and "employee@acme.test" in csv_text
    queue = client_for(hr).get(url("fund_reimbursements")).content.decode()
    assert "data-bulk-item" in queue and " checked" not in queue  # nothing is ticked to begin with
    asked = client_for(hr).post(url("fund_reimbursements"), {"expense": [item.pk]})
    assert asked.status_code == 200 and "Mark 1 expense reimbursed?" in asked.content.decode()
    with tenancy.tenant_context(employee.organization_id):
        assert Expense.objects.get(pk=item.pk).state == ExpenseState.APPROVED
    client_for(hr).post(url("fund_reimbursements"), {"expense": [item.pk], "confirmed": "1"})
    with tenancy.tenant_context(employee.organization_id):
        assert Expense.objects.get(pk=item.pk).state == ExpenseState.REIMBURSED
    report = client_for(hr).get(url("fund_report"))
    assert report.status_code == 200 and b"3.33" in report.content  # one note per 30.00: 3.33 per 100


def test_hr_pages_are_hr_only(fund, client_for, employee, manager):
    for name in ("fund_settings", "fund_reimbursements", "fund_payroll_csv", "fund_report"):
        assert client_for(employee).get(url(name)).status_code == 403
    assert client_for(employee).get(url("fund_approvals")).status_code == 403
    assert client_for(manager).get(url("fund_approvals")).status_code == 200


def test_hr_saves_policy_and_rates(fund, client_for, hr):
    client = client_for(hr)
    assert client.post(url("fund_settings"), {"form": "rate", "currency": "XXQ", "rate": "1.1",
                                              "valid_on": "2026-01-01"}).status_code == 400
    assert client.post(url("fund_settings"), {"form": "rate", "currency": "EUR", "rate": "1.1",
                                              "valid_on": "2026-01-01"}).status_code == 302
    assert client.post(url("fund_settings"), {"form": "policy", "period": "month", "amount": "250",
                                              "receipt_required_above": "20", "cap_mode": "soft",
                                              "report_back_days": "5"}).status_code == 302
    with tenancy.tenant_context(hr.organization_id):
        from network_intel.selectors import fund_policy

        saved = fund_policy(hr.organization_id)
        assert (saved.amount, saved.period, saved.cap_mode) == (Decimal("250.00"), "month", "soft")


def test_the_dashboard_shows_the_fund(fund, client_for, employee):
    response = client_for(employee).get(reverse("dashboard", args=["acme"]))
    assert response.status_code == 200 and b"Networking fund" in response.content


def test_a_colleague_sees_no_expense_of_another(fund, client_for, org, admin, employee):
    stranger = MembershipFactory(organization=org, manager=admin)
    item = expense(employee, submit=True)
    assert client_for(stranger).post(url("expense_action", item.pk, "approve")).status_code == 404
    with tenancy.tenant_context(org.pk):
        assert Expense.objects.get(pk=item.pk).state == ExpenseState.SUBMITTED


def test_link_a_note_written_already(fund, client_for, employee, manager):
    from tests.network_intel.factories import note

    item = expense(employee, submit=True)
    client_for(manager).post(url("expense_action", item.pk, "approve"))
    shared = note(employee, title="Globex hires", visibility="organization")
    page = client_for(employee).get(url("expense_detail", item.pk))
    assert b"Link this note" in page.content and b"Globex hires" in page.content
    response = client_for(employee).post(url("expense_link_note", item.pk), {"note": shared.pk})
    assert response.status_code == 302
    with tenancy.tenant_context(employee.organization_id):
        assert Expense.objects.get(pk=item.pk).note_id == shared.pk


def test_a_draft_is_deleted_with_its_files_and_a_submitted_one_is_not(fund, client_for, employee,
                                                                      django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from alliance import uploads

    draft = expense(employee, receipts=[png()])
    name = receipt_of(draft).file
    done = client_for(employee).post(url("expense_action", draft.pk, "delete"), follow=True)
    assert "is deleted." in done.content.decode() and ">Undo</button>" in done.content.decode()  # no question
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the minute to undo is over
        with tenancy.tenant_context(employee.organization_id):
            services.sweep_deleted(now=timezone.now() + timedelta(minutes=2))
    assert not uploads.private_storage().exists(name)
    submitted = expense(employee, submit=True)
    assert client_for(employee).post(url("expense_action", submitted.pk, "delete")).status_code == 403
    with tenancy.tenant_context(employee.organization_id):
        assert list(Expense.all_objects.values_list("pk", flat=True)) == [submitted.pk]
