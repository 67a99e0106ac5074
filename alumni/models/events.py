"""Alumni events (``invest``) with RSVP and a waiting list."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alumni.limits import MAX_EVENT_TEXT, MAX_URL

MAX_EVENT_CAPACITY = 100_000
MAX_EVENT_DAYS = 14


class AlumniEvent(TenantModel):
    """A gathering of alumni (and employees): a place or a link, a capacity, RSVPs with a waiting list."""

    title = models.CharField(max_length=200)
    description = BoundedTextField(max_length=MAX_EVENT_TEXT, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=MAX_URL, blank=True, help_text="For an online event.")
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
