"""The networking fund's rules: policy and balance, money, the state machine, self-approval, the hard cap
under concurrency, receipts by content, the report-back gate and its reminder."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone
from PIL import Image

from alliance import tenancy, uploads
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Reminder
from network_intel import selectors, services
from network_intel.models import Expense, ExpenseState, Receipt
from network_intel.reminders import report_backs
from tests.alliance.factories import MembershipFactory
from tests.network_intel.factories import company, contact, note
from tests.network_intel.fund_factories import (
    expense,
    joined_long_ago,
    pdf,
    png,
    png_bytes,
    policy,
    upload,
)


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def stored_files() -> set[str]:
    storage = uploads.private_storage()
    found = set()
    stack = [""]
    while stack:
        folder = stack.pop()
        if not storage.exists(folder or "."):
            continue
        dirs, files = storage.listdir(folder or ".")
        found |= {f"{folder}/{name}".lstrip("/") for name in files}
        stack += [f"{folder}/{name}".lstrip("/") for name in dirs]
    return found


def in_org(member):
    return tenancy.tenant_context(member.organization_id)


def refreshed(item: Expense) -> Expense:
    with tenancy.tenant_context(item.organization_id):
        return Expense.objects.get(pk=item.pk)


# --- Policy, balance, money --------------------------------------------------------------------------

def test_balance_counts_approved_and_pending_in_the_current_period(fund, employee, manager):
    approved = expense(employee, amount="30.00", submit=True, receipts=[png()])
    expense(employee, amount="12.50", submit=True)
    with in_org(manager):
        services.expense_approve(by=manager, expense=approved)
    with in_org(employee):
        balance = selectors.balance_of(employee)
    assert (balance.budget, balance.approved, balance.pending, balance.left) == (
        Decimal("100.00"), Decimal("30.00"), Decimal("12.50"), Decimal("57.50"))


def test_overrides_per_team_win_over_role_and_policy(fund, hr, employee, manager):
    with in_org(hr):
        services.fund_override_set(by=hr, role="manager", amount="300")
        assert selectors.balance_of(manager).budget == Decimal("300.00")
        services.fund_override_set(by=hr, team=employee.team or "Platform", amount="150")
    if not employee.team:
        with in_org(employee):
            employee.team = "Platform"
            employee.save(update_fields=["team"])
    with in_org(employee):
        assert selectors.balance_of(employee).budget == Decimal("150.00")


def test_only_hr_sets_the_policy(fund, manager):
    with in_org(manager), pytest.raises(NotAllowed):
        services.fund_policy_save(by=manager, data={"amount": "1000"})


def test_period_bounds():
    from datetime import date

    assert selectors.period_bounds("quarter", date(2026, 11, 5)) == (date(2026, 10, 1), date(2027, 1, 1))
    assert selectors.period_bounds("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert selectors.period_bounds("year", date(2026, 2, 1)) == (date(2026, 1, 1), date(2027, 1, 1))


def test_foreign_currency_uses_the_rate_table_and_rounds_once(fund, hr, employee):
    with in_org(hr):
        services.exchange_rate_save(by=hr, currency="eur", rate="1.08335",
                                         valid_on=timezone.localdate() - timedelta(days=30))
    item = expense(employee, amount="10.05", currency="EUR")
    assert item.exchange_rate == Decimal("1.08335000")
    assert item.amount_org == Decimal("10.89")  # 10.887667… rounded once, half up
    assert isinstance(item.amount_org, Decimal)
    assert not item.rate_entered and item.rate_on == timezone.localdate() - timedelta(days=30)


def test_an_entered_rate_is_stored_on_the_expense(fund, employee):
    item = expense(employee, amount="1000", currency="JPY", exchange_rate="0.0067")
    assert (item.exchange_rate, item.amount_org, item.rate_entered) == (Decimal("0.00670000"), Decimal("6.70"), True)


@pytest.mark.parametrize(("data", "field"), [
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": "XXX", "exchange_rate": "1"}, "currency"),  # ISO 4217, but no money: "no currency"
    ({"currency": "XTS", "exchange_rate": "1"}, "currency"),  # the testing code
    ({"currency": "XAU", "exchange_rate": "1"}, "currency"),  # gold
    ({"amount": "-5"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "5000000"}, "amount"),
    ({"amount": "1.234"}, "amount"),
    ({"currency": "GBP"}, "exchange_rate"),  # no rate in the table, none typed
    ({"days_ago": -2}, "spent_on"),  # in the future
    ({"days_ago": 500}, "spent_on"),  # before the member joined
])
def test_bad_input_is_refused_and_nothing_is_saved(fund, employee, data, field):
    data = dict(data)
    before = stored_files()
    with pytest.raises(ApplicationError) as caught:
        expense(employee, receipts=[png()], amount=data.pop("amount", "20.00"), **data)
    assert field in caught.value.field_errors
    with in_org(employee):
        assert not Expense.objects.exists() and not Receipt.objects.exists()
    assert stored_files() == before


def test_no_fund_without_a_policy(org, employee):
    joined_long_ago(employee)
    with pytest.raises(ApplicationError, match="no networking fund"):
        expense(employee)


# --- The state machine --------------------------------------------------------------------------------

def test_the_whole_way_draft_to_reimbursed(fund, employee, manager, hr):
    item = expense(employee, amount="42.00", receipts=[png()])
    assert item.state == ExpenseState.DRAFT
    with in_org(employee):
        services.expense_submit(by=employee, expense=item)
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
    with in_org(hr), pytest.raises(ApplicationError, match="report-back"):
        services.expense_reimburse(by=hr, expense=item)
    with in_org(employee):
        written = services.expense_write_note(by=employee, expense=item, title="Their hiring plans",
                                                   body="They hire ten engineers.", visibility="team")
    assert refreshed(item).note_id == written.pk
    assert written.learned_on == item.spent_on and written.source_kind == "coffee"
    with in_org(hr):
        services.expense_reimburse(by=hr, expense=item)
    done = refreshed(item)
    assert done.state == ExpenseState.REIMBURSED and done.reimbursed_by_id == hr.pk


def test_wrong_states_are_refused(fund, employee, manager):
    item = expense(employee, submit=True)
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
        with pytest.raises(ApplicationError, match="only one waiting"):
            services.expense_approve(by=manager, expense=item)
        with pytest.raises(ApplicationError):
            services.expense_refuse(by=manager, expense=item, reason="no")
    with in_org(employee):
        with pytest.raises(ApplicationError):
            services.expense_withdraw(by=employee, expense=item)
        with pytest.raises(NotAllowed, match="new expense"):
            services.expense_update(by=employee, expense=item, data={"amount": Decimal("1.00")})
        with pytest.raises(NotAllowed):
            services.expense_delete(by=employee, expense=item)
    assert refreshed(item).state == ExpenseState.APPROVED


def test_refusal_needs_a_reason_the_member_sees(fund, employee, manager):
    item = expense(employee, submit=True)
    with in_org(manager):
        with pytest.raises(ApplicationError) as caught:
            services.expense_refuse(by=manager, expense=item, reason="  ")
        assert "reason" in caught.value.field_errors
        services.expense_refuse(by=manager, expense=item, reason="A team lunch is not networking.")
    assert refreshed(item).refusal_reason == "A team lunch is not networking."


def test_withdraw_a_submitted_expense(fund, employee):
    item = expense(employee, submit=True)
    with in_org(employee):
        services.expense_withdraw(by=employee, expense=item)
    assert refreshed(item).state == ExpenseState.WITHDRAWN


def test_a_receipt_is_required_above_the_threshold(fund, employee):
    item = expense(employee, amount="25.01")
    with in_org(employee), pytest.raises(ApplicationError) as caught:
        services.expense_submit(by=employee, expense=item)
    assert "receipts" in caught.value.field_errors
    assert refreshed(item).state == ExpenseState.DRAFT


def test_per_expense_maximum(fund, hr, employee):
    policy(hr, per_expense_max=Decimal("40.00"))
    with pytest.raises(ApplicationError, match="at most 40.00"):
        expense(employee, amount="45.00", receipts=[png()], submit=True)


# --- Nobody approves their own expense ------------------------------------------------------------------

@pytest.mark.parametrize("who", ["manager", "hr", "admin"])
def test_nobody_approves_their_own_expense(fund, request, who):
    member = request.getfixturevalue(who)
    item = expense(member, submit=True)
    with in_org(member):
        with pytest.raises(NotAllowed, match="own expense"):
            services.expense_approve(by=member, expense=item)
        with pytest.raises(NotAllowed):
            services.expense_refuse(by=member, expense=item, reason="x")
        with pytest.raises(NotAllowed):
            services.expenses_approve_unflagged(by=member, expenses=[item])
    assert refreshed(item).state == ExpenseState.SUBMITTED


def test_a_managers_expense_goes_to_their_manager_or_hr(fund, manager, admin, hr, employee):
    item = expense(manager, submit=True)
    with in_org(employee), pytest.raises(NotAllowed):
        services.expense_approve(by=employee, expense=item)
    with in_org(hr):
        assert item.pk not in {e.pk for e in selectors.approval_queue(hr)}  # it has an active manager
    with in_org(admin):
        assert item.pk in {e.pk for e in selectors.approval_queue(admin)}
        services.expense_approve(by=admin, expense=item)


def test_a_colleague_manager_cannot_approve(fund, org, admin, employee):
    other = MembershipFactory(organization=org, role="manager", manager=admin)
    item = expense(employee, submit=True)
    with in_org(other), pytest.raises(NotAllowed):
        services.expense_approve(by=other, expense=item)


def test_reimbursing_ones_own_expense_is_refused(fund, hr, admin):
    item = expense(hr, submit=True)
    with in_org(admin):
        services.expense_approve(by=admin, expense=item)
    with in_org(hr):
        services.expense_write_note(by=hr, expense=item, title="t", body="b", visibility="organization")
        with pytest.raises(NotAllowed, match="own expense"):
            services.expense_reimburse(by=hr, expense=item)


# --- Caps and flags ----------------------------------------------------------------------------------------

def test_hard_cap_refuses_past_the_budget(fund, employee):
    expense(employee, amount="25.00", submit=True)
    expense(employee, amount="25.00", submit=True)
    expense(employee, amount="25.00", submit=True)
    with pytest.raises(ApplicationError, match="past your budget"):
        expense(employee, amount="25.01", submit=True, receipts=[png()])


def test_soft_cap_needs_the_approvers_acknowledgement(fund, hr, employee, manager):
    policy(hr, cap_mode="soft", amount=Decimal("30.00"))
    first = expense(employee, amount="20.00", submit=True)
    second = expense(employee, amount="20.00", submit=True, merchant="Other café", days_ago=2)
    assert refreshed(second).over_budget
    with in_org(manager):
        services.expense_approve(by=manager, expense=first)
        with pytest.raises(ApplicationError) as caught:
            services.expense_approve(by=manager, expense=second)
        assert "acknowledge_over_budget" in caught.value.field_errors
        assert services.expenses_approve_unflagged(by=manager, expenses=[second]) == 0
        services.expense_approve(by=manager, expense=second, acknowledge_over_budget=True)
    assert refreshed(second).over_budget_acknowledged


def test_a_possible_duplicate_is_flagged_and_confirmed(fund, employee, manager):
    expense(employee, amount="9.00", submit=True)
    twin = expense(employee, amount="9.00", submit=True, merchant="Same café")
    assert refreshed(twin).possible_duplicate
    with in_org(manager):
        with pytest.raises(ApplicationError, match="duplicate"):
            services.expense_approve(by=manager, expense=twin)
        services.expense_approve(by=manager, expense=twin, not_duplicate=True)
    assert refreshed(twin).duplicate_cleared


@pytest.mark.django_db(transaction=True)
def test_the_hard_cap_holds_with_parallel_submissions(org, hr, admin, manager, employee):
    """Four submissions of 40 against a budget of 100, at the same moment on four connections: two pass."""
    joined_long_ago(admin, hr, manager, employee)
    policy(hr, amount=Decimal("100.00"), receipt_required_above=Decimal("500"))
    drafts = [expense(employee, amount="40.00", merchant=f"Café {n}", days_ago=n + 1) for n in range(4)]
    barrier = threading.Barrier(len(drafts))
    outcomes: list[str] = []

    def submit(item):
        try:
            barrier.wait()
            with tenancy.tenant_context(org.pk):
                services.expense_submit(by=employee, expense=item)
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit, args=(item,)) for item in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "ok", "refused", "refused"]
    with tenancy.tenant_context(org.pk):
        assert selectors.balance_of(employee).pending == Decimal("80.00")


@pytest.mark.django_db(transaction=True)
def test_two_hr_people_saving_the_first_policy_and_a_rate_at_once_both_succeed(org, hr, admin):
    """Both find no row yet; the settings lock makes the second wait and update what the first made."""
    from datetime import date

    from network_intel.models import ExchangeRate, FundPolicy

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(by, amount, rate):
        try:
            barrier.wait()
            with tenancy.tenant_context(org.pk):
                services.fund_policy_save(by=by, data={"amount": Decimal(amount)})
                services.exchange_rate_save(by=by, currency="EUR", rate=rate, valid_on=date(2026, 11, 1))
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 - any failure is the test's finding
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(hr, "100.00", "1.1")),
               threading.Thread(target=save, args=(admin, "120.00", "1.2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok", "ok"]
    with tenancy.tenant_context(org.pk):
        assert FundPolicy.objects.count() == 1 and ExchangeRate.objects.count() == 1
        assert FundPolicy.objects.get().amount in {Decimal("100.00"), Decimal("120.00")}


# --- Receipts -------------------------------------------------------------------------------------------------

def test_png_and_pdf_receipts_are_stored_privately(fund, employee):
    item = expense(employee, receipts=[png("lunch.png"), pdf("bill.pdf")])
    with in_org(employee):
        receipts = list(Receipt.objects.filter(expense=item).order_by("id"))
    assert [(r.original_name, r.content_type) for r in receipts] == [("lunch.png", "image/png"),
                                                                    ("bill.pdf", "application/pdf")]
    assert all(uploads.private_storage().exists(r.file) for r in receipts)
    assert not any("lunch" in r.file for r in receipts)  # stored under a random name


def test_location_metadata_is_stripped(fund, employee):
    item = expense(employee, receipts=[upload("photo.jpg", png_bytes(gps=True))])
    with in_org(employee):
        receipt = Receipt.objects.get(expense=item)
    with uploads.private_storage().open(receipt.file) as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert receipt.content_type == "image/jpeg"
        assert 0x8825 not in image.getexif() and 0x010F not in image.getexif()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("receipt.png", b"#!/bin/sh\nrm -rf /\n", "not a PDF"),  # a script renamed
    ("receipt.pdf", b"MZ\x90\x00" + b"\x00" * 200, "not a PDF"),  # an executable renamed
    ("receipt.png", png_bytes()[:60], "not a readable"),  # a truncated image
    ("receipt.pdf", b"%PDF-1.4\n%garbage only\n", "not a readable PDF"),
])
def test_fake_files_are_refused_and_nothing_is_left(fund, employee, name, content, message):
    before = stored_files()
    with pytest.raises(ApplicationError, match=message):
        expense(employee, receipts=[png(), upload(name, content)])
    assert stored_files() == before
    with in_org(employee):
        assert not Expense.objects.exists()


def test_an_oversized_file_is_refused(fund, employee):
    big = upload("huge.pdf", b"%PDF-1.4\n" + b"0" * (uploads.MAX_UPLOAD_BYTES + 10))
    with pytest.raises(ApplicationError, match="larger than 10 MB"):
        expense(employee, receipts=[big])


# --- Report-back ---------------------------------------------------------------------------------------------

def test_the_report_back_must_be_the_members_shared_note(fund, employee, manager, teammate):
    item = expense(employee, submit=True)
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
    private = note(employee, visibility="private")
    someone_elses = note(teammate, visibility="team")
    with in_org(employee):
        with pytest.raises(ApplicationError, match="not private"):
            services.expense_link_note(by=employee, expense=item, note=private)
        with pytest.raises(ApplicationError, match="yourself"):
            services.expense_link_note(by=employee, expense=item, note=someone_elses)
    with in_org(manager), pytest.raises(NotAllowed):
        services.expense_link_note(by=manager, expense=item, note=someone_elses)
    shared = note(employee, visibility="leadership")
    with in_org(employee):
        services.expense_link_note(by=employee, expense=item, note=shared)
    assert refreshed(item).note_id == shared.pk


def test_the_report_back_names_the_contacts_met(fund, employee, manager):
    person = contact(employee, company(employee, "Initech"))
    item = expense(employee, submit=True, contacts=[person])
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
    with in_org(employee):
        written = services.expense_write_note(by=employee, expense=item, title="t", body="b")
        assert list(written.contacts.all()) == [person]


def test_the_reminder_is_claimed_once(fund, employee, manager, settings):
    item = expense(employee, submit=True, days_ago=5)
    with in_org(manager):
        services.expense_approve(by=manager, expense=item)
    fresh = expense(employee, submit=True, days_ago=1, merchant="Too recent")
    with in_org(manager):
        services.expense_approve(by=manager, expense=fresh)
    assert report_backs.sweep() == 1
    assert report_backs.sweep() == 0
    with tenancy.tenant_context(employee.organization_id):
        rows = list(Reminder.objects.filter(kind=report_backs.REPORT_BACK))
        assert [(r.subject_id, r.recipient_id) for r in rows] == [(item.pk, employee.pk)]
        message = report_backs.build_report_back(rows[0])
        assert "Blue Bottle" in message.text
        services.expense_write_note(by=employee, expense=item, title="t", body="b")
        assert report_backs.build_report_back(rows[0]) is None  # written in the meantime: skipped


def test_bulk_reimbursement_is_all_or_nothing(fund, hr, employee, manager):
    ready = expense(employee, submit=True, merchant="A")
    waiting = expense(employee, submit=True, merchant="B", days_ago=2)
    with in_org(manager):
        services.expense_approve(by=manager, expense=ready)
        services.expense_approve(by=manager, expense=waiting)
    with in_org(employee):
        services.expense_write_note(by=employee, expense=ready, title="t", body="b")
    with in_org(hr):
        lines = selectors.payroll_lines(hr)
        assert [(line.amount, line.expense_ids) for line in lines] == [(Decimal("20.00"), [ready.pk])]
        with pytest.raises(ApplicationError, match="report-back"):
            services.expenses_reimburse(by=hr, expenses=[ready, waiting])
    assert refreshed(ready).state == ExpenseState.APPROVED
    with in_org(hr):
        assert services.expenses_reimburse(by=hr, expenses=[ready]) == 1
        assert selectors.payroll_lines(hr) == []
