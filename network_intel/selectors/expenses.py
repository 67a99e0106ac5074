"""Reads of expenses: who sees which (``expenses_visible_to``), the lists and queues, report-backs, duplicates."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from alliance.models import Membership
from alliance.rowpeople import with_people
from network_intel.models.expenses import REPORT_BACK_VISIBILITIES, Expense, ExpenseState
from network_intel.selectors.notes import notes_visible_to


def expenses_visible_to(member: Membership) -> QuerySet[Expense]:
    """The one definition of which expenses a member may see."""
    expenses = Expense.objects.for_org(member.organization_id)
    if not member.is_active:
        return expenses.none()
    if member.is_hr:
        return expenses
    reports = Membership.objects.for_org(member.organization_id).filter(manager_id=member.pk).values("pk")
    return expenses.filter(Q(member_id=member.pk) | Q(member_id__in=reports))


# --- Lists -----------------------------------------------------------------------------------------

def expense_list(member: Membership) -> QuerySet[Expense]:
    """Expenses the member may see, with what lists show, in a constant number of queries."""
    # People per row, not joined: the lists are sorted and limited (alliance.rowpeople).
    return with_people(expenses_visible_to(member).select_related("note")
                       .annotate(receipt_count=Count("receipts")), "member")


def my_expenses(member: Membership) -> QuerySet[Expense]:
    return expense_list(member).filter(member=member).order_by("-spent_on", "-id")


def approval_queue(member: Membership) -> QuerySet[Expense]:
    """Submitted expenses the member may approve (never their own), oldest first.

    A manager sees their reports'; HR sees those of members without an active manager
    (a manager's expense whose manager has left, say) and, on request, everyone's.
    """
    expenses = expense_list(member).filter(state=ExpenseState.SUBMITTED).exclude(member=member)
    # Whose expenses, as a subquery of memberships rather than a join: the queue is sorted and limited.
    people = Membership.objects.for_org(member.organization_id)
    if member.is_hr:
        approvers = people.filter(status=Membership.Status.ACTIVE, role__in=[
            Membership.Role.MANAGER, Membership.Role.HR, Membership.Role.ADMIN]).values("pk")
        people = people.filter(Q(manager_id=member.pk) | Q(manager__isnull=True) | ~Q(manager_id__in=approvers))
    else:
        people = people.filter(manager_id=member.pk)
    return expenses.filter(member_id__in=people.values("pk")).order_by("submitted_at", "id")


def all_waiting_approval(member: Membership) -> QuerySet[Expense]:
    """HR's view of every submitted expense except their own."""
    return expense_list(member).filter(state=ExpenseState.SUBMITTED).exclude(member=member).order_by(
        "submitted_at", "id")


def reimbursement_queue(member: Membership) -> QuerySet[Expense]:
    """Approved expenses: ready (note linked) first, then those waiting for a report-back."""
    return expense_list(member).filter(state=ExpenseState.APPROVED).order_by("spent_on", "id")


def report_back_candidates(member: Membership) -> QuerySet:
    """The member's own notes that may serve as a report-back (shared with the team at least), newest first."""
    return (notes_visible_to(member).filter(author=member, visibility__in=REPORT_BACK_VISIBILITIES)
            .order_by("-created_at", "-id"))


def waiting_for_report_back(member: Membership) -> QuerySet[Expense]:
    return expense_list(member).filter(state=ExpenseState.APPROVED, note__isnull=True).order_by("spent_on", "id")


def possible_duplicates_of(expense: Expense) -> QuerySet[Expense]:
    return (Expense.objects.for_org(expense.organization_id)
            .filter(member_id=expense.member_id, spent_on=expense.spent_on, amount=expense.amount,
                    currency=expense.currency,
                    state__in=[ExpenseState.SUBMITTED, ExpenseState.APPROVED, ExpenseState.REIMBURSED])
            .exclude(pk=expense.pk))
