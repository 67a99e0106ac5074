"""A person's notifications in Slack or Microsoft Teams, beside the bell and e-mail.

A person connects their own incoming webhook (Slack: an app's "Incoming Webhooks" URL; Teams: a channel's
workflow "Post to a channel when a webhook request is received") on their notification preferences, and
picks the notification kinds that go there. Each such notification becomes a delivery of a webhook endpoint
of theirs (``WebhookEndpoint`` with ``channel`` slack or teams and ``owner`` them), so it is written in the
change's transaction and sent by the same worker with the same retries, order, disabling after 3 days of
failures and safe requests (https, public addresses only) as the organization's webhooks.

A message carries the notification's title and a link back to the page, never its body: details (a private
note, an exit interview's answers, anything the bell shows) stay in Alliance, behind its sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import WEBHOOK_EVENT_TYPES_MAX, Membership, WebhookDelivery, WebhookEndpoint
from alliance.registry import notification_kinds
from alliance.webhooks.delivery import dispatch_after_commit
from alliance.webhooks.events import new_event_id
from alliance.webhooks.outbound import check_url

Channel = WebhookEndpoint.Channel
CHAT_CHANNELS = (Channel.SLACK, Channel.TEAMS)
TITLE_MAX = 200  # a notification's title is at most 200 characters
BUTTON = "Open in Alliance"


def _link(url: str) -> str:
    site = settings.SITE_URL.rstrip("/")
    return site + url if url.startswith("/") else (url or site + "/")


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn: &, < and > are control characters (links, mentions) and are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(*, title: str, url: str) -> dict:
    """A Block Kit message: the title in a section, a button back to the page (``text`` is the fallback
    notifications show)."""
    title = " ".join(title.split())[:TITLE_MAX]
    return {
        "text": title,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_slack_escape(title)}*"}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": BUTTON}, "url": _link(url)}]},
        ],
    }


def teams_message(*, title: str, url: str) -> dict:
    """A Teams message holding one Adaptive Card (1.4): the title, and an Action.OpenUrl back to the page."""
    title = " ".join(title.split())[:TITLE_MAX]
    return {
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": None,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}],
                "actions": [{"type": "Action.OpenUrl", "title": BUTTON, "url": _link(url)}],
            },
        }],
    }


MESSAGES = {Channel.SLACK: slack_message, Channel.TEAMS: teams_message}


def chat_forward(*, recipient: Membership, kind: str, title: str, url: str = "") -> int:
    """Write a message for each of the person's enabled Slack/Teams connections that takes ``kind``; returns
    how many. Called where a notification is given (alliance.handoffs.tell, the reminders' delivery), in the
    change's transaction."""
    connections = list(WebhookEndpoint.objects.for_org(recipient.organization_id)
                       .filter(owner_id=recipient.pk, channel__in=CHAT_CHANNELS, enabled=True,
                               event_types__contains=[kind]))
    now = timezone.now()
    rows = [WebhookDelivery(
        organization_id=recipient.organization_id, endpoint=connection, event_id=new_event_id(), event_type=kind,
        resource=f"person:{recipient.pk}", payload=MESSAGES[connection.channel](title=title, url=url),
        next_attempt_at=now, give_up_at=now + settings.WEBHOOKS_RETRY_FOR) for connection in connections]
    WebhookDelivery.objects.bulk_create(rows)
    if rows:
        dispatch_after_commit()
    return len(rows)


def chat_connections_of(member: Membership) -> dict[str, WebhookEndpoint]:
    """The person's connections by channel ("slack", "teams")."""
    return {connection.channel: connection for connection in WebhookEndpoint.objects.for_org(member.organization_id)
            .filter(owner_id=member.pk, channel__in=CHAT_CHANNELS)}


def _check_channel(channel: str) -> None:
    if channel not in CHAT_CHANNELS:
        raise ApplicationError("Choose Slack or Microsoft Teams.")


def clean_kinds(values) -> list[str]:
    kinds = notification_kinds()
    chosen = [kind for kind in kinds if kind in set(values or [])]
    unknown = set(values or []) - set(kinds)
    if unknown:
        raise field_error("kinds", "Unknown notification kind.")
    if len(chosen) > WEBHOOK_EVENT_TYPES_MAX:
        raise field_error("kinds", f"Choose at most {WEBHOOK_EVENT_TYPES_MAX}.")
    return chosen


@transaction.atomic
def chat_connection_save(*, member: Membership, channel: str, url: str, kinds: list[str]) -> WebhookEndpoint:
    """Connect (or change) one's own Slack or Teams incoming webhook and the kinds sent there; saving enables
    it again after it stopped."""
    _check_channel(channel)
    url = (url or "").strip()
    problem = check_url(url) if url else "Paste the incoming webhook's URL."
    if problem:
        raise field_error("url", problem)
    chosen = clean_kinds(kinds)
    connection = (WebhookEndpoint.objects.for_org(member.organization_id).select_for_update()
                  .filter(owner_id=member.pk, channel=channel).first())
    if connection is None:
        connection = WebhookEndpoint(organization_id=member.organization_id, owner=member, channel=channel,
                                     created_by=member, secret="")
    connection.url, connection.event_types = url, chosen
    connection.enabled, connection.failing_since, connection.disabled_reason = True, None, ""
    try:
        connection.full_clean(exclude=["organization", "owner", "created_by", "secret", "event_types"])
    except Exception as error:  # noqa: BLE001 - the model's own checks (the URL's form and length)
        raise field_error("url", "Give a valid https URL of at most 500 characters.") from error
    connection.save()
    return connection


@transaction.atomic
def chat_connection_remove(*, member: Membership, channel: str) -> int:
    """Disconnect one's Slack or Teams (its delivery log goes with it)."""
    _check_channel(channel)
    return WebhookEndpoint.objects.for_org(member.organization_id).filter(owner_id=member.pk,
                                                                           channel=channel).delete()[0]


@transaction.atomic
def chat_connection_test(*, member: Membership, channel: str) -> WebhookDelivery:
    """A test message to one's own connection."""
    _check_channel(channel)
    connection = chat_connections_of(member).get(channel)
    if connection is None or not connection.enabled:
        raise ApplicationError("Connect it first.")
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        organization_id=member.organization_id, endpoint=connection, event_id=new_event_id(), event_type="test",
        resource=f"person:{member.pk}", next_attempt_at=now, give_up_at=now + settings.WEBHOOKS_RETRY_FOR,
        payload=MESSAGES[connection.channel](title="Alliance is connected: chosen notifications arrive here.",
                                             url=f"/o/{member.organization.slug}/notifications/"))
    dispatch_after_commit()
    return delivery
