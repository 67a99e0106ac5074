"""``/api/v1/webhook-endpoints/`` and ``/api/v1/webhook-deliveries/``: an organization's webhooks for its
administrators' tokens (403 for any other token; another organization's endpoint is a 404)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.apis import UpdatedSinceFilterSet
from alliance.models import (
    WEBHOOK_DESCRIPTION_MAX,
    WEBHOOK_EVENT_TYPE_MAX,
    WEBHOOK_EVENT_TYPES_MAX,
    WEBHOOK_URL_MAX,
    WebhookDelivery,
    WebhookEndpoint,
)
from alliance.permissions import IsOrganizationAdmin
from alliance.serializers import InputSerializer, StrictBooleanField, StrictCharField
from alliance.webhooks import selectors, services


class WebhookEndpointOutputSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=StrictCharField(), help_text="The event types it receives.")
    secret_rotated_until = serializers.DateTimeField(
        source="previous_secret_expires_at", allow_null=True,
        help_text="Until then, after a rotation, the previous secret signs too.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "enabled", "disabled_reason", "failing_since",
                  "secret_rotated_until", "created_at", "updated_at"]


class WebhookEndpointSecretSerializer(WebhookEndpointOutputSerializer):
    secret = StrictCharField(help_text="The signing secret (Standard Webhooks, `whsec_…`): shown this once.")

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = [*WebhookEndpointOutputSerializer.Meta.fields, "secret"]


class EventTypesField(serializers.ListField):
    """The catalog's choices, read when a request is validated (apps register their events at start)."""

    child = StrictCharField(max_length=WEBHOOK_EVENT_TYPE_MAX)

    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 1)
        kwargs.setdefault("max_length", WEBHOOK_EVENT_TYPES_MAX)
        kwargs.setdefault("help_text", "Event types of the catalog (see the schema's webhooks).")
        super().__init__(**kwargs)


class WebhookEndpointCreateInputSerializer(InputSerializer):
    url = serializers.URLField(max_length=WEBHOOK_URL_MAX, help_text="An https URL with a public address.")
    description = StrictCharField(max_length=WEBHOOK_DESCRIPTION_MAX, required=False, allow_blank=True)
    event_types = EventTypesField()


class WebhookEndpointUpdateInputSerializer(InputSerializer):
    url = serializers.URLField(max_length=WEBHOOK_URL_MAX, required=False)
    description = StrictCharField(max_length=WEBHOOK_DESCRIPTION_MAX, required=False, allow_blank=True)
    event_types = EventTypesField(required=False)
    enabled = StrictBooleanField(required=False, help_text="Enabling it again forgets its failures.")


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer):
    endpoint = serializers.IntegerField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event_id", "event_type", "resource", "status", "attempts", "next_attempt_at",
                  "response_status", "latency_ms", "response_excerpt", "last_error", "delivered_at", "payload",
                  "created_at", "updated_at"]


class WebhookEndpointFilterSet(UpdatedSinceFilterSet):
    enabled = filters.BooleanFilter()

    class Meta:
        model = WebhookEndpoint
        fields = ["enabled", "updated_since"]


class WebhookDeliveryFilterSet(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    event_type = filters.CharFilter(max_length=WEBHOOK_EVENT_TYPE_MAX)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event_type", "updated_since"]


class WebhookEndpointListApi(generics.ListAPIView):
    """The organization's webhook endpoints (administrators only), oldest change first (cursor-paginated).
    The signing secret is never listed: it is in the answer of the creation (and of a rotation) only."""

    permission_classes = [IsOrganizationAdmin]
    serializer_class = WebhookEndpointOutputSerializer
    filterset_class = WebhookEndpointFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return selectors.webhook_endpoint_list(member=self.request.member)

    @extend_schema(summary="Register a webhook endpoint (administrators)", request=WebhookEndpointCreateInputSerializer,
                   responses={201: WebhookEndpointSecretSerializer},
                   description="The answer holds the signing secret, shown this once: keep it to verify the "
                               "`webhook-signature` header of each delivery (Standard Webhooks).")
    def post(self, request):
        data = WebhookEndpointCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(by=request.member, **data.validated_data)
        return Response(WebhookEndpointSecretSerializer(endpoint).data, status=201)


class WebhookEndpointDetailApi(APIView):
    permission_classes = [IsOrganizationAdmin]

    @extend_schema(summary="A webhook endpoint (administrators)", responses=WebhookEndpointOutputSerializer)
    def get(self, request, pk: int):
        endpoint = selectors.get_webhook_endpoint_for_member(request.member, pk)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(summary="Change a webhook endpoint, or enable or disable it (administrators)",
                   request=WebhookEndpointUpdateInputSerializer, responses=WebhookEndpointOutputSerializer)
    def patch(self, request, pk: int):
        endpoint = selectors.get_webhook_endpoint_for_member(request.member, pk)
        data = WebhookEndpointUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(by=request.member, endpoint=endpoint, data=data.validated_data)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(summary="Delete a webhook endpoint and its delivery log (administrators)", responses={204: None})
    def delete(self, request, pk: int):
        endpoint = selectors.get_webhook_endpoint_for_member(request.member, pk)
        services.webhook_endpoint_delete(by=request.member, endpoint=endpoint)
        return Response(status=204)


class WebhookSecretRotateApi(APIView):
    permission_classes = [IsOrganizationAdmin]

    @extend_schema(summary="Rotate the signing secret (administrators)", request=None,
                   responses={200: WebhookEndpointSecretSerializer},
                   description="The answer holds the new secret, shown this once. For 24 hours each delivery "
                               "carries two signatures, by the new and the previous secret, so receivers switch "
                               "without losing an event.")
    def post(self, request, pk: int):
        endpoint = selectors.get_webhook_endpoint_for_member(request.member, pk)
        endpoint, _secret = services.webhook_secret_rotate(by=request.member, endpoint=endpoint)
        return Response(WebhookEndpointSecretSerializer(endpoint).data)


class WebhookEndpointTestApi(APIView):
    permission_classes = [IsOrganizationAdmin]

    @extend_schema(summary="Send a test event (administrators)", request=None,
                   responses={202: WebhookDeliveryOutputSerializer},
                   description="A `webhook.test` event, delivered by the worker like any other.")
    def post(self, request, pk: int):
        endpoint = selectors.get_webhook_endpoint_for_member(request.member, pk)
        delivery = services.webhook_endpoint_test(by=request.member, endpoint=endpoint)
        return Response(WebhookDeliveryOutputSerializer(delivery).data, status=202)


class WebhookDeliveryListApi(generics.ListAPIView):
    """An endpoint's delivery log (kept 30 days; administrators only), oldest change first
    (cursor-paginated): status, attempts, the endpoint's answer (status, latency, an excerpt)."""

    permission_classes = [IsOrganizationAdmin]
    serializer_class = WebhookDeliveryOutputSerializer
    filterset_class = WebhookDeliveryFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        endpoint = selectors.get_webhook_endpoint_for_member(self.request.member, self.kwargs["pk"])
        return selectors.webhook_delivery_list(member=self.request.member, endpoint=endpoint)


class WebhookDeliveryRedeliverApi(APIView):
    permission_classes = [IsOrganizationAdmin]

    @extend_schema(summary="Send a delivered or failed event again (administrators)", request=None,
                   responses={202: WebhookDeliveryOutputSerializer},
                   description="A new delivery of the same event, with the same `webhook-id`.")
    def post(self, request, delivery_id: int):
        delivery = selectors.get_webhook_delivery_for_member(request.member, delivery_id)
        again = services.webhook_delivery_redeliver(by=request.member, delivery=delivery)
        return Response(WebhookDeliveryOutputSerializer(again).data, status=202)
