"""Receipt files of an expense: checked by their bytes, stored privately, all kept or none."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.errors import NotAllowed
from alliance.models import Membership
from network_intel import rights
from network_intel.models.expenses import Expense, PendingReceipt, Receipt
from network_intel.services._common import field_error

MAX_RECEIPTS = 10
RECEIPT_FOLDER = "receipts"
PENDING_RECEIPT_HOURS = 24  # how long a receipt chosen in a form that came back waits for the form to succeed


def check_receipt_files(files: list, existing: int = 0) -> list[uploads.CheckedFile]:
    if existing + len(files) > MAX_RECEIPTS:
        raise field_error("receipts", f"At most {MAX_RECEIPTS} receipts per expense.")
    return [uploads.check_upload(file, kinds=uploads.DOCUMENT_TYPES, field="receipts") for file in files]


def _store_receipts(by: Membership, expense: Expense, checked: list[uploads.CheckedFile], stored: list[str]) -> None:
    """Save the files and their rows; ``stored`` collects names so a failure removes them all."""
    for item in checked:
        name = uploads.store(item, folder=f"{RECEIPT_FOLDER}/{expense.organization_id}")
        stored.append(name)
        Receipt.objects.create(organization_id=expense.organization_id, expense=expense, file=name,
                               original_name=item.original_name, content_type=item.content_type, size=item.size,
                               sha256=item.sha256, uploaded_by=by)


def with_receipts(by: Membership, expense: Expense, checked: list[uploads.CheckedFile], then) -> None:
    stored: list[str] = []
    try:
        with transaction.atomic():
            _store_receipts(by, expense, checked, stored)
            then()
    except BaseException:
        uploads.delete_stored(stored)
        raise


@transaction.atomic
def receipts_add(*, by: Membership, expense: Expense, files: list) -> list[Receipt]:
    if not rights.can_add_receipt(by, expense):
        raise NotAllowed("Receipts are added by the expense's member, before it is decided.")
    if not files:
        raise field_error("receipts", "Choose at least one file.")
    existing = Receipt.objects.for_org(expense.organization_id).filter(expense=expense).count()
    checked = check_receipt_files(list(files), existing)
    before = set(Receipt.objects.for_org(expense.organization_id).filter(expense=expense).values_list("pk", flat=True))
    with_receipts(by, expense, checked, lambda: Expense.objects.for_org(expense.organization_id)
                   .filter(pk=expense.pk).update(updated_at=timezone.now()))
    return list(Receipt.objects.for_org(expense.organization_id).filter(expense=expense).exclude(pk__in=before))


# --- Receipts chosen in a new-expense form that came back with an error ------------------------------

def pending_receipts_of(by: Membership, form_token: str) -> list[PendingReceipt]:
    """The receipts ``by`` chose already in the form carrying ``form_token`` (none for an empty token)."""
    if not form_token:
        return []
    return list(PendingReceipt.objects.for_org(by.organization_id).filter(member=by, form_token=form_token)
                .order_by("created_at", "id")[:MAX_RECEIPTS])


def pending_receipts_add(*, by: Membership, form_token: str, files: list) -> list[PendingReceipt]:
    """Check and keep the files chosen in a new-expense form, tied to its one-time token, so that a form
    coming back with an error (a missing date, a budget refusal) still carries them. Nothing is kept when one
    file is refused."""
    if not by.is_active:
        raise NotAllowed("Only active members have a networking fund.")
    if not form_token or len(form_token) > 64:
        raise field_error("receipts", "The form is out of date: reload the page and choose the files again.")
    if not files:
        return []
    checked = check_receipt_files(list(files), existing=len(pending_receipts_of(by, form_token)))
    stored: list[str] = []
    made: list[PendingReceipt] = []
    try:
        with transaction.atomic():
            for item in checked:
                name = uploads.store(item, folder=f"{RECEIPT_FOLDER}/{by.organization_id}")
                stored.append(name)
                made.append(PendingReceipt.objects.create(
                    organization_id=by.organization_id, member=by, form_token=form_token, file=name,
                    original_name=item.original_name, content_type=item.content_type, size=item.size,
                    sha256=item.sha256))
    except BaseException:
        uploads.delete_stored(stored)
        raise
    return made


@transaction.atomic
def pending_receipt_remove(*, by: Membership, form_token: str, pending_id: int) -> bool:
    """Take one chosen receipt off the form (and delete its file); another's, or an unknown one, is left alone."""
    row = (PendingReceipt.objects.for_org(by.organization_id)
           .filter(pk=pending_id, member=by, form_token=form_token).first()) if form_token else None
    if row is None:
        return False
    name = row.file
    row.delete()
    transaction.on_commit(lambda: uploads.delete_stored([name]))
    return True


def adopt_pending_receipts(by: Membership, expense: Expense, pending: list[PendingReceipt]) -> None:
    """The form succeeded: its chosen receipts become the expense's (same stored files, no copy)."""
    for row in pending:
        Receipt.objects.create(organization_id=expense.organization_id, expense=expense, file=row.file,
                               original_name=row.original_name, content_type=row.content_type, size=row.size,
                               sha256=row.sha256, uploaded_by=by)
    PendingReceipt.objects.for_org(by.organization_id).filter(pk__in=[row.pk for row in pending]).delete()


def sweep_pending_receipts(*, now: datetime | None = None) -> int:
    """Remove the receipts of forms left unsent for a day, and their files (the beat, every hour)."""
    cutoff = (now or timezone.now()) - timedelta(hours=PENDING_RECEIPT_HOURS)
    with tenancy.cross_tenant(reason="clean-up: receipts of expense forms never sent"):
        old = PendingReceipt.objects.filter(created_at__lt=cutoff)
        names = list(old.values_list("file", flat=True))
        old.delete()
    transaction.on_commit(lambda: uploads.delete_stored(names))
    return len(names)
