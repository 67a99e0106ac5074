"""The e-mail outbox's rows (alliance.outbox): an organization's e-mail, and e-mail outside any organization."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from alliance.fields import BoundedTextField
from alliance.models.tenancy import TenantModel

# --- The e-mail outbox (alliance.outbox) -------------------------------------------------------------

# What one e-mail row may hold: an address, a subject line, a text or HTML body, and the whole rendered
# message (bodies, alternatives and attachments such as a calendar file) together.
EMAIL_ADDRESS_MAX = 320
EMAIL_RECIPIENTS_MAX = 50
EMAIL_SUBJECT_MAX = 998  # the longest line RFC 5322 allows
EMAIL_BODY_MAX = 1_000_000
EMAIL_MESSAGE_MAX_BYTES = 2_000_000
EMAIL_ERROR_MAX = 1_000
EMAIL_KIND_MAX = 40


class EmailRow(models.Model):
    """A rendered e-mail waiting for, or done with, the mail transport: the outbox's row.

    Written in the transaction of the change that sends it (alliance.outbox.OutboxBackend);
    a worker sends it afterwards, one row per transaction, with retries and backoff.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=EMAIL_KIND_MAX, blank=True)
    from_email = models.CharField(max_length=EMAIL_ADDRESS_MAX)
    to = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX)
    cc = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    bcc = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    reply_to = ArrayField(models.CharField(max_length=EMAIL_ADDRESS_MAX), size=EMAIL_RECIPIENTS_MAX, default=list)
    subject = models.CharField(max_length=EMAIL_SUBJECT_MAX)
    body = BoundedTextField(max_length=EMAIL_BODY_MAX, blank=True)
    # [[content, mimetype]], [[filename, base64 content, mimetype]], {name: value}: bounded together by
    # size_bytes (alliance.outbox refuses a message over EMAIL_MESSAGE_MAX_BYTES).
    alternatives = models.JSONField(default=list)
    attachments = models.JSONField(default=list)
    headers = models.JSONField(default=dict)
    size_bytes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Retried until then (at least a day after it was written, or after an admin's retry), then failed.
    give_up_at = models.DateTimeField()
    last_error = BoundedTextField(max_length=EMAIL_ERROR_MAX, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"

    @property
    def recipients(self) -> str:
        return ", ".join([*self.to, *self.cc, *self.bcc])


class OutboundEmail(TenantModel, EmailRow):
    """An e-mail an organization's work sends (a reminder, an invitation, an exit's welcome…).

    Its admins see the ones that failed for good on the "Undelivered e-mail" page and retry them.
    """

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__lte=EMAIL_MESSAGE_MAX_BYTES),
                                   name="outbound_email_bounded"),
        ]
        indexes = [
            # The admins' page: the organization's undelivered e-mail, newest first.
            models.Index(fields=["organization", "status", "-created_at", "-id"], name="outbound_email_org_idx"),
            # The dispatcher: what is due, across organizations.
            models.Index(fields=["next_attempt_at"], name="outbound_email_due_idx",
                         condition=models.Q(status="pending")),
        ]


class SystemEmail(EmailRow):
    """An e-mail outside any organization: a password reset asked for by address. Global, like users;
    operators see failed ones in the admin site (an organization's admins never see a person's reset)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__lte=EMAIL_MESSAGE_MAX_BYTES),
                                   name="system_email_bounded"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="system_email_due_idx", condition=models.Q(status="pending")),
        ]
