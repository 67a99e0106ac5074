"""The alumni network's engagement: news posts and their newsletter digest, the benefits catalog,
events with RSVP and a waiting list. Imported at the end of ``alumni.models``."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index

MAX_NEWS_BODY = 20_000
MAX_NEWS_HTML = 100_000
MAX_BENEFIT_TEXT = 5_000
MAX_EVENT_TEXT = 5_000
MAX_EVENT_CAPACITY = 100_000
MAX_EVENT_DAYS = 14


class NewsPost(TenantModel):
    """News from HR to alumni and employees; the body is Markdown, stored with its sanitized HTML."""

    title = models.CharField(max_length=200)
    body = BoundedTextField(max_length=MAX_NEWS_BODY, help_text="Markdown: **bold**, lists, links.")
    body_html = BoundedTextField(max_length=MAX_NEWS_HTML, blank=True, editable=False)
    pinned = models.BooleanField(default=False, help_text="Pinned posts come first.")
    published_at = models.DateTimeField(default=timezone.now)
    author = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [
            sync_index("alumni_news_org_updated_idx"),
            models.Index(fields=["organization", "-pinned", "-published_at", "-id"], name="alumni_news_list_idx"),
            # The newsletter: what was published in a period.
            models.Index(fields=["organization", "published_at"], name="alumni_news_published_idx"),
            # The newsletter sweep: organizations with recent news, across organizations.
            models.Index(fields=["published_at"], name="alumni_news_sweep_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NewsletterFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class NewsletterSchedule(TenantModel):
    """How often alumni who consented to news get the digest; monthly until HR says otherwise."""

    frequency = models.CharField(max_length=8, choices=NewsletterFrequency.choices,
                                 default=NewsletterFrequency.MONTHLY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="alumni_one_newsletter_schedule")]

    def __str__(self) -> str:
        return f"Newsletter ({self.frequency})"


class NewsletterIssue(TenantModel):
    """The digest sent in a period (``2026-W49`` or ``2026-12``): the posts published in ``(since, until]``,
    ``until`` being the period's start. Made only when there is something new; each recipient's copy is a
    row of the reminder ledger."""

    period = models.CharField(max_length=10)
    since = models.DateTimeField()
    until = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-until", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "period"], name="alumni_one_issue_per_period")]
        indexes = [models.Index(fields=["organization", "-until", "-id"], name="alumni_issue_until_idx")]

    def __str__(self) -> str:
        return f"Newsletter {self.period}"


class BenefitKind(models.TextChoices):
    PRODUCT_DISCOUNT = "product_discount", "Product discount"
    SERVICE = "service", "Service"
    PERK = "perk", "Perk"


class BenefitTier(models.TextChoices):
    ALUMNI = "alumni", "All alumni"
    DISTINGUISHED = "distinguished", "Distinguished alumni only"


class Benefit(TenantModel):
    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=MAX_BENEFIT_TEXT)
    kind = models.CharField(max_length=16, choices=BenefitKind.choices)
    tier = models.CharField(max_length=14, choices=BenefitTier.choices, default=BenefitTier.ALUMNI,
                            help_text="Who may claim it.")
    how_to_claim = BoundedTextField(max_length=MAX_BENEFIT_TEXT)

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            sync_index("alumni_benefit_org_updated_idx"),
            models.Index(fields=["organization", "title", "id"], name="alumni_benefit_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class AlumniEvent(TenantModel):
    """A gathering of alumni (and employees): a place or a link, a capacity, RSVPs with a waiting list."""

    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=MAX_EVENT_TEXT, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(blank=True, help_text="For an online event.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_EVENT_CAPACITY)],
        help_text="Seats; empty: no limit.")
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="alumni_event_ends_after_start"),
        ]
        indexes = [
            sync_index("alumni_event_org_updated_idx"),
            models.Index(fields=["organization", "starts_at", "id"], name="alumni_event_list_idx"),
            # The reminder sweep across organizations: events about to start.
            models.Index(fields=["starts_at"], name="alumni_event_upcoming_idx",
                         condition=models.Q(cancelled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                raise ValidationError({"ends_at": "The event must end after it starts."})
            if (self.ends_at - self.starts_at).days > MAX_EVENT_DAYS:
                raise ValidationError({"ends_at": f"An event lasts at most {MAX_EVENT_DAYS} days."})
        if not self.place.strip() and not self.link:
            raise ValidationError({"place": "Say where it takes place, or give the link to join."})


class EventRsvp(TenantModel):
    """A person's answer to an event: going, on the waiting list (in ``queued_at`` order), or cancelled."""

    class State(models.TextChoices):
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = TenantForeignKey(AlumniEvent, on_delete=models.CASCADE, related_name="rsvps")
    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="event_rsvps")
    state = models.CharField(max_length=10, choices=State.choices)
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "event", "member"], name="alumni_one_rsvp")]
        indexes = [
            models.Index(fields=["organization", "event", "state", "queued_at", "id"], name="alumni_rsvp_state_idx"),
            models.Index(fields=["organization", "member", "state"], name="alumni_rsvp_member_idx"),
        ]

    def __str__(self) -> str:
        return f"RSVP {self.member_id} → {self.event_id} ({self.state})"
