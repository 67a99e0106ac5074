"""Recurring 1:1s: a series between a manager and one report, its meetings, talking points and notes.

A series is one calendar event for life (``uid``); ``sequence`` rises on every change that reaches
calendars. Its meetings are materialized a bounded horizon ahead; each meeting keeps the slot of the
pattern it was made for (``original_at``: the iCalendar RECURRENCE-ID) even when moved on its own.
"""

from __future__ import annotations

import calendar as pycalendar
import uuid
import zoneinfo
from datetime import date, datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from tours import limits
from tours.models.tours import (
    EARLIEST_DATE,
    EARLIEST_TIME,
    LATEST_DATE,
    LATEST_TIME,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
)

DEFAULT_ONE_ON_ONE_MINUTES = 30
ONE_ON_ONE_HORIZON = 4  # upcoming meetings kept materialized ahead
TIME_ZONE_MAX = 64


class OneOnOneSeries(TenantModel):
    """A recurring 1:1 between a manager and one direct report."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Change(models.TextChoices):
        """The latest change calendars hear of (with ``sequence``)."""
        STARTED = "started", "Started"
        EDITED = "edited", "Edited"
        MOVED = "moved", "A meeting moved"
        SKIPPED = "skipped", "A meeting skipped"
        ENDED = "ended", "Ended"

    manager = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    report = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    # The pattern: from this local date, at this local time, in this zone (10:00 stays 10:00 across DST).
    first_date = models.DateField()
    local_time = models.TimeField()
    time_zone = models.CharField(max_length=TIME_ZONE_MAX, default="UTC")
    duration_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_ONE_ON_ONE_MINUTES,
        validators=[MinValueValidator(MIN_CHECKPOINT_MINUTES), MaxValueValidator(MAX_CHECKPOINT_MINUTES)],
    )
    location = models.CharField("place or video link", max_length=limits.LOCATION_MAX, blank=True)
    ends_on = models.DateField("last day", null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    # Raised on every series edit; the meetings made for the pattern in force carry it.
    pattern = models.PositiveIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE, raised on every change.")
    last_change = models.CharField(max_length=8, choices=Change.choices, default=Change.STARTED)
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "1:1 series"
        verbose_name_plural = "1:1 series"
        constraints = [
            models.UniqueConstraint(fields=["organization", "manager", "report"], condition=models.Q(status="active"),
                                    name="tours_one_active_series_per_pair"),
            models.UniqueConstraint(fields=["organization", "uid"], name="tours_series_uid_unique"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("report")), name="tours_series_not_self"),
            models.CheckConstraint(
                condition=models.Q(first_date__gte=EARLIEST_DATE, first_date__lte=LATEST_DATE)
                & (models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("first_date"),
                                                             ends_on__lte=LATEST_DATE))
                & models.Q(duration_minutes__gte=MIN_CHECKPOINT_MINUTES, duration_minutes__lte=MAX_CHECKPOINT_MINUTES),
                name="tours_series_in_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "manager", "status", "created_at", "id"],
                         name="tours_series_manager_idx"),
            models.Index(fields=["organization", "report", "status", "created_at", "id"],
                         name="tours_series_report_idx"),
            models.Index(fields=["organization", "created_at", "id"], name="tours_series_org_idx"),
            sync_index("tours_series_org_updated_idx"),
            # The top-up sweep reads the active series across organizations.
            models.Index(fields=["status"], name="tours_series_status_idx"),
        ]

    def __str__(self) -> str:
        return f"1:1 series {self.manager_id} & {self.report_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def slot_date(self, slot: int) -> date:
        """The local date of the pattern's ``slot``-th meeting (monthly series start on day 1–28)."""
        if self.cadence == self.Cadence.MONTHLY:
            index = self.first_date.month - 1 + slot
            year, month = self.first_date.year + index // 12, index % 12 + 1
            return date(year, month, min(self.first_date.day, pycalendar.monthrange(year, month)[1]))
        step = 14 if self.cadence == self.Cadence.FORTNIGHTLY else 7
        return self.first_date + timedelta(days=step * slot)

    def slot_at(self, slot: int) -> datetime:
        """The aware start of the ``slot``-th meeting: the same wall-clock time in the series' zone, whatever
        the daylight-saving offset of that day."""
        return datetime.combine(self.slot_date(slot), self.local_time, tzinfo=self.zone)


class OneOnOne(TenantModel):
    """One meeting of a series."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        SKIPPED = "skipped", "Skipped"

    series = TenantForeignKey(OneOnOneSeries, on_delete=models.CASCADE, related_name="meetings")
    pattern = models.PositiveIntegerField(default=0)
    slot = models.PositiveIntegerField(default=0, help_text="The n-th meeting of the pattern, from 0.")
    original_at = models.DateTimeField(help_text="When the pattern puts it (iCalendar RECURRENCE-ID).")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_ONE_ON_ONE_MINUTES,
        validators=[MinValueValidator(MIN_CHECKPOINT_MINUTES), MaxValueValidator(MAX_CHECKPOINT_MINUTES)],
    )
    moved = models.BooleanField(default=False, help_text="Moved on its own, away from the pattern.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    shared_notes = BoundedTextField("shared notes", max_length=limits.NOTES_MAX, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Undiscussed points of a meeting that passed unrecorded were carried forward already.
    carried_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = "1:1"
        verbose_name_plural = "1:1s"
        constraints = [
            models.UniqueConstraint(fields=["organization", "series", "pattern", "slot"],
                                    name="tours_one_on_one_slot_unique"),
            models.CheckConstraint(
                condition=models.Q(scheduled_at__gte=EARLIEST_TIME, scheduled_at__lt=LATEST_TIME)
                & models.Q(duration_minutes__gte=MIN_CHECKPOINT_MINUTES, duration_minutes__lte=MAX_CHECKPOINT_MINUTES),
                name="tours_one_on_one_in_bounds",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "series", "scheduled_at", "id"], name="tours_one_on_one_series_idx"),
            sync_index("tours_1on1_org_updated_idx"),
            # The reminder and carry-over sweeps select scheduled meetings across organizations by time.
            models.Index(fields=["status", "scheduled_at"], name="tours_one_on_one_status_idx"),
        ]

    def __str__(self) -> str:
        return f"1:1 {self.scheduled_at:%Y-%m-%d} ({self.series_id})"

    @property
    def ends_at(self):
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def has_started(self) -> bool:
        return self.scheduled_at <= timezone.now()


class TalkingPoint(TenantModel):
    """A point either person puts on a meeting's agenda; undiscussed points carry over."""

    meeting = TenantForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="talking_points")
    text = models.CharField(max_length=limits.ITEM_TEXT_MAX)
    added_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    discussed = models.BooleanField(default=False)
    carried_from = TenantForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="carried_to")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "meeting", "created_at", "id"], name="tours_point_meeting_idx")]

    def __str__(self) -> str:
        return self.text


class OneOnOneActionItem(TenantModel):
    """Something agreed in a 1:1, with an owner."""

    meeting = TenantForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=limits.ITEM_TEXT_MAX)
    owner = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "meeting", "created_at", "id"],
                                name="tours_1on1_action_idx")]

    def __str__(self) -> str:
        return self.text


class OneOnOnePrivateNote(TenantModel):
    """A participant's own notes on a 1:1: readable by the author only."""

    meeting = TenantForeignKey(OneOnOne, on_delete=models.CASCADE, related_name="private_notes")
    author = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    body = BoundedTextField(max_length=limits.NOTES_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "meeting", "author"],
                                    name="tours_1on1_note_one_per_author"),
        ]

    def __str__(self) -> str:
        return f"Private note ({self.meeting_id}, {self.author_id})"
