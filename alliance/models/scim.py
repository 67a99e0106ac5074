"""SCIM provisioning: the tokens an identity provider uses, and what SCIM knows of each person it provisions."""

from __future__ import annotations

from django.db import models

from alliance.models.members import Membership
from alliance.models.tenancy import TenantForeignKey, TenantModel

SCIM_TOKEN_NAME_MAX = 100
SCIM_USER_NAME_MAX = 254
SCIM_EXTERNAL_ID_MAX = 200
SCIM_NAME_PART_MAX = 100
SCIM_EMAIL_TYPE_MAX = 16


class ScimToken(TenantModel):
    """A bearer token for ``/scim/v2/`` of one organization. It does SCIM only, acting with the rights of the
    administrator who created it (it stops working when they are no longer an active administrator)."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="scim_tokens")
    name = models.CharField(max_length=SCIM_TOKEN_NAME_MAX)
    prefix = models.CharField(max_length=24, help_text="The start of the token, to recognize it.")
    token_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "token_hash"], name="scim_token_hash_unique"),
        ]
        indexes = [models.Index(fields=["organization", "created_at", "id"], name="scim_token_org_created_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimUser(TenantModel):
    """What the identity provider calls a member, beyond what the membership holds: its ``userName`` and
    ``externalId``, the name parts and e-mail type it sent. ``deprovisioned_at``: the provider deleted the
    user; the member stays (suspended) but SCIM no longer sees them (RFC 7644 §3.6)."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    user_name = models.CharField(max_length=SCIM_USER_NAME_MAX)
    external_id = models.CharField(max_length=SCIM_EXTERNAL_ID_MAX, blank=True)
    given_name = models.CharField(max_length=SCIM_NAME_PART_MAX, blank=True)
    family_name = models.CharField(max_length=SCIM_NAME_PART_MAX, blank=True)
    email_type = models.CharField(max_length=SCIM_EMAIL_TYPE_MAX, blank=True)
    email_primary = models.BooleanField(null=True, blank=True)
    deprovisioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "membership"], name="scim_user_one_per_member"),
        ]
        indexes = [models.Index(fields=["organization", "user_name"], name="scim_user_org_name_idx"),
                   models.Index(fields=["organization", "external_id"], name="scim_user_org_external_idx")]

    def __str__(self) -> str:
        return f"{self.user_name} → {self.membership_id}"
