"""The organization: the tenant every tenant row points at, with its reminder lead times."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from alliance.fields import BoundedTextField
from alliance.limits import MAX_LEAD_TIMES, PROFILE_TEXT_MAX
from alliance.models.people import TIME_ZONE_CHOICES, validate_time_zone
from alliance.money import validate_currency


def default_checkpoint_reminder_days() -> list[int]:
    return [7, 1]


def default_tour_ending_reminder_days() -> list[int]:
    return [180, 90, 30]


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "Use 1–50 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
)


# The longest lead time (days) each list of reminder lead times accepts; also the form's bounds.
LEAD_TIME_LIMITS = {"checkpoint_days_before": 60, "tour_ending_days_before": 730}


class Organization(models.Model):
    """The tenant. Not itself tenant-owned: it is what every tenant row points at."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    mission = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True,
                               help_text="What the organization is here to do.")
    values = BoundedTextField(max_length=PROFILE_TEXT_MAX, blank=True, help_text="The values it holds, one per line.")
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    # Reminder lead times (DESIGN "Reminders"), editable by admins.
    checkpoint_days_before = ArrayField(
        models.PositiveSmallIntegerField(), default=default_checkpoint_reminder_days, size=MAX_LEAD_TIMES,
        help_text="Days before a checkpoint to remind manager and employee.",
    )
    agenda_nudge_days_before = models.PositiveSmallIntegerField(
        default=2, help_text="Days before a checkpoint to nudge the employee if the agenda is empty."
    )
    overdue_days_after = models.PositiveSmallIntegerField(
        default=1, help_text="Days after a missed checkpoint to tell the manager (then weekly)."
    )
    overdue_max_reminders = models.PositiveSmallIntegerField(default=3)
    tour_ending_days_before = ArrayField(
        models.PositiveSmallIntegerField(), default=default_tour_ending_reminder_days, size=MAX_LEAD_TIMES,
        help_text="Days before a tour ends to prompt the next-tour conversation.",
    )
    first_conversation_followup_working_days = models.PositiveSmallIntegerField(
        default=2, help_text="Working days after the right of first conversation is exercised to follow up."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for field, upper in LEAD_TIME_LIMITS.items():
            values = getattr(self, field) or []
            if not values:
                errors[field] = "Give at least one lead time."
            elif any(v < 1 or v > upper for v in values):
                errors[field] = f"Each lead time must be between 1 and {upper} days."
            elif len(set(values)) != len(values):
                errors[field] = "Each lead time may appear once."
        bounds = {"agenda_nudge_days_before": 30, "overdue_days_after": 30, "overdue_max_reminders": 10,
                  "first_conversation_followup_working_days": 20}
        for field, upper in bounds.items():
            value = getattr(self, field)
            if value is None or value < 1 or value > upper:
                errors[field] = f"Must be between 1 and {upper}."
        if errors:
            raise ValidationError(errors)

    @property
    def values_list(self) -> list[str]:
        return [line.strip() for line in self.values.splitlines() if line.strip()]
