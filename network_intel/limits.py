"""The longest text and the longest lists network intelligence and the networking fund take.

One constant per bound, used by the models (``max_length``), the forms, the API serializers and the services
alike, so an oversized input is refused in every door with the same limit, before the database sees it (and
a list before any of its items is looked up or created).
"""

from __future__ import annotations

TITLE_MAX = 200  # IntelNote.title, a report-back's title
# A note's body. Its words are indexed for search, and PostgreSQL refuses a tsvector over 1 MB. The worst
# bodies measured (tests/network_intel/test_limits.py: only distinct words, hyphenated pairs whose parts are
# lexemes too, three-byte letters) take 3 to 5 bytes of vector per character: 20,000 characters make at most
# ~100 KB, a tenth of the limit, whatever the words are.
NOTE_BODY_MAX = 20_000
# Its HTML, rendered from the Markdown: links and lists add markup, ten times the text is far beyond any note.
NOTE_HTML_MAX = 10 * NOTE_BODY_MAX
# What a note is about: each tag and company is looked up (or created) one by one.
NOTE_TAGS_MAX = 20
NOTE_COMPANIES_MAX = 20
# Contacts named on a note or met over an expense (a report-back note names the expense's contacts).
CONTACTS_MAX = 50

TAG_MAX_LENGTH = 40  # Tag.name
TAG_DESCRIPTION_MAX = 200  # Tag.description
COMPANY_NAME_MAX = 200  # Company.name, a contact's company typed in
# The comma-separated names a note form takes: the most names, each at its longest, with ", " between.
NOTE_TAGS_TEXT_MAX = NOTE_TAGS_MAX * (TAG_MAX_LENGTH + 2)
NOTE_COMPANIES_TEXT_MAX = NOTE_COMPANIES_MAX * (COMPANY_NAME_MAX + 2)

PERSONAL_NOTES_MAX = 5_000  # Contact.personal_notes
MESSAGE_MAX = 2_000  # IntroductionRequest.message and response_note

MERCHANT_MAX_LENGTH = 200  # Expense.merchant
PURPOSE_MAX = 5_000  # Expense.purpose
MET_NAMES_MAX = 2_000  # Expense.met_names: people met, one per line
REFUSAL_MAX_LENGTH = 1_000  # Expense.refusal_reason
