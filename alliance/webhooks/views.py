"""The administrators' webhook pages: the endpoints (register, change, disable, rotate the secret, test,
delete) and each endpoint's delivery log with "send again". Every write is a service of
alliance.webhooks.services, which refuses anyone but an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from alliance import confirm
from alliance.decorators import admin_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.webhooks import chat, selectors, services
from alliance.webhooks.forms import ChatConnectionForm, WebhookEndpointForm

LOG_SIZE = 50


def _endpoint_url(org_slug: str, endpoint_id: int) -> str:
    return reverse("webhook_endpoint", args=[org_slug, endpoint_id])


@admin_required
@require_http_methods(["GET", "POST"])
def webhook_endpoints(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The organization's endpoints, and the form that registers one (its secret shown once, here)."""
    form = WebhookEndpointForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.webhook_endpoint_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            form = WebhookEndpointForm()
    endpoints = selectors.webhook_endpoint_list(member=request.member)
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "alliance/webhooks/endpoints.html",
                  {"form": form, "endpoints": endpoints, "created": created, "secret": secret}, status=status)


def _detail(request: OrgRequest, endpoint, *, form=None, secret: str = "", status: int = 200) -> HttpResponse:
    if form is None:
        form = WebhookEndpointForm(initial={"url": endpoint.url, "description": endpoint.description,
                                            "event_types": endpoint.event_types})
    deliveries = list(selectors.webhook_delivery_list(member=request.member, endpoint=endpoint)
                      .only("id", "event_id", "event_type", "status", "attempts", "response_status", "latency_ms",
                            "response_excerpt", "last_error", "created_at", "next_attempt_at", "delivered_at")
                      [:LOG_SIZE])
    return render(request, "alliance/webhooks/endpoint.html",
                  {"endpoint": endpoint, "form": form, "deliveries": deliveries, "secret": secret,
                   "log_size": LOG_SIZE}, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def webhook_endpoint(request: OrgRequest, org_slug: str, endpoint_id: int) -> HttpResponse:
    """One endpoint: its settings (to change) and its delivery log, newest first."""
    endpoint = selectors.get_webhook_endpoint_for_member(request.member, endpoint_id)
    if request.method == "GET":
        return _detail(request, endpoint)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            services.webhook_endpoint_update(by=request.member, endpoint=endpoint, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The endpoint is saved.")
            return redirect(_endpoint_url(org_slug, endpoint.pk))
    return _detail(request, endpoint, form=form, status=400)


@admin_required
@require_POST
def webhook_endpoint_enable(request: OrgRequest, org_slug: str, endpoint_id: int) -> HttpResponse:
    """Enable (``enabled=1``) or disable (``enabled=0``) an endpoint."""
    endpoint = selectors.get_webhook_endpoint_for_member(request.member, endpoint_id)
    enabled = request.POST.get("enabled") == "1"
    if not enabled and not confirm.is_confirmed(request):
        return confirm.confirm_page(
            request, question=f"Disable the webhook endpoint {endpoint.url}?", action_label="Disable",
            back_url=_endpoint_url(org_slug, endpoint.pk),
            detail="It receives no event until you enable it again; events meanwhile are not sent to it.")
    try:
        services.webhook_endpoint_update(by=request.member, endpoint=endpoint, data={"enabled": enabled})
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The endpoint is enabled." if enabled else "The endpoint is disabled.")
    return redirect(_endpoint_url(org_slug, endpoint.pk))


@admin_required
@require_POST
def webhook_endpoint_rotate(request: OrgRequest, org_slug: str, endpoint_id: int) -> HttpResponse:
    """A new signing secret, shown once on the page this answers with."""
    endpoint = selectors.get_webhook_endpoint_for_member(request.member, endpoint_id)
    if not confirm.is_confirmed(request):
        return confirm.confirm_page(
            request, question=f"Rotate the signing secret of {endpoint.url}?", action_label="Rotate the secret",
            back_url=_endpoint_url(org_slug, endpoint.pk),
            detail="For 24 hours every delivery is signed with both the new and the old secret; then the old "
                   "one stops working. Put the new secret in your receiver within that time.")
    try:
        endpoint, secret = services.webhook_secret_rotate(by=request.member, endpoint=endpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_endpoint_url(org_slug, endpoint.pk))
    return _detail(request, endpoint, secret=secret)


@admin_required
@require_POST
def webhook_endpoint_test(request: OrgRequest, org_slug: str, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.get_webhook_endpoint_for_member(request.member, endpoint_id)
    try:
        services.webhook_endpoint_test(by=request.member, endpoint=endpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "A test event is on its way; its delivery shows below in a moment.")
    return redirect(_endpoint_url(org_slug, endpoint.pk))


@admin_required
@require_POST
def webhook_endpoint_delete(request: OrgRequest, org_slug: str, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.get_webhook_endpoint_for_member(request.member, endpoint_id)
    if not confirm.is_confirmed(request):
        return confirm.confirm_page(
            request, question=f"Delete the webhook endpoint {endpoint.url}?", action_label="Delete",
            back_url=_endpoint_url(org_slug, endpoint.pk),
            detail="It receives no more events, and its delivery log is deleted with it.")
    try:
        services.webhook_endpoint_delete(by=request.member, endpoint=endpoint)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_endpoint_url(org_slug, endpoint.pk))
    messages.success(request, "The endpoint is deleted.")
    return redirect("webhook_endpoints", org_slug=org_slug)


@admin_required
@require_POST
def webhook_delivery_redeliver(request: OrgRequest, org_slug: str, delivery_id: int) -> HttpResponse:
    delivery = selectors.get_webhook_delivery_for_member(request.member, delivery_id)
    try:
        services.webhook_delivery_redeliver(by=request.member, delivery=delivery)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The {delivery.event_type} event is on its way again.")
    return redirect(_endpoint_url(org_slug, delivery.endpoint_id))


# --- A person's Slack and Teams (on their notification preferences) --------------------------------------

def _chat_channel(channel: str) -> str:
    if channel not in chat.CHAT_CHANNELS:
        raise Http404("No such connection.")
    return channel


def chat_forms(member, data=None, *, bound_channel: str = "") -> list[dict]:
    """The Slack and Teams forms of the preferences page, each filled with the person's connection."""
    connections = chat.chat_connections_of(member)
    found = []
    for channel in chat.CHAT_CHANNELS:
        connection = connections.get(channel)
        initial = {"url": connection.url, "kinds": connection.event_types} if connection else {}
        form = ChatConnectionForm(data if channel == bound_channel else None, initial=initial, prefix=channel)
        found.append({"channel": channel, "label": chat.Channel(channel).label, "form": form,
                      "connection": connection})
    return found


@require_POST
def chat_connection(request: OrgRequest, org_slug: str, channel: str) -> HttpResponse:
    """Connect or change one's own Slack or Teams."""
    channel = _chat_channel(channel)
    form = ChatConnectionForm(request.POST, prefix=channel)
    if form.is_valid():
        try:
            chat.chat_connection_save(member=request.member, channel=channel, url=form.cleaned_data["url"],
                                      kinds=form.cleaned_data["kinds"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{chat.Channel(channel).label} is connected.")
            return redirect("notification_list", org_slug=org_slug)
    errors = "; ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    messages.error(request, f"{chat.Channel(channel).label} is not connected: {errors}")
    return redirect("notification_list", org_slug=org_slug)


@require_POST
def chat_connection_remove(request: OrgRequest, org_slug: str, channel: str) -> HttpResponse:
    channel = _chat_channel(channel)
    label = chat.Channel(channel).label
    if not confirm.is_confirmed(request):
        return confirm.confirm_page(request, question=f"Disconnect {label}?", action_label="Disconnect",
                                    back_url=reverse("notification_list", args=[org_slug]),
                                    detail="No more notifications go there until you connect it again.")
    chat.chat_connection_remove(member=request.member, channel=channel)
    messages.success(request, f"{label} is disconnected.")
    return redirect("notification_list", org_slug=org_slug)


@require_POST
def chat_connection_test(request: OrgRequest, org_slug: str, channel: str) -> HttpResponse:
    channel = _chat_channel(channel)
    try:
        chat.chat_connection_test(member=request.member, channel=channel)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A test message is on its way to {chat.Channel(channel).label}.")
    return redirect("notification_list", org_slug=org_slug)
