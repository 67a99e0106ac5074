"""An organization's webhook endpoints: what its administrators do to them (alliance.webhooks).

Every service refuses anyone but an administrator (``NotAllowed``: 403 in the API). The signing secret is
shown once, in the answer of the creation (and of a rotation); it is kept to sign, never shown again.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed, field_error
from alliance.models import (
    WEBHOOK_EVENT_TYPES_MAX,
    Membership,
    WebhookDelivery,
    WebhookEndpoint,
)
from alliance.registry import webhook_events
from alliance.rights import can_administer
from alliance.webhooks.delivery import dispatch_after_commit
from alliance.webhooks.events import test_delivery_create
from alliance.webhooks.outbound import check_url

SECRET_BYTES = 24
EDITABLE = ("url", "description", "event_types", "enabled")


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _check_admin(by: Membership) -> None:
    if not can_administer(by):
        raise NotAllowed("Only an administrator can manage webhooks.")


def _check_same_organization(by: Membership, endpoint: WebhookEndpoint) -> None:
    if endpoint.organization_id != by.organization_id:
        raise ApplicationError("This webhook endpoint is not of your organization.")


def clean_event_types(values) -> list[str]:
    """The event types, known and each once, in the catalog's order; refuses an empty or unknown choice."""
    if not isinstance(values, list | tuple) or not values:
        raise field_error("event_types", "Choose at least one event type.")
    catalog = webhook_events()
    unknown = sorted({str(value) for value in values} - set(catalog))
    if unknown:
        raise field_error("event_types", f"Unknown event type: {', '.join(unknown)[:200]}.")
    chosen = [name for name in catalog if name in set(values)]
    if len(chosen) > WEBHOOK_EVENT_TYPES_MAX:
        raise field_error("event_types", f"Choose at most {WEBHOOK_EVENT_TYPES_MAX} event types.")
    return chosen


def _check_url(url: str) -> None:
    problem = check_url(url)
    if problem:
        raise field_error("url", problem)


def _clean(endpoint: WebhookEndpoint) -> None:
    try:
        endpoint.full_clean(exclude=["organization", "created_by"])
    except ValidationError as error:
        errors = {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors) from error


@transaction.atomic
def webhook_endpoint_create(*, by: Membership, url: str, event_types: list[str],
                            description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint, enabled; returns it and its signing secret (shown this once)."""
    _check_admin(by)
    endpoint = WebhookEndpoint(organization_id=by.organization_id, url=(url or "").strip(),
                               description=(description or "").strip(), event_types=clean_event_types(event_types),
                               secret=new_secret(), created_by=by)
    _clean(endpoint)
    _check_url(endpoint.url)
    endpoint.save()
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_endpoint_update(*, by: Membership, endpoint: WebhookEndpoint, data: dict) -> WebhookEndpoint:
    """Change the URL, description, event types, or enable/disable it. Enabling it again forgets its
    failures (the next failure starts a new WEBHOOKS_DISABLE_AFTER)."""
    _check_admin(by)
    _check_same_organization(by, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk, organization_id=by.organization_id)
    values = {name: data[name] for name in EDITABLE if name in data}
    if "event_types" in values:
        values["event_types"] = clean_event_types(values["event_types"])
    for name in ("url", "description"):
        if name in values:
            values[name] = (values[name] or "").strip()
    changed = [name for name, value in values.items() if getattr(endpoint, name) != value]
    if not changed:
        return endpoint
    for name in changed:
        setattr(endpoint, name, values[name])
    _clean(endpoint)
    if "url" in changed:
        _check_url(endpoint.url)
    if "enabled" in changed:
        endpoint.failing_since = None
        endpoint.disabled_reason = "" if endpoint.enabled else f"Disabled by {by.user.full_name or 'an administrator'}."
        changed += ["failing_since", "disabled_reason"]
    endpoint.save(update_fields=[*changed, "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, by: Membership, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its delivery log."""
    _check_admin(by)
    _check_same_organization(by, endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, organization_id=by.organization_id).delete()


@transaction.atomic
def webhook_secret_rotate(*, by: Membership, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (returned, shown this once); the previous one signs too for
    WEBHOOKS_SECRET_OVERLAP (24 hours), so receivers switch without losing an event."""
    _check_admin(by)
    _check_same_organization(by, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk, organization_id=by.organization_id)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + settings.WEBHOOKS_SECRET_OVERLAP
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_endpoint_test(*, by: Membership, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``webhook.test`` event to the endpoint (enabled only)."""
    _check_admin(by)
    _check_same_organization(by, endpoint)
    if not endpoint.enabled:
        raise ApplicationError("Enable the endpoint before sending it a test event.")
    return test_delivery_create(endpoint)


@transaction.atomic
def webhook_delivery_redeliver(*, by: Membership, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or failed event again: a new delivery of the same event (same ``webhook-id``, so
    the receiver can recognize it), due now and retried like any other."""
    _check_admin(by)
    if delivery.organization_id != by.organization_id:
        raise ApplicationError("This delivery is not of your organization.")
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        raise ApplicationError("Enable the endpoint before sending it an event again.")
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise ApplicationError("This event is still on its way: wait for it to be delivered or to fail.")
    now = timezone.now()
    again = WebhookDelivery.objects.create(
        organization_id=delivery.organization_id, endpoint=endpoint, event_id=delivery.event_id,
        event_type=delivery.event_type, resource=delivery.resource, payload=delivery.payload, next_attempt_at=now,
        give_up_at=now + settings.WEBHOOKS_RETRY_FOR)
    dispatch_after_commit()
    return again
