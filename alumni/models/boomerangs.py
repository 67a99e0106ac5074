"""Boomerangs: an alumnus asks to come back, HR rehires or declines."""

from __future__ import annotations

from django.db import models

from alliance.fields import BoundedTextField
from alliance.models import Membership, TenantForeignKey, TenantModel, sync_index
from alumni.limits import MAX_REFERRAL_TEXT
from alumni.models.exits import ExitProcess


class Boomerang(TenantModel):
    """An alumnus coming back: asked for by them ("I'd like to come back") or started by HR."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Asked to come back"
        REHIRED = "rehired", "Rehired"
        DECLINED = "declined", "Declined"

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="boomerangs")
    state = models.CharField(max_length=10, choices=State.choices)
    message = BoundedTextField(blank=True, max_length=MAX_REFERRAL_TEXT, help_text="What they would like to do.")
    requested_at = models.DateTimeField(null=True, blank=True)
    rehired_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rehired_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    role = models.CharField(max_length=16, blank=True)
    manager = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous_exit = TenantForeignKey(ExitProcess, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    last_tour_ref = models.BigIntegerField(null=True, blank=True, help_text="Their last tour before leaving.")
    new_tour_ref = models.BigIntegerField(null=True, blank=True, help_text="The drafted tour of the new stay.")
    decline_note = BoundedTextField(max_length=MAX_REFERRAL_TEXT, blank=True)
    opening = TenantForeignKey("alumni.Opening", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="boomerangs", help_text="The opening they applied for, if any.")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "member"], condition=models.Q(state="requested"),
                                    name="alumni_one_open_boomerang_request"),
        ]
        indexes = [
            sync_index("alumni_boom_org_updated_idx"),
            models.Index(fields=["organization", "-created_at", "-id"], name="alumni_boom_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Boomerang of {self.member_id} ({self.state})"
