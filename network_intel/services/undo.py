"""Deleting an intel note or a draft expense with a minute to undo (network_intel.models.undo).

Deleting marks the row (``deleted_at``): from then on no selector, API, search, export or count sees it.
Its author restores it within ``UNDO_SECONDS``; the beat (``sweep_deleted``) then deletes it for real, with
its links and, for an expense, its receipt files. A note that was the report-back of expenses leaves them
(they wait for a note again, as a deletion always did) and returns to them when restored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from network_intel import rights
from network_intel.models.expenses import Expense, ExpenseState, Receipt
from network_intel.models.notes import IntelNote
from network_intel.models.undo import UNDO_SECONDS

TOO_LATE = "It can no longer be restored: a deletion can be undone for a minute."


def _window_start(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=UNDO_SECONDS)


@transaction.atomic
def intel_note_delete(*, by: Membership, note: IntelNote) -> None:
    """Delete a note (its author), undoable for a minute."""
    if not rights.can_edit_note(by, note):
        raise NotAllowed("Only the author can delete a note.")
    org = note.organization_id
    Expense.objects.for_org(org).filter(note=note).update(note=None, parked_note_id=note.pk,
                                                            updated_at=timezone.now())
    note.deleted_at = timezone.now()
    note.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def intel_note_restore(*, by: Membership, note_id: int) -> IntelNote:
    """Undo the deletion of one's note within the minute; afterwards (or another's) it is gone (404)."""
    note = (IntelNote.all_objects.for_org(by.organization_id).select_for_update()
            .filter(pk=note_id, author=by, deleted_at__isnull=False).first())
    if note is None:
        raise Http404("There is no deleted note of yours to restore.")
    if note.deleted_at < _window_start():
        raise ApplicationError(TOO_LATE)
    note.deleted_at = None
    note.save(update_fields=["deleted_at", "updated_at"])
    Expense.objects.for_org(by.organization_id).filter(parked_note_id=note.pk, note__isnull=True).update(
        note=note, parked_note_id=None, updated_at=timezone.now())
    return note


@transaction.atomic
def expense_delete(*, by: Membership, expense: Expense) -> None:
    """A draft may be deleted (with its files, once the minute to undo is over); anything submitted stays."""
    if not rights.can_edit(by, expense):
        raise NotAllowed("Only a draft can be deleted, by the member who logged it.")
    fresh = Expense.objects.for_org(expense.organization_id).select_for_update().get(pk=expense.pk)
    if fresh.state != ExpenseState.DRAFT:
        raise NotAllowed("Only a draft can be deleted, by the member who logged it.")
    fresh.deleted_at = timezone.now()
    fresh.save(update_fields=["deleted_at", "updated_at"])
    expense.deleted_at = fresh.deleted_at


@transaction.atomic
def expense_restore(*, by: Membership, expense_id: int) -> Expense:
    """Undo the deletion of one's draft within the minute."""
    expense = (Expense.all_objects.for_org(by.organization_id).select_for_update()
               .filter(pk=expense_id, member=by, deleted_at__isnull=False).first())
    if expense is None:
        raise Http404("There is no deleted draft of yours to restore.")
    if expense.deleted_at < _window_start():
        raise ApplicationError(TOO_LATE)
    expense.deleted_at = None
    expense.save(update_fields=["deleted_at", "updated_at"])
    return expense


def sweep_deleted(*, now: datetime | None = None) -> int:
    """Delete for real what was deleted more than a minute ago (the beat, every minute); returns how many."""
    cutoff = _window_start(now)
    with tenancy.cross_tenant(reason="clean-up: notes and draft expenses past their minute to undo"):
        notes = IntelNote.all_objects.filter(deleted_at__lt=cutoff)
        note_ids = list(notes.values_list("pk", flat=True))
        Expense.all_objects.filter(parked_note_id__in=note_ids).update(parked_note_id=None)
        notes.delete()
        expenses = Expense.all_objects.filter(deleted_at__lt=cutoff)
        expense_ids = list(expenses.values_list("pk", flat=True))
        names = list(Receipt.objects.filter(expense_id__in=expense_ids).values_list("file", flat=True))
        expenses.delete()
    transaction.on_commit(lambda: uploads.delete_stored(names))
    return len(note_ids) + len(expense_ids)
