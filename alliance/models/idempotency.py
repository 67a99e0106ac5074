"""The API's kept answers to requests sent with an ``Idempotency-Key`` (alliance.idempotency)."""

from __future__ import annotations

from django.db import models

from alliance.models.members import ApiToken
from alliance.models.organizations import (
    Organization,
)
from alliance.models.tenancy import TenantForeignKey, TenantModel

IDEMPOTENCY_KEY_MAX = 255


class IdempotentRequest(TenantModel):
    """The first answer to an API ``POST`` sent with an ``Idempotency-Key`` (alliance/idempotency.py).

    Written in the request's own transaction, so the answer is kept exactly when the change is:
    a retry with the same key (same token) gets it back instead of doing the work again. Kept at
    least ``IDEMPOTENCY_KEEP``; a beat entry removes older ones.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    # The key (organization, token, key) serves the token's composite reference too.
    token = TenantForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "token", "key"], name="idempotent_request_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_prune_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
