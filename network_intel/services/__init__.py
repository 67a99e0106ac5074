"""Writes for network intelligence and the networking fund. Keyword-only, typed, atomic; each
enforces its own rights.

Other apps use this package as network intelligence's public interface (the alumni app
calls ``alumni_note_create``, ``company_resolve``, ``render_markdown`` ...; the networking
fund calls ``intel_note_create``).

Topics: ``search`` (the search index and language), ``companies`` (companies, tags,
follows), ``contacts`` (contacts, introductions, alumni in who-knows), ``notes`` (notes,
revisions, useful marks), ``fund`` (policy, overrides, rates), ``expenses`` (the expense's
states, report-back, reimbursement), ``receipts``, ``undo`` (deleting a note or a draft with a
minute to undo, and the clean-up after it); ``_common`` holds the field error and
the money checks. The public names are re-exported here.
"""

from __future__ import annotations

# A note's bounds, for the apps that write notes through these services (an alumnus's note).
from network_intel.limits import COMPANY_NAME_MAX, NOTE_BODY_MAX, TITLE_MAX
from network_intel.services._common import (
    MAX_RATE,
    RATE_QUANTUM,
    clean_amount,
    clean_currency,
    clean_rate,
    convert,
    field_error,
)
from network_intel.services.companies import (
    COMPANY_KIND,
    company_create,
    company_merge,
    company_resolve,
    company_update,
    follow_set,
    tag_resolve,
    tag_save_official,
    tag_set_official,
)
from network_intel.services.contacts import (
    CONTACT_FIELDS,
    INTRODUCTION_KIND,
    alumni_who_knows_enable,
    alumnus_listing_set,
    contact_create,
    contact_delete,
    contact_update,
    introduction_request,
    introduction_respond,
)
from network_intel.services.expenses import (
    FUND_KIND,
    NOTE_SOURCE,
    expense_approve,
    expense_create,
    expense_link_note,
    expense_refuse,
    expense_reimburse,
    expense_submit,
    expense_update,
    expense_withdraw,
    expense_write_note,
    expenses_approve_unflagged,
    expenses_reimburse,
)
from network_intel.services.fund import (
    FUND_SETTINGS_LOCK,
    POLICY_FIELDS,
    exchange_rate_delete,
    exchange_rate_save,
    fund_override_delete,
    fund_override_set,
    fund_policy_save,
)
from network_intel.services.notes import (
    alumni_note_create,
    intel_note_create,
    intel_note_update,
    note_mark_useful,
    note_read_record,
)
from network_intel.services.receipts import (
    MAX_RECEIPTS,
    PENDING_RECEIPT_HOURS,
    RECEIPT_FOLDER,
    check_receipt_files,
    pending_receipt_remove,
    pending_receipts_add,
    pending_receipts_of,
    receipts_add,
    sweep_pending_receipts,
    with_receipts,
)
from network_intel.services.search import (
    REINDEX_SQL,
    intel_settings_update,
    notes_reindex,
)
from network_intel.services.undo import (
    expense_delete,
    expense_restore,
    intel_note_delete,
    intel_note_restore,
    sweep_deleted,
)
from network_intel.text import render_markdown

__all__ = [
    "COMPANY_KIND",
    "COMPANY_NAME_MAX",
    "NOTE_BODY_MAX",
    "TITLE_MAX",
    "CONTACT_FIELDS",
    "FUND_KIND",
    "FUND_SETTINGS_LOCK",
    "INTRODUCTION_KIND",
    "MAX_RATE",
    "MAX_RECEIPTS",
    "PENDING_RECEIPT_HOURS",
    "NOTE_SOURCE",
    "POLICY_FIELDS",
    "RATE_QUANTUM",
    "RECEIPT_FOLDER",
    "REINDEX_SQL",
    "alumni_note_create",
    "alumni_who_knows_enable",
    "alumnus_listing_set",
    "check_receipt_files",
    "clean_amount",
    "clean_currency",
    "clean_rate",
    "company_create",
    "company_merge",
    "company_resolve",
    "company_update",
    "contact_create",
    "contact_delete",
    "contact_update",
    "convert",
    "exchange_rate_delete",
    "exchange_rate_save",
    "expense_approve",
    "expense_create",
    "expense_delete",
    "expense_restore",
    "expense_link_note",
    "expense_refuse",
    "expense_reimburse",
    "expense_submit",
    "expense_update",
    "expense_withdraw",
    "expense_write_note",
    "expenses_approve_unflagged",
    "expenses_reimburse",
    "field_error",
    "follow_set",
    "fund_override_delete",
    "fund_override_set",
    "fund_policy_save",
    "intel_note_create",
    "intel_note_delete",
    "intel_note_restore",
    "intel_note_update",
    "intel_settings_update",
    "introduction_request",
    "introduction_respond",
    "note_mark_useful",
    "note_read_record",
    "notes_reindex",
    "pending_receipt_remove",
    "pending_receipts_add",
    "pending_receipts_of",
    "receipts_add",
    "sweep_deleted",
    "sweep_pending_receipts",
    "render_markdown",
    "tag_resolve",
    "tag_save_official",
    "tag_set_official",
    "with_receipts",
]
