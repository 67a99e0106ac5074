"""Models of network intelligence and the networking fund.

Every model is tenant-owned (``TenantModel``); its migration applies
``alliance.rls.TenantIsolation``. Rules live in ``network_intel.rights`` and
``network_intel.services``; these classes hold fields, constraints and properties.
Money is ``Decimal`` with a currency code.

Matching and search run on SQL functions created by the first migration, built
from PostgreSQL's own functions only (they work on every server, the embedded one
included): ``intel_fold(text)`` folds case and accents, ``intel_trigrams(text)``
gives a name's trigrams (for typo-tolerant company matching under a GIN index) and
``intel_similarity(a, b)`` compares two trigram sets like ``pg_trgm``'s
``similarity``.

Topics: ``companies`` (companies, tags, follows), ``contacts`` (contacts, introductions,
alumni in who-knows), ``notes`` (notes, their links, revisions, useful marks, search
settings), ``fund`` (policy, overrides, exchange rates, money bounds), ``expenses``
(expenses, the contacts met, receipts). The public names are re-exported here.
"""

from __future__ import annotations

from network_intel.models.companies import (
    Company,
    CompanyAlias,
    Follow,
    Tag,
)
from network_intel.models.contacts import (
    AlumnusListing,
    Contact,
    IntroductionRequest,
    Strength,
)
from network_intel.models.expenses import (
    REPORT_BACK_VISIBILITIES,
    Expense,
    ExpenseContact,
    ExpenseKind,
    ExpenseState,
    PendingReceipt,
    Receipt,
)
from network_intel.models.facets import FACET_KEY_MAX, NoteFacetCount
from network_intel.models.fund import (
    ABSURD_AMOUNT,
    MONEY_DIGITS,
    MONEY_PLACES,
    RATE_DIGITS,
    RATE_PLACES,
    ExchangeRate,
    FundOverride,
    FundPolicy,
    money_field,
)
from network_intel.models.notes import (
    SEARCH_LANGUAGES,
    IntelNote,
    IntelNoteCompany,
    IntelNoteContact,
    IntelNoteRevision,
    IntelNoteTag,
    IntelSettings,
    NoteRead,
    SourceKind,
    UsefulMark,
    Visibility,
)

__all__ = [
    "FACET_KEY_MAX",
    "NoteFacetCount",
    "ABSURD_AMOUNT",
    "AlumnusListing",
    "Company",
    "CompanyAlias",
    "Contact",
    "ExchangeRate",
    "Expense",
    "ExpenseContact",
    "ExpenseKind",
    "ExpenseState",
    "Follow",
    "FundOverride",
    "FundPolicy",
    "IntelNote",
    "IntelNoteCompany",
    "IntelNoteContact",
    "IntelNoteRevision",
    "IntelNoteTag",
    "IntelSettings",
    "IntroductionRequest",
    "MONEY_DIGITS",
    "MONEY_PLACES",
    "NoteRead",
    "RATE_DIGITS",
    "RATE_PLACES",
    "REPORT_BACK_VISIBILITIES",
    "PendingReceipt",
    "Receipt",
    "SEARCH_LANGUAGES",
    "SourceKind",
    "Strength",
    "Tag",
    "UsefulMark",
    "Visibility",
    "money_field",
]
