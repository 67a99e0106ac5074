"""The event catalog in the OpenAPI schema: each registered event type as a webhook (drf-spectacular's
``OpenApiWebhook``), its body the event envelope around the resource's API serializer.

The catalog is filled by the apps at start (``alliance.registry.register_webhook_event``), so it is added
by a postprocessing hook rather than the static ``WEBHOOKS`` setting; the hook runs first, and builds the
components again so the serializers the webhooks name are among them.
"""

from __future__ import annotations

from drf_spectacular.plumbing import process_webhooks
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema, inline_serializer
from rest_framework import serializers

from alliance.registry import webhook_events
from alliance.webhooks.events import TEST_EVENT

HEADERS = ("Signed per Standard Webhooks: `webhook-id` (the event's id, the same on every retry), "
           "`webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`, two of them "
           "for 24 hours after a secret's rotation). Answer with a 2xx within 10 seconds; anything else is "
           "retried with exponential backoff for 3 days.")


def _camel(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.replace(".", "_").split("_"))


def _envelope(event_type: str, data: serializers.Field) -> serializers.Serializer:
    return inline_serializer(name=f"{_camel(event_type)}Event", fields={
        "id": serializers.CharField(help_text="The event's id (also the `webhook-id` header)."),
        "type": serializers.ChoiceField(choices=[event_type]),
        "timestamp": serializers.DateTimeField(help_text="When it happened (UTC)."),
        "version": serializers.IntegerField(help_text="The payload's version: 1."),
        "organization": serializers.CharField(help_text="The organization's slug."),
        "data": data,
    })


def catalog_webhooks() -> list[OpenApiWebhook]:
    found = []
    for spec in webhook_events().values():
        found.append(OpenApiWebhook(name=spec.type, decorator=extend_schema(
            summary=spec.description, description=HEADERS, request=_envelope(spec.type, spec.serializer()),
            responses={200: OpenApiResponse(description="Received (any 2xx).")})))
    test_data = inline_serializer(name="WebhookTestData", fields={
        "endpoint": serializers.IntegerField(), "message": serializers.CharField()})
    found.append(OpenApiWebhook(name=TEST_EVENT, decorator=extend_schema(
        summary="A test event an administrator sent", description=HEADERS,
        request=_envelope(TEST_EVENT, test_data),
        responses={200: OpenApiResponse(description="Received (any 2xx).")})))
    return found


def add_webhooks(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the catalog as the schema's ``x-webhooks`` (OpenAPI 3.0 has no ``webhooks`` field,
    which 3.1 added; ``x-webhooks`` is the extension documentation tools read for 3.0, in 3.1's shape)."""
    result["x-webhooks"] = process_webhooks(catalog_webhooks(), generator.registry)
    result["components"] = generator.registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result
