"""Deleting an intel note or a draft expense can be undone for a minute: meanwhile the row is invisible everywhere
(pages, API, search, exports, counts); its author restores it with the message's button; afterwards the
clean-up deletes it for real."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.errors import ApplicationError
from network_intel import exports, selectors, services
from network_intel.models import Expense, IntelNote, Receipt
from tests.network_intel.factories import company, note
from tests.network_intel.fund_factories import expense, joined_long_ago, png, policy


def url(name, *args, slug="acme"):
    return reverse(f"network_intel:{name}", args=[slug, *args])


def in_org(member):
    return tenancy.tenant_context(member.organization_id)


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def test_a_deleted_note_is_invisible_everywhere_then_restored(client_for, api_for, org, employee, stranger, hr):
    initech = company(employee, "Initech")
    gone = note(employee, title="Initech buys robots", body="Zanzibar procurement", companies=[initech])
    client = client_for(employee)
    done = client.post(url("note_delete", gone.pk), follow=True)
    assert ">Undo</button>" in done.content.decode()
    for viewer in (employee, stranger, hr):
        assert client_for(viewer).get(url("note_detail", gone.pk)).status_code == 404
        assert "Initech buys robots" not in client_for(viewer).get(url("search"), {"q": "zanzibar"}).content.decode()
        assert "Initech buys robots" not in client_for(viewer).get(url("notes_csv")).getvalue().decode()
        assert api_for(viewer).get(f"/api/v1/intel-notes/{gone.pk}/").status_code == 404
        assert api_for(viewer).get("/api/v1/intel-notes/").json()["results"] == []
        with in_org(viewer):
            assert not selectors.notes_visible_to(viewer).exists()
    assert "Initech buys robots" not in client.get(url("my_notes")).content.decode()
    assert "Initech buys robots" not in client.get(url("company_detail", initech.pk)).content.decode()
    with in_org(employee):
        assert exports.intel_of(employee)["notes"] == []
        assert initech.notes.count() == 0

    # Someone else cannot restore it; its author can, within the minute.
    assert client_for(stranger).post(url("note_restore", gone.pk)).status_code == 404
    back = client.post(url("note_restore", gone.pk), follow=True)
    assert "is back." in back.content.decode() and "Initech buys robots" in back.content.decode()
    assert "Initech buys robots" in client_for(stranger).get(url("search"), {"q": "zanzibar"}).content.decode()
    assert client.post(url("note_restore", gone.pk)).status_code == 404  # nothing deleted to restore now


def test_a_report_back_note_leaves_its_expense_and_returns_with_it(fund, employee, manager):
    item = expense(employee, submit=True)
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
    with in_org(employee):
        shared = services.expense_write_note(by=employee, expense=item, title="Learned", body="Much",
                                             visibility="team")
        item.refresh_from_db()
        assert item.note_id is not None
        services.intel_note_delete(by=employee, note=shared)
        item.refresh_from_db()
        assert item.note_id is None and item.waits_for_note  # nobody reimburses against a deleted note
        services.intel_note_restore(by=employee, note_id=shared.pk)
        item.refresh_from_db()
        assert item.note_id == shared.pk and item.parked_note_id is None


def test_after_the_minute_the_note_is_gone_for_good(org, employee):
    gone = note(employee, title="Old news")
    with in_org(employee):
        services.intel_note_delete(by=employee, note=gone)
        IntelNote.all_objects.filter(pk=gone.pk).update(deleted_at=timezone.now() - timedelta(seconds=61))
        with pytest.raises(ApplicationError, match="no longer be restored"):
            services.intel_note_restore(by=employee, note_id=gone.pk)
    assert services.sweep_deleted() == 1
    with in_org(employee):
        assert not IntelNote.all_objects.filter(pk=gone.pk).exists()


def test_a_recent_deletion_is_kept_by_the_sweep(org, employee):
    kept = note(employee, title="Just deleted")
    with in_org(employee):
        services.intel_note_delete(by=employee, note=kept)
    assert services.sweep_deleted() == 0
    with in_org(employee):
        assert IntelNote.all_objects.filter(pk=kept.pk, deleted_at__isnull=False).exists()


def test_a_deleted_draft_is_invisible_then_restored_and_cleaned_up(fund, client_for, api_for, employee, manager,
                                                                  django_capture_on_commit_callbacks):
    draft = expense(employee, merchant="Zanzibar Café", receipts=[png("z.png")])
    client = client_for(employee)
    done = client.post(url("expense_action", draft.pk, "delete"), follow=True)
    assert done.status_code == 200 and ">Undo</button>" in done.content.decode()
    assert "Zanzibar Café" not in client.get(url("fund_home")).content.decode()
    assert client.get(url("expense_detail", draft.pk)).status_code == 404
    assert api_for(employee).get(f"/api/v1/expenses/{draft.pk}/").status_code == 404
    assert [row["id"] for row in api_for(employee).get("/api/v1/expenses/").json()["results"]] == []
    with in_org(employee):
        assert exports.expenses_of(employee) == [] and exports.receipt_files(employee) == []
        assert not selectors.my_expenses(employee).exists()
    assert client_for(manager).post(url("expense_restore", draft.pk)).status_code == 404

    back = client.post(url("expense_restore", draft.pk), follow=True)
    assert "is back." in back.content.decode()
    assert client.get(url("expense_detail", draft.pk)).status_code == 200

    with in_org(employee):
        services.expense_delete(by=employee, expense=draft)
        name = Receipt.objects.get(expense_id=draft.pk).file
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_deleted(now=timezone.now() + timedelta(seconds=61)) == 1
    with in_org(employee):
        assert not Expense.all_objects.filter(pk=draft.pk).exists()
    assert not uploads.private_storage().exists(name)
    assert client.post(url("expense_restore", draft.pk)).status_code == 404
