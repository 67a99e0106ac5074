"""Who may do what with the networking fund: one small function per rule.

* An expense is seen by its member, the member's manager, and HR/admins
  (``access_expense``: 404 for anyone else, and for another organization's).
* Its approver is the member's manager — HR when the member has no active manager
  (or for anyone, as the fallback). **Nobody approves their own expense**: not a
  manager, not HR, not an admin, on no path; a manager's own expense goes to their
  manager or to HR.
* Only its member edits, submits or withdraws an expense, and writes its report-back.
* HR reimburses (never their own expense) and keeps the policy and the rate table.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from alliance.models import Membership
from network_intel.fund_models import Expense, ExpenseState, Receipt


def expenses_visible_to(member: Membership) -> QuerySet[Expense]:
    """The one definition of which expenses a member may see."""
    expenses = Expense.objects.for_org(member.organization_id)
    if not member.is_active:
        return expenses.none()
    if member.is_hr:
        return expenses
    return expenses.filter(Q(member_id=member.pk) | Q(member__manager_id=member.pk))


def access_expense(member: Membership, expense_id: int) -> Expense:
    found = (expenses_visible_to(member).select_related("member__user", "member__manager", "note",
                                                        "decided_by__user", "reimbursed_by__user")
             .filter(pk=expense_id).first())
    if found is None:
        raise Http404("No such expense.")
    return found


def access_receipt(member: Membership, expense_id: int, receipt_id: int) -> Receipt:
    """A receipt is seen by whoever sees its expense: the owner, their manager, HR/admins."""
    expense = access_expense(member, expense_id)
    found = Receipt.objects.for_org(member.organization_id).filter(expense=expense, pk=receipt_id).first()
    if found is None:
        raise Http404("No such receipt.")
    found.expense = expense
    return found


def is_owner(member: Membership, expense: Expense) -> bool:
    return member.is_active and expense.member_id == member.pk


def has_active_manager(subject: Membership) -> bool:
    manager = subject.manager
    return manager is not None and manager.is_active and manager.is_manager and manager.pk != subject.pk


def is_approver_for(member: Membership, subject: Membership) -> bool:
    """The member's manager, or HR/admin; never the member themself."""
    if not member.is_active or member.pk == subject.pk or member.organization_id != subject.organization_id:
        return False
    if member.is_hr:
        return True
    return subject.manager_id == member.pk and member.is_manager


def can_approve(member: Membership, expense: Expense) -> bool:
    return expense.state == ExpenseState.SUBMITTED and is_approver_for(member, expense.member)


def can_edit(member: Membership, expense: Expense) -> bool:
    """A draft is its member's to change; once submitted it only moves forward (or is withdrawn)."""
    return is_owner(member, expense) and expense.state == ExpenseState.DRAFT


def can_withdraw(member: Membership, expense: Expense) -> bool:
    return is_owner(member, expense) and expense.state in (ExpenseState.DRAFT, ExpenseState.SUBMITTED)


def can_add_receipt(member: Membership, expense: Expense) -> bool:
    return is_owner(member, expense) and expense.state in (ExpenseState.DRAFT, ExpenseState.SUBMITTED)


def can_report_back(member: Membership, expense: Expense) -> bool:
    return is_owner(member, expense) and expense.state == ExpenseState.APPROVED and expense.note_id is None


def can_reimburse(member: Membership, expense: Expense) -> bool:
    return member.is_hr and expense.member_id != member.pk and expense.state == ExpenseState.APPROVED


def can_run_fund(member: Membership) -> bool:
    """HR and admins keep the policy, the rates and the reimbursement queue."""
    return member.is_hr


def can_see_balance_of(member: Membership, subject: Membership) -> bool:
    return member.is_active and (member.pk == subject.pk or member.is_hr or subject.manager_id == member.pk)
