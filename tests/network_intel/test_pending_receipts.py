"""Receipts chosen in the new-expense form survive an error: kept with the form's token, shown attached, used
when the form succeeds, removable, and cleaned up after a day when the form is never sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy, uploads
from network_intel import services
from network_intel.models import Expense, ExpenseState, PendingReceipt, Receipt
from tests.network_intel.fund_factories import joined_long_ago, pdf, png, policy

TOKEN = "a" * 32


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def fund_url(slug="acme"):
    return reverse("network_intel:fund_home", args=[slug])


def form(**data):
    return {"spent_on": timezone.localdate().isoformat(), "kind": "meal", "merchant": "Nopa", "amount": "48.00",
            "currency": "USD", "purpose": "Lunch with a robotics founder", "action": "submit",
            "form_token": TOKEN, **data}


def pending(member):
    with tenancy.tenant_context(member.organization_id):
        return list(PendingReceipt.objects.order_by("id"))


def test_a_receipt_chosen_before_an_error_is_attached_and_used_when_the_form_succeeds(fund, client_for, employee):
    client = client_for(employee)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(fund_url(), form(spent_on=tomorrow, receipts=[png("lunch.png")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "That day is still to come." in page
    assert "Attached: lunch.png" in page and 'name="remove_receipt"' in page
    assert f'name="form_token" value="{TOKEN}"' in page  # the same form, the same token
    [kept] = pending(employee)
    assert kept.original_name == "lunch.png" and uploads.private_storage().exists(kept.file)

    # Sent again without choosing the file: the expense has it (above 25.00 a receipt is required).
    response = client.post(fund_url(), form())
    assert response.status_code == 302
    with tenancy.tenant_context(employee.organization_id):
        saved = Expense.objects.get()
        assert saved.state == ExpenseState.SUBMITTED
        assert list(Receipt.objects.values_list("original_name", "file")) == [("lunch.png", kept.file)]
    assert pending(employee) == []
    # The back button and the same form again: it leads to what was made, nothing twice.
    again = client.post(fund_url(), form())
    assert again.status_code == 302 and again["Location"] == response["Location"]
    with tenancy.tenant_context(employee.organization_id):
        assert Expense.objects.count() == 1
    assert "Expense submitted for approval." in client.get(response["Location"]).content.decode()


def test_a_ticked_receipt_is_removed_and_the_next_error_keeps_the_rest(fund, client_for, employee,
                                                                       django_capture_on_commit_callbacks):
    client = client_for(employee)
    client.post(fund_url(), form(purpose="", receipts=[png("a.png"), pdf("b.pdf")]))
    first, second = pending(employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(fund_url(), form(amount="", remove_receipt=[str(first.pk)]))
    assert response.status_code == 400
    assert "Attached: a.png" not in response.content.decode() and "Attached: b.pdf" in response.content.decode()
    assert [row.pk for row in pending(employee)] == [second.pk]
    assert not uploads.private_storage().exists(first.file)


def test_a_refused_file_keeps_nothing_and_says_why(fund, client_for, employee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(employee).post(fund_url(), form(
        receipts=[png("fine.png"), SimpleUploadedFile("x.png", b"<?php system($_GET['c']);")]))
    assert response.status_code == 400
    assert "whatever its name says" in response.content.decode()
    assert pending(employee) == []
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()


def test_another_persons_form_token_brings_none_of_their_receipts(fund, client_for, employee, manager):
    client_for(employee).post(fund_url(), form(purpose="", receipts=[png("mine.png")]))
    [mine] = pending(employee)
    # The manager sends the same token and tries to remove the employee's file: nothing of it is seen or touched.
    response = client_for(manager).post(fund_url(), form(purpose="", remove_receipt=[str(mine.pk)]))
    assert response.status_code == 400 and "mine.png" not in response.content.decode()
    with tenancy.tenant_context(manager.organization_id):
        assert services.pending_receipts_of(manager, TOKEN) == []
    assert [row.pk for row in pending(employee)] == [mine.pk]
    assert client_for(manager).post(fund_url(), form(amount="20.00")).status_code == 302
    with tenancy.tenant_context(manager.organization_id):
        assert not Receipt.objects.exists()
    assert [row.pk for row in pending(employee)] == [mine.pk]


def test_the_sweep_removes_forms_left_unsent_for_a_day(fund, client_for, employee,
                                                       django_capture_on_commit_callbacks):
    client_for(employee).post(fund_url(), form(purpose="", receipts=[png("old.png")]))
    [old] = pending(employee)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_pending_receipts(now=timezone.now()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_pending_receipts(now=timezone.now() + timedelta(hours=25)) == 1
    assert pending(employee) == []
    assert not uploads.private_storage().exists(old.file)


def test_the_receipt_script_gets_the_address_so_the_next_page_shows_the_message(fund, client_for, employee):
    client = client_for(employee)
    response = client.post(fund_url(), form(receipts=[png("lunch.png")]), HTTP_X_FUND_UPLOAD="1")
    assert response.status_code == 204
    detail = client.get(response["X-Fund-Location"])
    assert "Expense submitted for approval." in detail.content.decode()
