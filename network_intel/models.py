"""Network intelligence: companies, outside contacts, intel notes, introductions, follows.

Every model is tenant-owned (``TenantModel``); its migration applies
``alliance.rls.TenantIsolation``. Rules live in ``network_intel.rights`` and
``network_intel.services``; these classes hold fields, constraints and properties.

Matching and search run on SQL functions created by the first migration, built
from PostgreSQL's own functions only (they work on every server, the embedded one
included): ``intel_fold(text)`` folds case and accents, ``intel_trigrams(text)``
gives a name's trigrams (for typo-tolerant company matching under a GIN index) and
``intel_similarity(a, b)`` compares two trigram sets like ``pg_trgm``'s
``similarity``.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone

from alliance.models import Membership, TenantForeignKey, TenantModel

TAG_MAX_LENGTH = 40
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


class Company(TenantModel):
    """One row per real company in an organization; ``name_key`` keeps "ACME Inc.", "Acme" and "acme.com" one."""

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False,
                                help_text="The name without case, accents, legal form or web suffix.")
    domain = models.CharField(max_length=253, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    name_trigrams = models.GeneratedField(
        expression=Func(F("name_key"), function="intel_trigrams"),
        output_field=ArrayField(models.TextField()), db_persist=True,
    )
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name_key"], name="intel_company_key_unique"),
        ]
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="intel_company_name_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_company_sync_idx"),
            models.Index(fields=["organization", "domain"], name="intel_company_domain_idx"),
            GinIndex(fields=["name_trigrams"], name="intel_company_trgm_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Strength(models.IntegerChoices):
    ACQUAINTANCE = 1, "Acquaintance"
    WORKED_TOGETHER = 2, "Worked together"
    CLOSE = 3, "Close"


class Contact(TenantModel):
    """A person outside whom a member knows. Personal details are their owner's alone."""

    Strength = Strength
    PERSONAL_FIELDS = ("name", "email", "phone", "personal_notes")

    owner = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_contacts")
    name = models.CharField(max_length=200)
    company = TenantForeignKey(Company, on_delete=models.PROTECT, related_name="contacts")
    title = models.CharField("role / title", max_length=200, blank=True)
    met_where = models.CharField("where you met", max_length=200, blank=True)
    introduced_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      help_text="The colleague who introduced you, if any.")
    strength = models.PositiveSmallIntegerField(choices=Strength.choices, default=Strength.ACQUAINTANCE)
    last_talked_on = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    personal_notes = models.TextField("notes about them", blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organization", "company", "owner"], name="intel_contact_company_idx"),
            models.Index(fields=["organization", "owner", "name"], name="intel_contact_owner_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_contact_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(TenantModel):
    """A topic. HR's vocabulary (``is_official``) is offered first; anyone may add a free tag."""

    name = models.CharField(max_length=TAG_MAX_LENGTH)
    key = models.CharField(max_length=TAG_MAX_LENGTH, editable=False)
    is_official = models.BooleanField("in the organization's vocabulary", default=False)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="intel_tag_key_unique")]
        indexes = [
            models.Index(fields=["organization", "is_official", "name"], name="intel_tag_vocab_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_tag_sync_idx"),
        ]

    def __str__(self) -> str:
        return self.name


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
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
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


class Follow(TenantModel):
    """A member follows a company or a tag; the weekly digest lists what is new there."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_follows")
    company = TenantForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    tag = TenantForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False, tag__isnull=True) | Q(company__isnull=True, tag__isnull=False)),
                name="intel_follow_one_subject",
            ),
            models.UniqueConstraint(fields=["organization", "member", "company"], name="intel_follow_company_once",
                                    condition=Q(company__isnull=False)),
            models.UniqueConstraint(fields=["organization", "member", "tag"], name="intel_follow_tag_once",
                                    condition=Q(tag__isnull=False)),
        ]
        indexes = [models.Index(fields=["organization", "member"], name="intel_follow_member_idx")]

    def __str__(self) -> str:
        return f"follows {self.company_id or self.tag_id}"


class IntroductionRequest(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    requester = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_intro_requests")
    introducer = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="intel_intro_asks")
    contact = TenantForeignKey(Contact, on_delete=models.CASCADE, related_name="introduction_requests")
    message = models.TextField(help_text="Why you would like to meet them.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    response_note = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "requester", "contact"], name="intel_intro_one_open",
                                    condition=Q(status="pending")),
        ]
        indexes = [
            models.Index(fields=["organization", "introducer", "status"], name="intel_intro_introducer_idx"),
            models.Index(fields=["organization", "requester", "status"], name="intel_intro_requester_idx"),
            models.Index(fields=["organization", "updated_at", "id"], name="intel_intro_sync_idx"),
        ]

    def __str__(self) -> str:
        return f"Introduction to contact {self.contact_id}"


class AlumnusListing(TenantModel):
    """An alumnus who agreed to appear in "who here knows someone at X?". The row is the consent:
    deleting it withdraws it, and the next who-knows query no longer lists them."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="intel_alumnus_listed_once")]

    def __str__(self) -> str:
        return f"Alumnus {self.member_id} in who-knows"


# The networking fund's models live in their own module; importing them here registers them.
from network_intel.fund_models import (  # noqa: E402,F401
    ExchangeRate,
    Expense,
    ExpenseContact,
    FundOverride,
    FundPolicy,
    Receipt,
)
