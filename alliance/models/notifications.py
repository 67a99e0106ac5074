"""The bell (in-app notifications), each person's notification preferences, and the reminder ledger."""

from __future__ import annotations

from django.db import models

from alliance.fields import BoundedTextField
from alliance.limits import DELIVERY_ERROR_MAX, NOTIFICATION_BODY_MAX
from alliance.models.members import Membership
from alliance.models.organizations import Organization
from alliance.models.tenancy import TenantForeignKey, TenantModel


class Notification(TenantModel):
    """An in-app notification (the bell)."""

    recipient = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = BoundedTextField(max_length=NOTIFICATION_BODY_MAX, blank=True)
    url = models.CharField(max_length=500, blank=True)
    reminder = TenantForeignKey("Reminder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the notification is about ("expense_approval:42"): a request that is withdrawn or made obsolete
    # takes every notification of its topic out of the bell (alliance.notifications.notifications_withdraw).
    topic = models.CharField(max_length=80, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "recipient", "read_at"]),
            # The bell and the notifications page: one person's, newest first.
            models.Index(fields=["organization", "recipient", "created_at", "id"], name="notification_recipient_idx"),
            models.Index(fields=["organization", "topic"], name="notification_topic_idx",
                         condition=~models.Q(topic="")),
        ]
        constraints = [
            # A retried delivery finds its notification instead of adding a second one.
            models.UniqueConstraint(fields=["organization", "reminder"], name="notification_once_per_reminder"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(TenantModel):
    class Channel(models.TextChoices):
        BOTH = "both", "E-mail and in-app"
        EMAIL = "email", "E-mail only"
        IN_APP = "in_app", "In-app only"
        OFF = "off", "Off"

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.BOTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "membership", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class Reminder(TenantModel):
    """The reminder ledger: one row per (kind, subject, recipient, window), claimed before sending.

    The unique key makes a second sweep, a retried task or two racing beat
    processes find the row already there, so a reminder is sent once; a row left
    ``pending`` by a killed worker is picked up again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    # A sweep writes thousands of ledger rows in one statement, so each of their checks counts.
    # The organization is already checked by the composite key (organization_id, recipient_id)
    # → the recipient's membership, whose own key checks the organization; and the primary key
    # (organization_id, id) and the ledger key both lead with organization_id. The single-column
    # key and index that TenantModel gives every table would check and index the same again.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    kind = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    recipient = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=40)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = BoundedTextField(max_length=DELIVERY_ERROR_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "subject_id", "recipient", "window"], name="reminder_ledger_key"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="reminder_pending_idx",
                         condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} → {self.recipient_id} ({self.window})"


# An Idempotency-Key is the client's own string (Stripe's allow 255 characters).
