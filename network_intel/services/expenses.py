"""Writes for the networking fund. Keyword-only, typed, atomic; each enforces its own rights.

The expense's states live here, in one place::

    draft → submitted → approved → reimbursed
      ↘ withdrawn   ↘ refused (with a reason) / withdrawn

The budget check and the state change happen under a row lock on the member's
membership (``SELECT … FOR UPDATE``): two expenses submitted or approved at the same
moment are checked one after the other, so a hard cap holds under concurrency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.handoffs import hr_of, tell
from alliance.models import Membership
from alliance.notifications import notifications_withdraw
from alliance.services import full_clean_or_raise
from alliance.templatetags.alliance_tags import day
from alliance.webhooks.events import webhook_event_emit
from network_intel import rights
from network_intel.limits import CONTACTS_MAX, MERCHANT_MAX_LENGTH, REFUSAL_MAX_LENGTH
from network_intel.models.contacts import Contact
from network_intel.models.expenses import (
    REPORT_BACK_VISIBILITIES,
    Expense,
    ExpenseContact,
    ExpenseKind,
    ExpenseState,
    Receipt,
)
from network_intel.models.fund import FundPolicy
from network_intel.models.notes import IntelNote, Visibility
from network_intel.selectors.expenses import possible_duplicates_of
from network_intel.selectors.fund import balance_of, fund_policy, org_today, rate_for
from network_intel.services._common import clean_amount, clean_currency, clean_rate, convert, field_error
from network_intel.services.notes import intel_note_create
from network_intel.services.receipts import (
    adopt_pending_receipts,
    check_receipt_files,
    pending_receipts_of,
    with_receipts,
)

FUND_KIND = "fund_expense"
NOTE_SOURCE = {ExpenseKind.COFFEE: IntelNote.SourceKind.COFFEE, ExpenseKind.MEAL: IntelNote.SourceKind.LUNCH,
               ExpenseKind.EVENT: IntelNote.SourceKind.CONFERENCE, ExpenseKind.OTHER: IntelNote.SourceKind.OTHER}


def _url(member: Membership, name: str, *args) -> str:
    return reverse(f"network_intel:{name}", args=[member.organization.slug, *args])


def _notify(*, recipient: Membership, title: str, body: str, url: str, topic: str = "") -> None:
    tell(recipient=recipient, kind=FUND_KIND, title=title, body=body, url=url, topic=topic)


def _approval_topic(expense: Expense) -> str:
    """The approvers' "asks you to approve" notifications of one expense (withdrawn once it is decided)."""
    return f"expense_approval:{expense.pk}"


def _approvers(member: Membership) -> list[Membership]:
    if rights.has_active_manager(member):
        return [member.manager]
    return [hr for hr in hr_of(member.organization_id) if hr.pk != member.pk]


# --- Expenses -----------------------------------------------------------------------------------------

def _policy_or_refuse(organization_id: int) -> FundPolicy:
    policy = fund_policy(organization_id)
    if policy is None:
        raise ApplicationError("This organization has no networking fund yet: HR sets its policy first.")
    return policy


def _check_date(member: Membership, spent_on: date | None) -> date:
    if spent_on is None:
        raise field_error("spent_on", "Give the day of the expense.")
    if spent_on > org_today(member.organization):
        raise field_error("spent_on", "That day is still to come.")
    if spent_on < member.employment_started_on:
        raise field_error("spent_on", "That is before your employment here started "
                                      f"({day(member.employment_started_on)}).")
    return spent_on


def _rate(member: Membership, currency: str, spent_on: date, entered) -> tuple[Decimal, date, bool]:
    if currency == member.organization.currency:
        return Decimal(1), spent_on, False
    if entered not in (None, ""):
        return clean_rate(entered), spent_on, True
    row = rate_for(member.organization_id, currency, spent_on)
    if row is None:
        raise field_error("exchange_rate", f"There is no {currency} rate for {spent_on:%d %b %Y} in the rate table: "
                                      f"type the rate from your bank statement, or ask HR to add it.")
    return row.rate, row.valid_on, False


def _check_contacts(by: Membership, contacts: list[Contact]) -> None:
    if len(contacts) > CONTACTS_MAX:
        raise field_error("contacts", f"Name at most {CONTACTS_MAX} contacts; type the others in.")
    for contact in contacts:
        if contact.organization_id != by.organization_id or contact.owner_id != by.pk:
            raise field_error("contacts", "Name only your own contacts (or type the name and company).")


def _set_contacts(expense: Expense, contacts: list[Contact]) -> None:
    org = expense.organization_id
    ExpenseContact.objects.for_org(org).filter(expense=expense).delete()
    ExpenseContact.objects.bulk_create([ExpenseContact(organization_id=org, expense=expense, contact=contact)
                                        for contact in {c.pk: c for c in contacts}.values()])


def _fill(by: Membership, expense: Expense, *, spent_on, currency, amount, exchange_rate) -> None:
    expense.spent_on = _check_date(by, spent_on)
    expense.currency = clean_currency(currency)
    expense.amount = clean_amount(amount)
    expense.exchange_rate, expense.rate_on, expense.rate_entered = _rate(by, expense.currency, expense.spent_on,
                                                                         exchange_rate)
    expense.org_currency = by.organization.currency
    expense.amount_org = convert(expense.amount, expense.exchange_rate)


def _clean_text(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        out[key] = (value or "").strip() if isinstance(value, str) or value is None else value
    return out


@transaction.atomic
def expense_create(*, by: Membership, spent_on: date, kind: str, merchant: str, amount, currency: str,
                   purpose: str, exchange_rate=None, contacts: list[Contact] | None = None, met_names: str = "",
                   receipts: list | None = None, submit: bool = False, form_token: str = "") -> Expense:
    """Log an expense (a draft, or submitted at once). Nothing is kept — no row, no file — when anything is wrong.

    ``form_token``: the page's form, whose receipts chosen before an error wait as pending receipts
    (``pending_receipts_add``); they become this expense's."""
    if not by.is_active:
        raise NotAllowed("Only active members have a networking fund.")
    _policy_or_refuse(by.organization_id)
    contacts = list(contacts or [])
    _check_contacts(by, contacts)
    text = _clean_text({"merchant": merchant, "purpose": purpose, "met_names": met_names})
    if len(text["merchant"]) > MERCHANT_MAX_LENGTH:
        raise field_error("merchant", f"At most {MERCHANT_MAX_LENGTH} characters.")
    expense = Expense(organization_id=by.organization_id, member=by, kind=kind, **text)
    _fill(by, expense, spent_on=spent_on, currency=currency, amount=amount, exchange_rate=exchange_rate)
    if not expense.purpose:
        raise field_error("purpose", "Say whom you met and why.")
    full_clean_or_raise(expense)
    pending = pending_receipts_of(by, form_token)
    checked = check_receipt_files(list(receipts or []), existing=len(pending))
    expense.save()
    _set_contacts(expense, contacts)
    adopt_pending_receipts(by, expense, pending)
    with_receipts(by, expense, checked, (lambda: expense_submit(by=by, expense=expense)) if submit else (lambda: None))
    return expense


@transaction.atomic
def expense_update(*, by: Membership, expense: Expense, data: dict, contacts: list[Contact] | None = None) -> Expense:
    """Change a draft. Submitted expenses are withdrawn and logged again; approved ones never change."""
    if not rights.can_edit(by, expense):
        raise NotAllowed("Only a draft can be changed, by the member who logged it. "
                         "A change after approval is a new expense.")
    unknown = set(data) - set(Expense.EDITABLE) - {"exchange_rate"}
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    merged = {field: data.get(field, getattr(expense, field)) for field in ("spent_on", "currency", "amount")}
    rate = data.get("exchange_rate", expense.exchange_rate if expense.rate_entered else None)
    _fill(by, expense, exchange_rate=rate, **merged)
    text = _clean_text({k: v for k, v in data.items() if k in ("merchant", "purpose", "met_names")})
    for key, value in {**text, **({"kind": data["kind"]} if "kind" in data else {})}.items():
        setattr(expense, key, value)
    if not expense.purpose:
        raise field_error("purpose", "Say whom you met and why.")
    full_clean_or_raise(expense)
    expense.save()
    if contacts is not None:
        _check_contacts(by, contacts)
        _set_contacts(expense, contacts)
    return expense


def _lock(expense: Expense) -> tuple[Membership, Expense]:
    """Lock the member (serializes every budget decision of theirs), then re-read the expense."""
    member = (Membership.objects.for_org(expense.organization_id).select_for_update(of=("self",))
              .select_related("organization", "user", "manager").get(pk=expense.member_id))
    fresh = Expense.objects.for_org(expense.organization_id).select_for_update().get(pk=expense.pk)
    return member, fresh


def _refresh(expense: Expense, fresh: Expense) -> Expense:
    for field in fresh._meta.concrete_fields:
        setattr(expense, field.attname, getattr(fresh, field.attname))
    return expense


def _over_budget(member: Membership, expense: Expense, policy: FundPolicy, *, count_pending: bool) -> bool:
    balance = balance_of(member, day=expense.spent_on, policy=policy)
    committed = balance.approved + (balance.pending if count_pending else 0)
    return committed + expense.amount_org > balance.budget


@transaction.atomic
def expense_submit(*, by: Membership, expense: Expense) -> Expense:
    """Send a draft to the approver: receipt, per-expense maximum and budget checked under the member's lock."""
    member, fresh = _lock(expense)
    if not rights.is_owner(by, fresh):
        raise NotAllowed("Only the member who logged an expense submits it.")
    if fresh.state != ExpenseState.DRAFT:
        raise ApplicationError(f"This expense is {fresh.get_state_display().lower()}; only a draft is submitted.")
    policy = _policy_or_refuse(fresh.organization_id)
    currency = member.organization.currency
    if policy.per_expense_max is not None and fresh.amount_org > policy.per_expense_max:
        raise field_error("amount", f"The fund pays at most {policy.per_expense_max} {currency} per expense.")
    has_receipt = Receipt.objects.for_org(fresh.organization_id).filter(expense=fresh).exists()
    if fresh.amount_org > policy.receipt_required_above and not has_receipt:
        raise field_error("receipts", f"Above {policy.receipt_required_above} {currency} a receipt is required.")
    over = _over_budget(member, fresh, policy, count_pending=True)
    if over and policy.cap_mode == FundPolicy.CapMode.HARD:
        balance = balance_of(member, day=fresh.spent_on, policy=policy)
        raise field_error("amount", f"This would take you past your budget: {balance.left} {currency} left this "
                               f"period.")
    fresh.state = ExpenseState.SUBMITTED
    fresh.submitted_at = timezone.now()
    fresh.over_budget = over
    fresh.possible_duplicate = possible_duplicates_of(fresh).exists()
    fresh.save(update_fields=["state", "submitted_at", "over_budget", "possible_duplicate", "updated_at"])
    _refresh(expense, fresh)
    title = f"{member.user.full_name} asks you to approve {fresh.amount_org} {fresh.org_currency}"
    body = f"{fresh.get_kind_display()} at {fresh.merchant} on {fresh.spent_on:%d %b %Y}: {fresh.purpose[:200]}"
    for recipient in _approvers(member):
        _notify(recipient=recipient, title=title, body=body, url=_url(member, "fund_approvals"),
                topic=_approval_topic(fresh))
    webhook_event_emit("expense.submitted", fresh)
    return expense


@transaction.atomic
def expense_approve(*, by: Membership, expense: Expense, acknowledge_over_budget: bool = False,
                    not_duplicate: bool = False) -> Expense:
    """The approver accepts an expense. Never one's own; over budget needs an explicit acknowledgement (soft cap)."""
    member, fresh = _lock(expense)
    if fresh.member_id == by.pk:
        raise NotAllowed("Nobody approves their own expense: it goes to your manager or HR.")
    if not rights.is_approver_for(by, member):
        raise NotAllowed("Only the member's manager or HR can approve this expense.")
    if fresh.state != ExpenseState.SUBMITTED:
        raise ApplicationError(f"This expense is {fresh.get_state_display().lower()}; only one waiting for "
                               f"approval can be approved.")
    if fresh.possible_duplicate and not fresh.duplicate_cleared and not not_duplicate:
        raise field_error("not_duplicate", "It may be a duplicate (same day, amount and currency as another): "
                                      "confirm it is not one to approve it.")
    policy = _policy_or_refuse(fresh.organization_id)
    over = _over_budget(member, fresh, policy, count_pending=False)
    if over and policy.cap_mode == FundPolicy.CapMode.HARD:
        raise ApplicationError("Approving it would take the member past their budget (hard cap): refuse it, "
                               "or HR raises the budget first.")
    if over and not acknowledge_over_budget:
        raise field_error("acknowledge_over_budget", "It takes the member past their budget: acknowledge that to "
                                                "approve it.")
    fresh.state = ExpenseState.APPROVED
    fresh.over_budget = over or fresh.over_budget
    fresh.over_budget_acknowledged = bool(over and acknowledge_over_budget)
    fresh.duplicate_cleared = fresh.duplicate_cleared or (fresh.possible_duplicate and not_duplicate)
    fresh.decided_by, fresh.decided_at = by, timezone.now()
    fresh.save(update_fields=["state", "over_budget", "over_budget_acknowledged", "duplicate_cleared", "decided_by",
                              "decided_at", "updated_at"])
    _refresh(expense, fresh)
    notifications_withdraw(organization_id=fresh.organization_id, topic=_approval_topic(fresh))
    _notify(recipient=member, title=f"Approved: {fresh.get_kind_display().lower()} at {fresh.merchant}",
            body="Write down what you learned (an intel note) and it will be reimbursed.",
            url=_url(member, "expense_detail", fresh.pk))
    webhook_event_emit("expense.approved", fresh)
    return expense


@transaction.atomic
def expenses_approve_unflagged(*, by: Membership, expenses: list[Expense]) -> int:
    """Bulk approval: the chosen expenses with no duplicate or over-budget flag; the others stay in the queue."""
    approved = 0
    for expense in expenses:
        if expense.possible_duplicate or expense.over_budget:
            continue
        try:
            with transaction.atomic():
                expense_approve(by=by, expense=expense)
        except NotAllowed:
            raise
        except ApplicationError:
            continue  # flagged by now (a budget change, a duplicate): it needs a look of its own
        approved += 1
    return approved


@transaction.atomic
def expense_refuse(*, by: Membership, expense: Expense, reason: str) -> Expense:
    member, fresh = _lock(expense)
    if fresh.member_id == by.pk:
        raise NotAllowed("Nobody decides on their own expense.")
    if not rights.is_approver_for(by, member):
        raise NotAllowed("Only the member's manager or HR can refuse this expense.")
    if fresh.state != ExpenseState.SUBMITTED:
        raise ApplicationError(f"This expense is {fresh.get_state_display().lower()}; only one waiting for "
                               f"approval can be refused.")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why: the member sees the reason.")
    if len(reason) > REFUSAL_MAX_LENGTH:
        raise field_error("reason", f"At most {REFUSAL_MAX_LENGTH} characters.")
    fresh.state, fresh.refusal_reason = ExpenseState.REFUSED, reason
    fresh.decided_by, fresh.decided_at = by, timezone.now()
    fresh.save(update_fields=["state", "refusal_reason", "decided_by", "decided_at", "updated_at"])
    _refresh(expense, fresh)
    notifications_withdraw(organization_id=fresh.organization_id, topic=_approval_topic(fresh))
    _notify(recipient=member, title=f"Refused: {fresh.get_kind_display().lower()} at {fresh.merchant}",
            body=reason, url=_url(member, "expense_detail", fresh.pk))
    webhook_event_emit("expense.refused", fresh)
    return expense


@transaction.atomic
def expense_withdraw(*, by: Membership, expense: Expense) -> Expense:
    member, fresh = _lock(expense)
    if not rights.is_owner(by, fresh):
        raise NotAllowed("Only the member who logged an expense withdraws it.")
    if fresh.state not in (ExpenseState.DRAFT, ExpenseState.SUBMITTED):
        raise ApplicationError(f"This expense is {fresh.get_state_display().lower()}; only a draft or one waiting "
                               f"for approval can be withdrawn.")
    was_submitted = fresh.state == ExpenseState.SUBMITTED
    fresh.state = ExpenseState.WITHDRAWN
    fresh.save(update_fields=["state", "updated_at"])
    if was_submitted:
        # The approvers' request is obsolete: it leaves their bell, and they hear there is nothing to approve.
        notifications_withdraw(organization_id=fresh.organization_id, topic=_approval_topic(fresh))
        for recipient in _approvers(member):
            _notify(recipient=recipient,
                    title=f"{member.user.full_name} withdrew {fresh.amount_org} {fresh.org_currency} "
                          f"({fresh.get_kind_display().lower()} at {fresh.merchant})",
                    body="Nothing to approve: the member withdrew this expense.",
                    url=_url(member, "fund_approvals"))
    return _refresh(expense, fresh)


# --- Report-back and reimbursement ----------------------------------------------------------------------

@transaction.atomic
def expense_link_note(*, by: Membership, expense: Expense, note: IntelNote) -> Expense:
    """Link the member's own intel note about the meeting: the report-back that unlocks reimbursement."""
    _member, fresh = _lock(expense)
    if not rights.is_owner(by, fresh):
        raise NotAllowed("Only the member who had the meeting reports back on it.")
    if fresh.state != ExpenseState.APPROVED:
        raise ApplicationError("A note is linked to an approved expense.")
    if note.organization_id != by.organization_id or note.author_id != by.pk:
        raise field_error("note", "Link a note you wrote yourself.")
    if note.visibility not in REPORT_BACK_VISIBILITIES:
        raise field_error("note", "A report-back is shared: with your team at least, or with leadership for "
                             "sensitive matters — not private.")
    fresh.note = note
    fresh.save(update_fields=["note", "updated_at"])
    return _refresh(expense, fresh)


@transaction.atomic
def expense_write_note(*, by: Membership, expense: Expense, title: str, body: str,
                       visibility: str = Visibility.TEAM) -> IntelNote:
    """Write the intel note about the meeting and link it in one step (network intelligence writes the note)."""
    if not rights.can_report_back(by, expense):
        raise NotAllowed("Only the member reports back on an approved expense without a note.")
    if visibility not in REPORT_BACK_VISIBILITIES:
        raise field_error("visibility", "Share it with your team at least, or with leadership for sensitive matters.")
    contacts = list(Contact.objects.for_org(by.organization_id)
                    .filter(pk__in=ExpenseContact.objects.for_org(by.organization_id).filter(expense=expense)
                            .values("contact_id"), owner=by))
    note = intel_note_create(by=by, title=title, body=body, contacts=contacts,
                                            source_kind=NOTE_SOURCE.get(expense.kind, IntelNote.SourceKind.OTHER),
                                            learned_on=expense.spent_on, visibility=visibility)
    expense_link_note(by=by, expense=expense, note=note)
    return note


def _reimburse_locked(by: Membership, fresh: Expense) -> None:
    if fresh.member_id == by.pk:
        raise NotAllowed("Nobody reimburses their own expense.")
    if not rights.can_run_fund(by):
        raise NotAllowed("Only HR or an administrator marks expenses reimbursed.")
    if fresh.state != ExpenseState.APPROVED:
        raise ApplicationError(f"Expense {fresh.pk} is {fresh.get_state_display().lower()}; only approved "
                               f"expenses are reimbursed.")
    if fresh.note_id is None:
        raise ApplicationError(f"Expense {fresh.pk} waits for its report-back: it is reimbursed once the "
                               f"member has linked the intel note about the meeting.")


@transaction.atomic
def expenses_reimburse(*, by: Membership, expenses: list[Expense]) -> int:
    """HR marks these reimbursed (after the payroll export): all of them, or none when one may not be."""
    if not rights.can_run_fund(by):
        raise NotAllowed("Only HR or an administrator marks expenses reimbursed.")
    if not expenses:
        raise field_error("expenses", "Choose the expenses that were paid.")
    ids = sorted({expense.pk for expense in expenses})
    fresh = list(Expense.objects.for_org(by.organization_id).select_for_update().filter(pk__in=ids).order_by("id"))
    if len(fresh) != len(ids):
        raise field_error("expenses", "One of these expenses is not here any more.")
    for row in fresh:
        _reimburse_locked(by, row)
    now = timezone.now()
    Expense.objects.for_org(by.organization_id).filter(pk__in=ids).update(
        state=ExpenseState.REIMBURSED, reimbursed_by=by, reimbursed_at=now, updated_at=now)
    for expense in expenses:
        expense.state, expense.reimbursed_by, expense.reimbursed_at = ExpenseState.REIMBURSED, by, now
    members = {member.pk: member for member in Membership.objects.for_org(by.organization_id)
               .filter(pk__in={row.member_id for row in fresh}).select_related("user", "organization")}
    for row in fresh:
        member = members[row.member_id]
        _notify(recipient=member, title=f"Reimbursed: {row.amount_org} {row.org_currency} for the "
                                        f"{row.get_kind_display().lower()} at {row.merchant}",
                body=f"{by.user.full_name} marked it reimbursed.",
                url=_url(member, "expense_detail", row.pk))
    for row in Expense.objects.for_org(by.organization_id).filter(pk__in=ids).order_by("id"):
        webhook_event_emit("expense.reimbursed", row)
    return len(ids)


def expense_reimburse(*, by: Membership, expense: Expense) -> Expense:
    expenses_reimburse(by=by, expenses=[expense])
    return expense
