"""Intel notes, their links to companies, contacts and tags, their revisions and useful marks,
and the organization's settings for searching them.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel
from network_intel.limits import NOTE_BODY_MAX, NOTE_HTML_MAX, TITLE_MAX
from network_intel.models.companies import Company, Tag
from network_intel.models.contacts import Contact
from network_intel.models.undo import AllRowsManager, LiveManager, deleted_at_field

SEARCH_LANGUAGES = [
    ("simple", "No language (exact words)"),
    ("english", "English"),
    ("german", "German"),
    ("french", "French"),
    ("spanish", "Spanish"),
    ("italian", "Italian"),
    ("dutch", "Dutch"),
    ("portuguese", "Portuguese"),
    ("swedish", "Swedish"),
]


class IntelSettings(TenantModel):
    """The organization's settings for network intelligence (one row, made on first use)."""

    search_language = models.CharField(max_length=20, choices=SEARCH_LANGUAGES, default="english",
                                       help_text="Word stems and stop words of search follow this language.")
    # Set by the alumni network's investment level (``invest``): alumni who agreed appear in who-knows.
    alumni_in_who_knows = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="intel_settings_one_per_org")]

    def __str__(self) -> str:
        return f"Intel settings ({self.search_language})"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    TEAM = "team", "My team (and my managers)"
    ORGANIZATION = "organization", "Everyone in the organization"
    LEADERSHIP = "leadership", "Leadership (HR, admins and my managers)"


class SourceKind(models.TextChoices):
    LUNCH = "lunch", "Lunch"
    COFFEE = "coffee", "Coffee"
    CONFERENCE = "conference", "Conference"
    CALL = "call", "Call"
    ONLINE = "online", "Online"
    OTHER = "other", "Other"


class IntelNote(TenantModel):
    """What a member learned from outside, for whom they choose to see it."""

    Visibility = Visibility
    SourceKind = SourceKind
    EDITABLE = ("title", "body", "source_kind", "learned_on", "visibility", "useful_until")

    author = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_notes")
    title = models.CharField(max_length=TITLE_MAX)
    body = BoundedTextField(max_length=NOTE_BODY_MAX, help_text="Markdown.")
    body_html = BoundedTextField(max_length=NOTE_HTML_MAX, editable=False, default="")
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.COFFEE)
    learned_on = models.DateField(default=timezone.localdate)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.ORGANIZATION)
    useful_until = models.DateField(null=True, blank=True, help_text="When this stops being current, if you know.")
    # Written by an alumnus (from their membership when they wrote it): shown as "from an alumnus".
    # A database default too: set-based loads (the search benchmark's COPY) leave it out.
    author_is_alumnus = models.BooleanField(default=False, db_default=False, editable=False)
    companies = models.ManyToManyField(Company, through="IntelNoteCompany", related_name="notes", blank=True)
    contacts = models.ManyToManyField(Contact, through="IntelNoteContact", related_name="notes", blank=True)
    tags = models.ManyToManyField(Tag, through="IntelNoteTag", related_name="notes", blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    deleted_at = deleted_at_field()

    objects = LiveManager()
    all_objects = AllRowsManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "author", "created_at"], name="intel_note_author_idx"),
            models.Index(fields=["organization", "created_at", "id"], name="intel_note_recent_idx"),
            models.Index(fields=["organization", "learned_on", "id"], name="intel_note_learned_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_note_sync_idx"),
            models.Index(fields=["organization", "visibility"], name="intel_note_visibility_idx"),
            GinIndex(fields=["search_vector"], name="intel_note_search_idx"),
            # The weekly digest's cross-organization sweep reads one week of notes.
            models.Index(fields=["created_at"], name="intel_note_created_idx"),
            # The clean-up reads the deleted ones past their minute to undo, across organizations.
            models.Index(fields=["deleted_at"], name="intel_note_deleted_idx", condition=Q(deleted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_stale(self) -> bool:
        return self.useful_until is not None and self.useful_until < timezone.localdate()


class IntelNoteCompany(TenantModel):
    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="company_links")
    company = TenantForeignKey(Company, on_delete=models.CASCADE, related_name="note_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "note", "company"],
                                               name="intel_note_company_unique")]
        indexes = [models.Index(fields=["organization", "company", "note"], name="intel_notecompany_idx")]


class IntelNoteContact(TenantModel):
    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="contact_links")
    contact = TenantForeignKey(Contact, on_delete=models.CASCADE, related_name="note_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "note", "contact"],
                                               name="intel_note_contact_unique")]
        indexes = [models.Index(fields=["organization", "contact", "note"], name="intel_notecontact_idx")]


class IntelNoteTag(TenantModel):
    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="tag_links")
    tag = TenantForeignKey(Tag, on_delete=models.CASCADE, related_name="note_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "note", "tag"], name="intel_note_tag_unique")]
        indexes = [models.Index(fields=["organization", "tag", "note"], name="intel_notetag_idx")]


class IntelNoteRevision(TenantModel):
    """One edit of a note: who, when, and each changed field's old and new value."""

    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="revisions")
    by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "note", "created_at"], name="intel_revision_note_idx")]


class UsefulMark(TenantModel):
    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="useful_marks")
    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "note", "member"], name="intel_useful_once")]
        indexes = [models.Index(fields=["organization", "created_at", "note"], name="intel_useful_period_idx")]


class NoteRead(TenantModel):
    """A member opened a note's page: one row per reader and note, however often they open it (``created_at``
    is the first time, ``read_at`` the latest, refreshed at most once an hour). The health page's most-read
    notes count the readers whose latest opening falls in the period."""

    note = TenantForeignKey(IntelNote, on_delete=models.CASCADE, related_name="reads")
    reader = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "note", "reader"], name="intel_note_read_once")]
        indexes = [models.Index(fields=["organization", "read_at", "note"], name="intel_note_read_period_idx")]
