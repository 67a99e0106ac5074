"""Receipt files of an expense: checked by their bytes, stored privately, all kept or none."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance import uploads
from alliance.errors import NotAllowed
from alliance.models import Membership
from network_intel import rights
from network_intel.models.expenses import Expense, Receipt
from network_intel.services._common import field_error

MAX_RECEIPTS = 10
RECEIPT_FOLDER = "receipts"


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
