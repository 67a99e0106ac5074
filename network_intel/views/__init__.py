"""Browser pages for network intelligence and the networking fund (HTMX partials with plain-link
fallbacks).

Objects come through ``network_intel.rights`` (404 for what the viewer may not see);
changes go through ``network_intel.services``, which refuse on their own — a refusal is
shown as the same message the API gives.

Topics: ``search``, ``notes`` (with the reports and the dashboard panel), ``companies``
(with tags, follows and the vocabulary), ``contacts`` (with who-knows and introductions),
``fund`` (HR's fund pages and the fund's dashboard panel), ``expenses`` (the member's fund,
an expense, its receipts, approvals). The views are re-exported here for the URLs.
"""

from __future__ import annotations

from network_intel.views.companies import (
    companies,
    company_detail,
    company_follow,
    company_merge,
    company_search,
    contact_search,
    follows,
    suggest_companies,
    suggest_tags,
    tag_detail,
    tag_follow,
    tag_official,
    vocabulary,
)
from network_intel.views.contacts import (
    contact_edit,
    contacts,
    introduction_answer,
    introduction_new,
    introductions,
    who_knows_page,
)
from network_intel.views.expenses import (
    expense_action,
    expense_detail,
    expense_link_note,
    expense_note,
    expense_receipts,
    expense_restore,
    fund_approvals,
    fund_home,
    receipt_file,
)
from network_intel.views.fund import (
    fund_payroll_csv,
    fund_reimbursements,
    fund_report,
    fund_settings,
)
from network_intel.views.notes import (
    most_useful,
    my_notes,
    note_delete,
    note_detail,
    note_edit,
    note_new,
    note_restore,
    note_useful,
    team_sharing,
)
from network_intel.views.search import (
    notes_csv,
    search,
)

__all__ = [
    "companies",
    "company_detail",
    "company_follow",
    "company_merge",
    "company_search",
    "contact_search",
    "contact_edit",
    "contacts",
    "expense_action",
    "expense_restore",
    "expense_detail",
    "expense_link_note",
    "expense_note",
    "expense_receipts",
    "follows",
    "fund_approvals",
    "fund_home",
    "fund_payroll_csv",
    "fund_reimbursements",
    "fund_report",
    "fund_settings",
    "introduction_answer",
    "introduction_new",
    "introductions",
    "most_useful",
    "my_notes",
    "note_delete",
    "note_restore",
    "note_detail",
    "note_edit",
    "note_new",
    "note_useful",
    "notes_csv",
    "receipt_file",
    "search",
    "suggest_companies",
    "suggest_tags",
    "tag_detail",
    "tag_follow",
    "tag_official",
    "team_sharing",
    "vocabulary",
    "who_knows_page",
]
