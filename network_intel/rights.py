"""Who may do what with network intelligence and the networking fund: one small function per rule.

``access_*`` return the object or raise Http404 "No such …" — for a missing object
*and* for one the caller may not see, so nothing leaks its existence. ``can_*``
answer yes/no; services call them and refuse on their own (NotAllowed → 403),
views and templates call them only to hide what a person may not use.

Who sees a note (``network_intel.selectors.notes.notes_visible_to`` is the one query):

* ``private`` — its author only;
* ``team`` — the author's team (same team name) and the author's management chain;
* ``leadership`` — HR, admins and the author's management chain;
* ``organization`` — every active member.

The networking fund:

* An expense is seen by its member, the member's manager, and HR/admins
  (``network_intel.selectors.expenses.expenses_visible_to`` is the one query;
  ``access_expense``: 404 for anyone else, and for another organization's).
* Its approver is the member's manager — HR when the member has no active manager
  (or for anyone, as the fallback). **Nobody approves their own expense**: not a
  manager, not HR, not an admin, on no path; a manager's own expense goes to their
  manager or to HR.
* Only its member edits, submits or withdraws an expense, and writes its report-back.
* HR reimburses (never their own expense) and keeps the policy and the rate table.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from alliance.models import Membership
from network_intel.models.companies import Company, Tag
from network_intel.models.contacts import Contact, IntroductionRequest
from network_intel.models.expenses import Expense, ExpenseState, Receipt
from network_intel.models.notes import IntelNote
from network_intel.selectors.expenses import expenses_visible_to
from network_intel.selectors.notes import notes_visible_to, tags_visible_to


def access_note(member: Membership, note_id: int) -> IntelNote:
    found = notes_visible_to(member).select_related("author__user").filter(pk=note_id).first()
    if found is None:
        raise Http404("No such note.")
    return found


# How far an alumnus's note may reach (never a team they no longer belong to, nor "only me": they no
# longer see notes); the alumni app narrows it further to what the organization allows.
ALUMNI_NOTE_VISIBILITIES = (IntelNote.Visibility.LEADERSHIP, IntelNote.Visibility.ORGANIZATION)


def can_write_as_alumnus(member: Membership) -> bool:
    """An alumnus's membership may share notes and be listed in who-knows (the alumni app checks consent)."""
    return member.status == Membership.Status.ALUMNUS


def can_edit_note(member: Membership, note: IntelNote) -> bool:
    """Only the author edits or deletes a note (nobody writes in someone else's name)."""
    return member.is_active and note.organization_id == member.organization_id and note.author_id == member.pk


def can_mark_useful(member: Membership, note: IntelNote) -> bool:
    """Anyone who sees a note may mark it useful, except its author."""
    return member.is_active and note.author_id != member.pk


def can_count_read(member: Membership, note: IntelNote) -> bool:
    """A note's page opened by an active member who may see it, not its author, counts as a read."""
    return (member.is_active and note.organization_id == member.organization_id and note.author_id != member.pk
            and notes_visible_to(member).filter(pk=note.pk).exists())


def access_company(member: Membership, company_id: int) -> Company:
    """Companies are the organization's shared list: every active member sees them."""
    found = Company.objects.for_org(member.organization_id).filter(pk=company_id).first() if member.is_active else None
    if found is None:
        raise Http404("No such company.")
    return found


def can_curate(member: Membership) -> bool:
    """HR and admins keep the tag vocabulary, merge companies and see the most useful notes."""
    return member.is_hr


def access_tag(member: Membership, tag_id: int) -> Tag:
    found = tags_visible_to(member).filter(pk=tag_id).first()
    if found is None:
        raise Http404("No such tag.")
    return found


def access_own_contact(member: Membership, contact_id: int) -> Contact:
    """A contact with its personal details: its owner's only."""
    found = (Contact.objects.for_org(member.organization_id).select_related("company", "introduced_by__user")
             .filter(pk=contact_id, owner=member).first())
    if found is None:
        raise Http404("No such contact.")
    return found


def access_contact_to_meet(member: Membership, contact_id: int) -> Contact:
    """A colleague's contact one may ask an introduction to (seen through "who knows")."""
    found = (Contact.objects.for_org(member.organization_id).select_related("owner__user", "company")
             .filter(pk=contact_id, owner__status=Membership.Status.ACTIVE).exclude(owner=member).first()
             if member.is_active else None)
    if found is None:
        raise Http404("No such contact.")
    return found


def can_see_contact_details(member: Membership, contact: Contact) -> bool:
    return contact.owner_id == member.pk


def access_introduction(member: Membership, introduction_id: int) -> IntroductionRequest:
    """The requester and the introducer see an introduction request; nobody else."""
    found = (
        IntroductionRequest.objects.for_org(member.organization_id)
        .select_related("requester__user", "introducer__user", "contact__company")
        .filter(Q(requester=member) | Q(introducer=member), pk=introduction_id)
        .first()
    )
    if found is None:
        raise Http404("No such introduction request.")
    return found


def can_respond_to_introduction(member: Membership, introduction: IntroductionRequest) -> bool:
    return introduction.introducer_id == member.pk and introduction.status == IntroductionRequest.Status.PENDING


def can_see_team_sharing(member: Membership) -> bool:
    return member.is_manager


# --- The networking fund ----------------------------------------------------------------------------


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
