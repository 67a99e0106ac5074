"""Emitting an event: one delivery row per endpoint that wants it, in the transaction of the change.

Apps call ``webhook_event_emit("tour.accepted", tour)`` from their services (the type registered with
``alliance.registry.register_webhook_event``). The rows are the outbox: a refused change writes none,
a saved one is delivered after the commit (``alliance.webhooks.delivery``), and one dispatch is enqueued
when the transaction commits, however many events it wrote.

The event's ``data`` is the resource as the API answers it — the same output serializer, read with the
rights of the endpoint's administrator (the one who created it, or else the organization's first active
administrator), so the same fields and the same e-mail rules; private notes are never in an API answer,
so never in an event either.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from alliance.models import (
    WEBHOOK_PAYLOAD_MAX_BYTES,
    Membership,
    Organization,
    WebhookDelivery,
    WebhookEndpoint,
)
from alliance.registry import webhook_events
from alliance.webhooks.delivery import dispatch_after_commit

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
TEST_EVENT = "webhook.test"


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as every API time is written."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _viewer_request(viewer: Membership) -> Request:
    """A stand-in for the API request the serializer reads its viewer from (``request.member``)."""
    http = HttpRequest()
    http.method = "GET"
    site = settings.SITE_URL.rstrip("/")
    http.META = {"SERVER_NAME": site.split("://", 1)[-1].split("/")[0].split(":")[0], "SERVER_PORT": "443",
                 "wsgi.url_scheme": "https" if site.startswith("https") else "http"}
    http.member = viewer
    http.org = viewer.organization
    request = Request(http)
    request.member = viewer
    return request


def _first_admin(organization_id: int) -> Membership | None:
    return (Membership.objects.for_org(organization_id)
            .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
            .select_related("user", "organization").order_by("pk").first())


def _viewer_of(endpoint: WebhookEndpoint, fallback: Membership | None) -> Membership | None:
    creator = endpoint.created_by
    if creator is not None and creator.is_admin and creator.is_active:
        return creator
    return fallback


def resource_data(serializer_class, instance, viewer: Membership) -> dict:
    """The resource as the API answers it to ``viewer``, as plain JSON values."""
    data = serializer_class(instance, context={"request": _viewer_request(viewer)}).data
    return json.loads(JSONRenderer().render(data))


def payload_of(*, event_id: str, event_type: str, organization: Organization, at: datetime, data: dict) -> dict:
    payload = {"id": event_id, "type": event_type, "timestamp": utc_text(at), "version": PAYLOAD_VERSION,
               "organization": organization.slug, "data": data}
    if len(json.dumps(payload, separators=(",", ":"))) > WEBHOOK_PAYLOAD_MAX_BYTES:
        logger.warning("webhook event %s (%s) is over %s bytes: sent with the resource's id only",
                       event_id, event_type, WEBHOOK_PAYLOAD_MAX_BYTES)
        payload["data"] = {"id": data.get("id")}
        payload["truncated"] = True
    return payload


def webhook_event_emit(event_type: str, instance, *, organization_id: int | None = None) -> int:
    """Write the deliveries of one event about ``instance`` to every enabled endpoint of its organization
    that subscribed to ``event_type``; returns how many. Call it inside the change's transaction."""
    spec = webhook_events().get(event_type)
    if spec is None:
        raise LookupError(f"No webhook event type {event_type!r} is registered.")
    organization_id = organization_id or instance.organization_id
    endpoints = list(WebhookEndpoint.objects.for_org(organization_id)
                     .filter(channel=WebhookEndpoint.Channel.WEBHOOK, enabled=True,
                             event_types__contains=[event_type])
                     .select_related("created_by__user", "created_by__organization").order_by("pk"))
    if not endpoints:
        return 0
    organization = Organization.objects.get(pk=organization_id)
    now = timezone.now()
    event_id = new_event_id()
    fallback = _first_admin(organization_id)
    by_viewer: dict[int, dict] = {}
    rows = []
    for endpoint in endpoints:
        viewer = _viewer_of(endpoint, fallback)
        if viewer is None:  # no active administrator: nobody whose rights the event could be read with
            continue
        if viewer.pk not in by_viewer:
            loaded = spec.load(instance, viewer) if spec.load is not None else instance
            data = resource_data(spec.serializer, loaded, viewer)
            by_viewer[viewer.pk] = payload_of(event_id=event_id, event_type=event_type, organization=organization,
                                              at=now, data=data)
        rows.append(WebhookDelivery(
            organization_id=organization_id, endpoint=endpoint, event_id=event_id, event_type=event_type,
            resource=f"{spec.resource}:{instance.pk}", payload=by_viewer[viewer.pk], next_attempt_at=now,
            give_up_at=now + settings.WEBHOOKS_RETRY_FOR))
    WebhookDelivery.objects.bulk_create(rows)
    if rows:
        dispatch_after_commit()
    return len(rows)


def test_delivery_create(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """The delivery of a ``webhook.test`` event to one endpoint (whatever it subscribed to)."""
    now = timezone.now()
    event_id = new_event_id()
    payload = payload_of(event_id=event_id, event_type=TEST_EVENT, organization=endpoint.organization, at=now,
                         data={"endpoint": endpoint.pk, "message": "A test event from Alliance."})
    delivery = WebhookDelivery.objects.create(
        organization_id=endpoint.organization_id, endpoint=endpoint, event_id=event_id, event_type=TEST_EVENT,
        resource=f"endpoint:{endpoint.pk}", payload=payload, next_attempt_at=now,
        give_up_at=now + settings.WEBHOOKS_RETRY_FOR)
    dispatch_after_commit()
    return delivery
