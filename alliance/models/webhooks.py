"""Webhooks (alliance.webhooks): an organization's endpoints and the deliveries of its events to them."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from alliance.models.members import Membership
from alliance.models.tenancy import TenantForeignKey, TenantModel, sync_index

WEBHOOK_URL_MAX = 500
WEBHOOK_DESCRIPTION_MAX = 200
WEBHOOK_EVENT_TYPE_MAX = 60
WEBHOOK_EVENT_TYPES_MAX = 40  # more than the catalog holds
WEBHOOK_SECRET_MAX = 80
WEBHOOK_EVENT_ID_MAX = 40
WEBHOOK_RESOURCE_MAX = 80
WEBHOOK_EXCERPT_MAX = 500
WEBHOOK_ERROR_MAX = 500
WEBHOOK_PAYLOAD_MAX_BYTES = 256_000
WEBHOOK_REASON_MAX = 200


class WebhookEndpoint(TenantModel):
    """A URL of a REST client that hears of the organization's events (the event types it chose), signed
    with its secret (Standard Webhooks). After a rotation the previous secret signs too, until
    ``previous_secret_expires_at``. An endpoint failing for WEBHOOKS_DISABLE_AFTER is disabled.

    A person's own Slack or Teams incoming webhook is one too (``channel`` slack or teams, ``owner`` the
    person, ``event_types`` the notification kinds they send there): the same delivery, retries, disabling
    and safe requests (alliance.webhooks.chat)."""

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEBHOOK)
    owner = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=WEBHOOK_URL_MAX)
    description = models.CharField(max_length=WEBHOOK_DESCRIPTION_MAX, blank=True)
    event_types = ArrayField(models.CharField(max_length=WEBHOOK_EVENT_TYPE_MAX), size=WEBHOOK_EVENT_TYPES_MAX)
    secret = models.CharField(max_length=WEBHOOK_SECRET_MAX)
    previous_secret = models.CharField(max_length=WEBHOOK_SECRET_MAX, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=WEBHOOK_REASON_MAX, blank=True)
    # When the first of the failures still unbroken by a success happened; null while it answers.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "created_at", "id"], name="webhook_endpoint_org_idx"),
            sync_index("webhook_endpoint_sync_idx"),
            models.Index(fields=["organization", "owner", "channel"], name="webhook_endpoint_owner_idx"),
        ]
        constraints = [
            # An organization's webhook has no owner; a Slack or Teams connection is one person's, one each.
            models.CheckConstraint(condition=models.Q(channel="webhook", owner__isnull=True)
                                   | (~models.Q(channel="webhook") & models.Q(owner__isnull=False)),
                                   name="webhook_endpoint_owner_by_channel"),
            models.UniqueConstraint(fields=["organization", "owner", "channel"], name="chat_connection_once",
                                    condition=models.Q(owner__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantModel):
    """One event on its way to one endpoint: written in the transaction of the change (the outbox), sent by
    the worker after the commit, retried with backoff, kept WEBHOOKS_KEEP_DAYS for the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = TenantForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=WEBHOOK_EVENT_ID_MAX)
    event_type = models.CharField(max_length=WEBHOOK_EVENT_TYPE_MAX)
    # "tour:42": deliveries of one resource to one endpoint go in the order they were written.
    resource = models.CharField(max_length=WEBHOOK_RESOURCE_MAX)
    # The event as sent (bounded by WEBHOOK_PAYLOAD_MAX_BYTES when written, alliance.webhooks.events).
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    give_up_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=WEBHOOK_EXCERPT_MAX, blank=True)
    last_error = models.CharField(max_length=WEBHOOK_ERROR_MAX, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The endpoint's delivery log, newest first.
            models.Index(fields=["organization", "endpoint", "-created_at", "-id"], name="webhook_delivery_log_idx"),
            # The API's delivery list (cursor on updated_at, id).
            sync_index("webhook_delivery_sync_idx"),
            # The dispatcher: what is due, across organizations.
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due_idx",
                         condition=models.Q(status="pending")),
            # The order per resource: an earlier pending delivery of the same resource to the same endpoint.
            models.Index(fields=["organization", "endpoint", "resource", "id"], name="webhook_delivery_order_idx",
                         condition=models.Q(status="pending")),
            # The pruning of old deliveries.
            models.Index(fields=["organization", "created_at"], name="webhook_delivery_age_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
