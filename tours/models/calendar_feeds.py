"""A person's private calendar subscription."""

from __future__ import annotations

from django.db import models

from alliance.models import Membership, TenantForeignKey, TenantModel


class CalendarFeed(TenantModel):
    """A person's private, revocable calendar subscription of their checkpoints."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64)
    prefix = models.CharField(max_length=24)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "token_hash"], name="tours_calendar_feed_hash_unique"),
            models.UniqueConstraint(
                fields=["organization", "membership"], condition=models.Q(revoked_at__isnull=True),
                name="tours_calendar_feed_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}…"
