"""Job openings: alumni and employees see them on the board, refer from one, and alumni apply to come
back through one."""

from __future__ import annotations

from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alumni.limits import MAX_OPENING_TEXT


class Opening(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    EDITABLE = ("title", "team", "location", "description")

    title = models.CharField(max_length=200)
    team = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="A city, or “remote”.")
    description = BoundedTextField(max_length=MAX_OPENING_TEXT, help_text="What the job is, and who would fit.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            sync_index("alumni_opening_sync_idx"),
            models.Index(fields=["organization", "state", "-created_at", "-id"], name="alumni_opening_board_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alumni_opening_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
