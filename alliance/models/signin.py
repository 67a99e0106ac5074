"""How people of an organization sign in: the roles that must use a second factor, and the record of each
second factor an administrator reset."""

from __future__ import annotations

from django.db import models

from alliance.models.members import Membership
from alliance.models.tenancy import TenantForeignKey, TenantModel


class TwoFactorRequirement(TenantModel):
    """People with ``role`` in the organization must sign in with a second factor: at their next sign-in
    they enrol one before anything else."""

    role = models.CharField(max_length=16, choices=Membership.Role.choices)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "role"], name="two_factor_requirement_unique"),
        ]

    def __str__(self) -> str:
        return f"Second factor required for {self.get_role_display()}"


class TwoFactorReset(TenantModel):
    """An administrator took away a member's second factor (a lost phone): who, whose, when. The audit record
    of the reset, kept with the organization and shown on the member's page; rows are never changed."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="two_factor_resets")
    by = TenantForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "membership", "created_at", "id"], name="tfa_reset_member_idx"),
        ]

    def __str__(self) -> str:
        return f"Second factor reset for membership {self.membership_id}"
