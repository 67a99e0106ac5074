"""Checkpoints: the scheduled conversations of a tour, their agenda, action items and private notes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from tours import limits
from tours.models.tours import (
    DEFAULT_CHECKPOINT_MINUTES,
    EARLIEST_DATE,
    EARLIEST_TIME,
    LATEST_DATE,
    LATEST_TIME,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
    Tour,
)


class Checkpoint(TenantModel):
    """A scheduled conversation about the tour, with both sides' notes."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    class Progress(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    CLOSED_STATUSES = (Status.COMPLETED, Status.MISSED, Status.CANCELLED)

    tour = TenantForeignKey(Tour, on_delete=models.CASCADE, related_name="checkpoints")
    # The calendar event's identity: stays through reschedules and cancellation.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, raised on every change.")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_CHECKPOINT_MINUTES,
        validators=[MinValueValidator(MIN_CHECKPOINT_MINUTES), MaxValueValidator(MAX_CHECKPOINT_MINUTES)],
    )
    location = models.CharField("place or video link", max_length=limits.LOCATION_MAX, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    confirmed = models.BooleanField(
        default=False, help_text="Proposed from the cadence until the manager confirms or moves it."
    )
    progress = models.CharField(max_length=16, choices=Progress.choices, blank=True)
    manager_notes = BoundedTextField("manager's notes", max_length=limits.NOTES_MAX, blank=True)
    employee_notes = BoundedTextField("employee's notes", max_length=limits.NOTES_MAX, blank=True)
    course_corrections = BoundedTextField("agreed course corrections", max_length=limits.NOTES_MAX, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "uid"], name="tours_checkpoint_uid_unique"),
            models.CheckConstraint(
                condition=models.Q(scheduled_at__gte=EARLIEST_TIME, scheduled_at__lt=LATEST_TIME)
                & models.Q(duration_minutes__gte=MIN_CHECKPOINT_MINUTES, duration_minutes__lte=MAX_CHECKPOINT_MINUTES),
                name="tours_checkpoint_in_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "tour", "scheduled_at", "id"], name="tours_cp_tour_sched_idx"),
            sync_index("tours_cp_org_updated_idx"),
            # Checkpoint lists of the organization, in time order.
            models.Index(fields=["organization", "scheduled_at", "id"], name="tours_cp_org_sched_idx"),
            # The reminder sweep selects due checkpoints across organizations by time.
            models.Index(fields=["status", "scheduled_at"], name="tours_cp_status_sched_idx"),
            # The health page's last held checkpoint of each active tour (at risk, days since): one probe of
            # the index's end per tour.
            models.Index(fields=["organization", "tour", "completed_at"], condition=models.Q(status="completed"),
                         name="tours_cp_last_held_idx"),
        ]

    def __str__(self) -> str:
        return f"Checkpoint {self.scheduled_at:%Y-%m-%d} ({self.tour_id})"

    @property
    def ends_at(self):
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.SCHEDULED and self.ends_at < timezone.now()

    @property
    def has_started(self) -> bool:
        """An outcome can be recorded only once the conversation has started."""
        return self.scheduled_at <= timezone.now()


class AgendaItem(TenantModel):
    """A talking point either side adds before the meeting."""

    checkpoint = TenantForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="agenda_items")
    text = models.CharField(max_length=limits.ITEM_TEXT_MAX)
    added_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discussed = models.BooleanField(default=False)
    carried_from = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "checkpoint", "created_at", "id"], name="tours_agenda_cp_idx")]

    def __str__(self) -> str:
        return self.text


class ActionItem(TenantModel):
    """Something agreed at a checkpoint, with an owner."""

    checkpoint = TenantForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=limits.ITEM_TEXT_MAX)
    owner = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField("due", null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    carried_from = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "checkpoint", "created_at", "id"], name="tours_action_cp_idx"),
            # The overdue-action-item sweep selects open items by due date across organizations.
            models.Index(fields=["due_on"], condition=models.Q(done=False), name="tours_action_open_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True) | models.Q(due_on__gte=EARLIEST_DATE, due_on__lte=LATEST_DATE),
                name="tours_action_due_in_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < timezone.localdate()


class PrivateNote(TenantModel):
    """A participant's own notes on a checkpoint: readable by the author only."""

    checkpoint = TenantForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="private_notes")
    author = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = BoundedTextField(max_length=limits.NOTES_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "checkpoint", "author"], name="tours_private_note_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        return f"Private note ({self.checkpoint_id}, {self.author_id})"
