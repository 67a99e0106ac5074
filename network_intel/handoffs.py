"""Who hears of each network-intelligence and networking-fund service (alliance.handoffs): declared from
NetworkIntelConfig.ready()."""

from __future__ import annotations

from alliance.handoffs import declare, silent, tells
from network_intel.services import COMPANY_KIND, FUND_KIND, INTRODUCTION_KIND

HELPER = "a helper of other services: changes nothing by itself"
OWN = "a person's own intelligence: whoever may read it finds it by search, the digest or who-knows"
HR_SETTINGS = "HR's settings of the fund, seen by members on their fund page"


def register() -> None:
    declare("network_intel.services", {
        "clean_amount": silent(HELPER),
        "clean_rate": silent(HELPER),
        "convert": silent(HELPER),
        "check_receipt_files": silent(HELPER),
        "with_receipts": silent(HELPER),
        "company_resolve": silent("finds or adds a company by name, as part of writing a note or a contact"),
        "tag_resolve": silent("finds or adds a tag, as part of writing a note"),
        "company_create": silent("the shared list of companies"),
        "company_update": silent("the shared list of companies"),
        "company_merge": tells("the people whose contacts moved to the company kept (followers keep hearing of it "
                               "in their digest)", COMPANY_KIND),
        "tag_save_official": silent("HR's vocabulary of tags"),
        "tag_set_official": silent("HR's vocabulary of tags"),
        "follow_set": silent("a person's own follows (what their weekly digest covers)"),
        "contact_create": silent(OWN),
        "contact_update": silent(OWN),
        "contact_delete": silent(OWN),
        "alumni_who_knows_enable": silent("follows the alumni network's level, which HR sets"),
        "alumnus_listing_set": silent("an alumnus's own consent to appear in who-knows"),
        "introduction_request": tells("the contact's owner", INTRODUCTION_KIND),
        "introduction_respond": tells("who asked for the introduction", INTRODUCTION_KIND),
        "intel_note_create": silent(OWN),
        "intel_note_update": silent(OWN),
        "intel_note_delete": silent(OWN),
        "intel_note_restore": silent("the author undoes their own deletion within the minute"),
        "sweep_deleted": silent("removes for good what its author deleted a minute ago"),
        "alumni_note_create": silent("an alumnus's feedback, read by whoever may see it in intelligence"),
        "note_mark_useful": silent("a reader's own mark; its author sees the count on the note"),
        "note_read_record": silent("a reader opening a note, counted among the most-read notes; nobody is told"),
        "notes_reindex": silent("maintenance of the search index"),
        "intel_settings_update": silent("HR's settings of network intelligence"),
        "fund_policy_save": silent(HR_SETTINGS),
        "fund_override_set": silent(HR_SETTINGS),
        "fund_override_delete": silent(HR_SETTINGS),
        "exchange_rate_save": silent(HR_SETTINGS),
        "exchange_rate_delete": silent(HR_SETTINGS),
        "expense_create": tells("the approver, when logged and submitted at once", FUND_KIND),
        "expense_update": silent("a draft is the member's own until submitted"),
        "expense_delete": silent("a draft is the member's own: nobody was asked anything"),
        "expense_restore": silent("the member undoes the deletion of their own draft within the minute"),
        "receipts_add": silent("a draft's receipts, the member's own until submitted"),
        "adopt_pending_receipts": silent(HELPER),
        "pending_receipts_add": silent("files the member chose in their own unsent form"),
        "pending_receipt_remove": silent("files the member chose in their own unsent form"),
        "pending_receipts_of": silent("reads the files chosen in a form: changes nothing"),
        "sweep_pending_receipts": silent("removes the files of forms nobody sent within a day"),
        "expense_submit": tells("the approver (the member's manager, or HR when there is none)", FUND_KIND),
        "expense_withdraw": tells("the approver, whose pending request leaves the bell", FUND_KIND),
        "expense_approve": tells("the member", FUND_KIND),
        "expenses_approve_unflagged": tells("each member whose expense is approved", FUND_KIND),
        "expense_refuse": tells("the member, with the reason", FUND_KIND),
        "expense_link_note": silent("the member's report-back: HR finds it ready in the reimbursement queue"),
        "expense_write_note": silent("the member's report-back: HR finds it ready in the reimbursement queue"),
        "expenses_reimburse": tells("each member whose expense is reimbursed", FUND_KIND),
        "expense_reimburse": tells("the member", FUND_KIND),
    })
