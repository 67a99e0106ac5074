"""The record that a person's data was erased, and what was kept."""

from __future__ import annotations

from django.db import models

from alliance.models import Membership, TenantForeignKey, TenantModel


class ErasureRecord(TenantModel):
    """That a person's data was erased, and what was kept — never who they were."""

    member = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField()
    kept = models.JSONField(default=dict, help_text="What the organization had to keep, counted.")

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "member"], name="alumni_erased_once")]

    def __str__(self) -> str:
        return f"Erasure of {self.member_id}"
