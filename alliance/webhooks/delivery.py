"""Delivering webhook events: the worker's side of the delivery rows (alliance.webhooks.events writes them).

* **At least once.** Each due row is locked (``FOR UPDATE SKIP LOCKED``), sent and marked in its own
  transaction; a worker that dies after the endpoint answered and before the row is marked sends it again,
  with the same ``webhook-id``, so the receiver can tell.
* **In order per resource.** A row waits while an earlier row of the same resource to the same endpoint is
  pending; when that one is delivered, the next is due at once.
* **Retried** with exponential backoff (``WEBHOOKS_RETRY_BASE_SECONDS`` doubling up to
  ``WEBHOOKS_RETRY_MAX_SECONDS``) until ``give_up_at`` (``WEBHOOKS_RETRY_FOR`` after it was written), then
  failed. An endpoint whose failures have gone on for ``WEBHOOKS_DISABLE_AFTER`` without a success is
  disabled, its pending rows fail, and the organization's administrators are told in the app.
* **Enqueued once** after the commit that wrote rows (``dispatch_after_commit``), and every minute by beat.
* Deliveries are kept ``WEBHOOKS_KEEP_DAYS`` for the delivery log, then pruned (hourly).
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from alliance import tenancy
from alliance.models import (
    WEBHOOK_ERROR_MAX,
    WEBHOOK_EXCERPT_MAX,
    Membership,
    Organization,
    WebhookDelivery,
    WebhookEndpoint,
)
from alliance.notifications import notification_create
from alliance.webhooks.outbound import Answer, post_json

logger = logging.getLogger(__name__)

DISPATCH_TASK = "alliance.tasks.dispatch_webhooks"
DISABLED_KIND = "webhook_disabled"
SCAN_SIZE = 100
PRUNE_BATCH = 1000
Status = WebhookDelivery.Status


# --- Telling a worker ---------------------------------------------------------------------------------

def _enqueue_dispatch() -> None:
    """Ask a worker to send what is due. Never raises: with the broker away, beat's minute entry sends it."""
    from alliance.celery import app

    try:
        app.send_task(DISPATCH_TASK, retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2})
    except Exception as error:  # noqa: BLE001 - the rows are saved; the beat entry dispatches them
        logger.warning("could not enqueue the webhook dispatch (beat sends it within a minute): %r", error)


def dispatch_after_commit() -> None:
    """Enqueue one dispatch when the current transaction commits (once, however many rows it wrote)."""
    if any(callback is _enqueue_dispatch for _, callback, *_ in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_dispatch)


# --- Signing ------------------------------------------------------------------------------------------

def signature_headers(endpoint: WebhookEndpoint, *, event_id: str, body: bytes, now=None) -> dict[str, str]:
    """The Standard Webhooks headers: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``,
    which holds the signature by the current secret and, for 24 hours after a rotation, by the previous
    one too (space-separated, as the specification allows), so receivers verify with either."""
    now = now or timezone.now()
    signatures = [Webhook(endpoint.secret).sign(event_id, now, body)]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        signatures.append(Webhook(endpoint.previous_secret).sign(event_id, now, body))
    return {"webhook-id": event_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": " ".join(signatures)}


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


# --- Sending ------------------------------------------------------------------------------------------

def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a delivery is tried again."""
    seconds = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_SECONDS))


def _due(*, exclude: set[int]) -> list[tuple[int, int]]:
    """(organization id, delivery id) of up to SCAN_SIZE due deliveries, oldest due first."""
    with tenancy.cross_tenant(reason="webhooks: find the deliveries due for sending"):
        rows = (WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id").values_list("organization_id", "id")[: SCAN_SIZE + len(exclude)])
        return [(org_id, pk) for org_id, pk in rows if pk not in exclude][:SCAN_SIZE]


def _attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[Answer | None, str]:
    """Send one delivery: the answer (None when there was none) and the error, "" for a 2xx answer. A
    webhook is signed; a Slack or Teams message is posted as it is (their incoming webhooks sign nothing)."""
    body = body_of(delivery)
    headers = {}
    if endpoint.channel == WebhookEndpoint.Channel.WEBHOOK:
        headers = signature_headers(endpoint, event_id=delivery.event_id, body=body)
    try:
        answer = post_json(endpoint.url, body, headers=headers)
    except Exception as error:  # noqa: BLE001 - a refused target, a timeout, a refused connection, TLS…
        return None, f"{error.__class__.__name__}: {error}"
    if 200 <= answer.status < 300:
        return answer, ""
    return answer, f"The endpoint answered {answer.status}."


def deliver_one(organization_id: int, delivery_id: int, *, now=None) -> tuple[str, int | None]:
    """Send one due delivery in its own transaction. Returns the outcome ("delivered", "retrying",
    "failed", "waiting", "locked-or-done") and, after a delivery, the id of the next delivery of the same
    resource to the same endpoint, which is due now."""
    with tenancy.tenant_context(organization_id):
        now = now or timezone.now()
        delivery = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("endpoint").filter(pk=delivery_id, status=Status.PENDING,
                                                       next_attempt_at__lte=now).first())
        if delivery is None:  # delivered meanwhile, or another worker is sending it right now
            return "locked-or-done", None
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            delivery.status, delivery.last_error = Status.FAILED, "The endpoint is disabled."
            delivery.save(update_fields=["status", "last_error", "updated_at"])
            return "failed", None
        earlier = (WebhookDelivery.objects.for_org(organization_id)
                   .filter(endpoint_id=endpoint.pk, resource=delivery.resource, status=Status.PENDING,
                           id__lt=delivery.pk).order_by("-id").values_list("next_attempt_at", flat=True).first())
        if earlier is not None:  # an earlier event of this resource is not delivered yet: this one waits
            delivery.next_attempt_at = max(earlier, now + timedelta(seconds=1))
            delivery.save(update_fields=["next_attempt_at", "updated_at"])
            return "waiting", None
        delivery.attempts += 1
        answer, error = _attempt(endpoint, delivery)
        if answer is not None:
            delivery.response_status = answer.status
            delivery.latency_ms = answer.latency_ms
            delivery.response_excerpt = answer.body[:WEBHOOK_EXCERPT_MAX]
        else:
            delivery.response_status, delivery.latency_ms, delivery.response_excerpt = None, None, ""
        fields = ["status", "attempts", "response_status", "latency_ms", "response_excerpt", "last_error",
                  "next_attempt_at", "delivered_at", "updated_at"]
        if not error:
            delivery.status, delivery.delivered_at, delivery.last_error = Status.DELIVERED, timezone.now(), ""
            delivery.save(update_fields=fields)
            if endpoint.failing_since is not None:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, updated_at=timezone.now())
            following = (WebhookDelivery.objects.for_org(organization_id)
                         .filter(endpoint_id=endpoint.pk, resource=delivery.resource, status=Status.PENDING,
                                 id__gt=delivery.pk).order_by("id").values_list("id", flat=True).first())
            if following is not None:
                WebhookDelivery.objects.filter(pk=following).update(next_attempt_at=now)
            return "delivered", following
        delivery.last_error = error[:WEBHOOK_ERROR_MAX]
        if now >= delivery.give_up_at:
            delivery.status = Status.FAILED
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save(update_fields=fields)
        logger.warning("webhook delivery %s (%s) to endpoint %s failed (attempt %s): %s", delivery.pk,
                       delivery.event_type, endpoint.pk, delivery.attempts, delivery.last_error)
        _note_endpoint_failure(endpoint, now=now)
        return ("failed" if delivery.status == Status.FAILED else "retrying"), None


def _note_endpoint_failure(endpoint: WebhookEndpoint, *, now) -> None:
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now, updated_at=now)
        return
    if now - endpoint.failing_since < settings.WEBHOOKS_DISABLE_AFTER:
        return
    days = settings.WEBHOOKS_DISABLE_AFTER.days or 1
    reason = f"Disabled after failing for {days} days."
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason=reason, updated_at=now)
    (WebhookDelivery.objects.for_org(endpoint.organization_id).filter(endpoint_id=endpoint.pk, status=Status.PENDING)
     .update(status=Status.FAILED, last_error="The endpoint was disabled.", updated_at=now))
    logger.error("webhook endpoint %s of organization %s disabled: failing since %s", endpoint.pk,
                 endpoint.organization_id, endpoint.failing_since.isoformat())
    _tell_admins(endpoint)


def _tell_admins(endpoint: WebhookEndpoint) -> None:
    """An in-app notification to each active administrator (once per disabling: the endpoint is off), or to
    the person whose Slack or Teams connection it is."""
    slug = Organization.objects.filter(pk=endpoint.organization_id).values_list("slug", flat=True).first()
    if endpoint.owner_id is not None:
        owner = Membership.objects.for_org(endpoint.organization_id).filter(pk=endpoint.owner_id).first()
        if owner is not None:
            notification_create(
                recipient=owner, kind=DISABLED_KIND, title=f"Your {endpoint.get_channel_display()} connection stopped",
                body=f"It kept failing for {settings.WEBHOOKS_DISABLE_AFTER.days or 1} days. Connect it again on "
                     "your notification preferences.", url=reverse("notification_list", args=[slug]))
        return
    admins = (Membership.objects.for_org(endpoint.organization_id)
              .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE).select_related("user"))
    for admin in admins:
        notification_create(
            recipient=admin, kind=DISABLED_KIND, title="A webhook endpoint was disabled",
            body=f"{endpoint.url} kept failing for {settings.WEBHOOKS_DISABLE_AFTER.days or 1} days. "
                 "See its delivery log, fix it and enable it again.",
            url=reverse("webhook_endpoint", args=[slug, endpoint.pk]), topic=f"webhook_endpoint:{endpoint.pk}")


def webhooks_dispatch(*, budget_seconds: float | None = None) -> tuple[dict[str, int], bool]:
    """Send the due deliveries, each in its own transaction, for up to ``budget_seconds``. Returns the
    outcomes and whether due deliveries are left (the budget ran out first)."""
    budget = settings.WEBHOOKS_DISPATCH_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    outcomes: Counter[str] = Counter()
    tried: set[int] = set()
    while True:
        due = _due(exclude=tried)
        if not due:
            return dict(outcomes), False
        for organization_id, delivery_id in due:
            if time.monotonic() >= deadline:
                return dict(outcomes), True
            tried.add(delivery_id)
            outcome, following = deliver_one(organization_id, delivery_id)
            outcomes[outcome] += 1
            if following is not None:
                tried.discard(following)


# --- Pruning ------------------------------------------------------------------------------------------

def webhook_deliveries_prune() -> int:
    """Delete deliveries older than WEBHOOKS_KEEP_DAYS; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    pruned = 0
    while True:
        with tenancy.cross_tenant(reason="webhooks: prune the deliveries past their keeping time"):
            old = list(WebhookDelivery.objects.filter(created_at__lt=cutoff).order_by("created_at")
                       .values_list("pk", flat=True)[:PRUNE_BATCH])
            WebhookDelivery.objects.filter(pk__in=old).delete()
        pruned += len(old)
        if len(old) < PRUNE_BATCH:
            return pruned

