"""The right of first conversation, once the employee exercises it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel
from tours import limits
from tours.models.tours import Tour


class FirstConversation(TenantModel):
    """The employee exercised the right of first conversation: "I'm thinking about what's next"."""

    class Outcome(models.TextChoices):
        NEW_INTERNAL_TOUR = "new_internal_tour", "New internal tour proposed"
        SUPPORTED_MOVE_OUTSIDE = "supported_move_outside", "Supported move outside"
        STAYED = "stayed", "Stayed on current tour"

    # Exercised, and the manager has not recorded the outcome yet (one per tour at most).
    OPEN = models.Q(outcome="")

    tour = TenantForeignKey(Tour, on_delete=models.CASCADE, related_name="first_conversations")
    exercised_at = models.DateTimeField(default=timezone.now)
    employee_note = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = BoundedTextField(max_length=limits.COMMENT_MAX, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-exercised_at", "-id"]
        constraints = [
            # One open conversation per tour at a time.
            models.UniqueConstraint(
                fields=["organization", "tour"], condition=models.Q(outcome=""),
                name="tours_one_open_first_conversation",
            ),
        ]
        indexes = [
            # The reminder sweep: exercised conversations still without an outcome.
            models.Index(fields=["outcome", "exercised_at"], name="tours_rofc_outcome_idx"),
            models.Index(fields=["organization", "tour", "exercised_at", "id"], name="tours_rofc_tour_idx"),
        ]

    def __str__(self) -> str:
        return f"First conversation ({self.tour_id})"

    @property
    def is_open(self) -> bool:
        return not self.outcome
