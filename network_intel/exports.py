"""What network intelligence and the networking fund export in a person's "download my data"
(alliance.registry.register_data_export): their expenses with receipts (the files too), the intel notes
they wrote and the contacts they keep."""

from __future__ import annotations

from typing import Any

from alliance.models import Membership
from network_intel.models import Contact, Expense, IntelNote, Receipt


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _receipt_name(receipt: Receipt) -> str:
    return f"receipts/{receipt.expense_id}-{receipt.pk}-{receipt.original_name.replace('/', '_')[:100]}"


def expenses_of(member: Membership) -> list[dict[str, Any]]:
    org = member.organization_id
    receipts: dict[int, list[str]] = {}
    for receipt in (Receipt.objects.for_org(org).filter(expense__member=member, expense__deleted_at__isnull=True)
                    .order_by("created_at", "id")):
        receipts.setdefault(receipt.expense_id, []).append("files/" + _receipt_name(receipt))
    return [{"spent_on": _iso(e.spent_on), "kind": e.kind, "merchant": e.merchant, "amount": str(e.amount),
             "currency": e.currency, "amount_in_organization_currency": str(e.amount_org),
             "organization_currency": e.org_currency, "purpose": e.purpose, "met": e.met_names,
             "state": e.state, "refusal_reason": e.refusal_reason, "submitted_at": _iso(e.submitted_at),
             "reimbursed_at": _iso(e.reimbursed_at), "receipts": receipts.get(e.pk, [])}
            for e in Expense.objects.for_org(org).filter(member=member).order_by("spent_on", "id")]


def receipt_files(member: Membership) -> list[tuple[str, str]]:
    return [(_receipt_name(receipt), receipt.file) for receipt in
            Receipt.objects.for_org(member.organization_id)
            .filter(expense__member=member, expense__deleted_at__isnull=True).order_by("id")]


def intel_of(member: Membership) -> dict[str, Any]:
    org = member.organization_id
    notes = (IntelNote.objects.for_org(org).filter(author=member).prefetch_related("companies", "tags")
             .order_by("created_at", "id"))
    contacts = Contact.objects.for_org(org).filter(owner=member).select_related("company").order_by("name", "id")
    return {
        "notes": [{"title": note.title, "body": note.body, "source": note.source_kind,
                   "learned_on": _iso(note.learned_on), "visibility": note.visibility,
                   "companies": [company.name for company in note.companies.all()],
                   "tags": [tag.name for tag in note.tags.all()], "created_at": _iso(note.created_at)}
                  for note in notes],
        "contacts": [{"name": c.name, "company": c.company.name, "title": c.title, "met_where": c.met_where,
                      "strength": c.strength, "last_talked_on": _iso(c.last_talked_on), "email": c.email,
                      "phone": c.phone} for c in contacts],
    }
