"""Reading an organization's webhook endpoints and their delivery log (administrators only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from alliance.models import Membership, WebhookDelivery, WebhookEndpoint
from alliance.rights import can_administer

NOT_FOUND = "No such webhook endpoint."


def webhook_endpoint_list(*, member: Membership) -> QuerySet[WebhookEndpoint]:
    """The organization's endpoints, oldest first; none for anyone but an administrator."""
    if not can_administer(member):
        return WebhookEndpoint.objects.none()
    return (WebhookEndpoint.objects.for_org(member.organization_id).filter(channel=WebhookEndpoint.Channel.WEBHOOK)
            .order_by("created_at", "id"))


def get_webhook_endpoint_for_member(member: Membership, endpoint_id: int) -> WebhookEndpoint:
    found = webhook_endpoint_list(member=member).filter(pk=endpoint_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def webhook_delivery_list(*, member: Membership, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first."""
    if not can_administer(member) or endpoint.organization_id != member.organization_id:
        return WebhookDelivery.objects.none()
    return (WebhookDelivery.objects.for_org(member.organization_id).filter(endpoint_id=endpoint.pk)
            .order_by("-created_at", "-id"))


def get_webhook_delivery_for_member(member: Membership, delivery_id: int) -> WebhookDelivery:
    if not can_administer(member):
        raise Http404("No such delivery.")
    found = (WebhookDelivery.objects.for_org(member.organization_id).select_related("endpoint")
             .filter(pk=delivery_id, endpoint__channel=WebhookEndpoint.Channel.WEBHOOK).first())
    if found is None:
        raise Http404("No such delivery.")
    return found
