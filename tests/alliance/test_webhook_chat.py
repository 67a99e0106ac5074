"""A person's notifications in Slack and Microsoft Teams: the messages validated against the documented
structure of Block Kit and Adaptive Cards, delivered to a real local receiver by the webhooks' delivery
(retries, disabling after 3 days, safe targets), carrying a title and a link only — never a note's text."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.handoffs import TEAM_JOINED, tell
from alliance.models import Notification, WebhookDelivery, WebhookEndpoint
from alliance.webhooks import chat
from alliance.webhooks.delivery import webhooks_dispatch
from tests.alliance.webhook_receiver import Receiver

# Block Kit (api.slack.com/reference/block-kit): a message's ``text`` (the notification's fallback) and
# ``blocks``; a section's text object (mrkdwn or plain_text, at most 3000 characters); an actions block's
# button (plain_text of at most 75 characters, a url of at most 3000).
TEXT_OBJECT = {"type": "object", "required": ["type", "text"], "properties": {
    "type": {"enum": ["mrkdwn", "plain_text"]}, "text": {"type": "string", "minLength": 1, "maxLength": 3000}}}
BUTTON = {"type": "object", "required": ["type", "text"], "properties": {
    "type": {"const": "button"},
    "text": {"type": "object", "required": ["type", "text"], "properties": {
        "type": {"const": "plain_text"}, "text": {"type": "string", "minLength": 1, "maxLength": 75}}},
    "url": {"type": "string", "format": "uri", "maxLength": 3000}}}
SLACK = {"type": "object", "required": ["text", "blocks"], "properties": {
    "text": {"type": "string", "minLength": 1},
    "blocks": {"type": "array", "maxItems": 50, "items": {"oneOf": [
        {"type": "object", "required": ["type", "text"], "properties": {
            "type": {"const": "section"}, "text": TEXT_OBJECT}},
        {"type": "object", "required": ["type", "elements"], "properties": {
            "type": {"const": "actions"}, "elements": {"type": "array", "maxItems": 25, "items": BUTTON}}},
    ]}}}}
# Teams (learn.microsoft.com, "Create incoming webhooks"; adaptivecards.io): a message with one attachment of
# contentType application/vnd.microsoft.card.adaptive whose content is an AdaptiveCard: type, version, body
# elements (TextBlock: text) and actions (Action.OpenUrl: title, url).
TEAMS = {"type": "object", "required": ["type", "attachments"], "properties": {
    "type": {"const": "message"},
    "attachments": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["contentType", "content"], "properties": {
            "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
            "content": {"type": "object", "required": ["type", "version", "body"], "properties": {
                "type": {"const": "AdaptiveCard"}, "version": {"type": "string", "pattern": r"^1\.[0-6]$"},
                "body": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["type", "text"], "properties": {
                        "type": {"const": "TextBlock"}, "text": {"type": "string", "minLength": 1},
                        "wrap": {"type": "boolean"}}}},
                "actions": {"type": "array", "items": {
                    "type": "object", "required": ["type", "title", "url"], "properties": {
                        "type": {"const": "Action.OpenUrl"}, "title": {"type": "string"},
                        "url": {"type": "string", "format": "uri"}}}}}}}}}}}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def connect(member, channel: str, url: str, kinds=(TEAM_JOINED,)):
    with tenancy.tenant_context(member.organization_id):
        return chat.chat_connection_save(member=member, channel=channel, url=url, kinds=list(kinds))


def notify(member, title="Nia joined your team", body="Private: her salary is 100k"):
    with tenancy.tenant_context(member.organization_id):
        member.refresh_from_db()
        tell(recipient=member, kind=TEAM_JOINED, title=title, body=body, url=f"/o/{member.organization.slug}/")


def test_the_messages_follow_the_documented_structures():
    slack = chat.slack_message(title="Approve <b>5 & 6</b> " + "x" * 300, url="/o/acme/fund/")
    jsonschema.validate(slack, SLACK, format_checker=jsonschema.FormatChecker())
    assert slack["blocks"][0]["text"]["text"].startswith("*Approve &lt;b&gt;5 &amp; 6&lt;/b&gt;")
    assert slack["blocks"][1]["elements"][0]["url"] == "http://testserver/o/acme/fund/"
    teams = chat.teams_message(title="Approve an expense", url="/o/acme/fund/")
    jsonschema.validate(teams, TEAMS, format_checker=jsonschema.FormatChecker())
    assert teams["attachments"][0]["content"]["actions"][0]["url"] == "http://testserver/o/acme/fund/"


@pytest.mark.parametrize("channel, schema", [("slack", SLACK), ("teams", TEAMS)])
def test_a_chosen_notification_reaches_slack_or_teams_with_no_details(org, manager, receiver, channel, schema):
    connect(manager, channel, receiver.url)
    notify(manager)
    assert webhooks_dispatch()[0] == {"delivered": 1}
    [got] = receiver.received
    jsonschema.validate(got.event, schema)
    text = got.body.decode()
    assert "Nia joined your team" in text and "/o/acme/" in text
    assert "salary" not in text  # the body (details) stays in Alliance
    assert "webhook-signature" not in got.headers  # incoming webhooks verify nothing: nothing to sign
    with tenancy.tenant_context(org.pk):  # the bell and e-mail as before, beside it
        assert Notification.objects.filter(recipient=manager, kind=TEAM_JOINED).count() == 1


def test_only_the_chosen_kinds_and_only_ones_own(org, manager, employee, receiver):
    connect(manager, "slack", receiver.url, kinds=["checkpoint_upcoming"])
    notify(manager)
    notify(employee)
    assert webhooks_dispatch()[0] == {}
    assert receiver.received == []


def test_failures_are_retried_and_a_connection_failing_for_three_days_stops(org, manager, receiver):
    receiver.answer = lambda received: 500
    connection = connect(manager, "teams", receiver.url)
    notify(manager)
    assert webhooks_dispatch()[0] == {"retrying": 1}
    with tenancy.tenant_context(org.pk):
        WebhookEndpoint.objects.filter(pk=connection.pk).update(failing_since=timezone.now() - timedelta(days=4))
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    webhooks_dispatch()
    with tenancy.tenant_context(org.pk):
        connection.refresh_from_db()
        assert not connection.enabled
        told = Notification.objects.get(recipient=manager, kind="webhook_disabled")
        assert "Teams" in told.title and told.url == "/o/acme/notifications/"
    notify(manager)
    assert webhooks_dispatch()[0] == {}  # stopped: nothing more is sent
    connect(manager, "teams", receiver.url)  # saved again: it resumes
    with tenancy.tenant_context(org.pk):
        connection.refresh_from_db()
    assert connection.enabled and connection.failing_since is None


def test_a_private_address_is_refused_in_production(settings, org, manager):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
    for url in ("http://hooks.slack.com/services/T/B/X", "https://192.168.1.10/hook", "https://[fe80::1]/hook"):
        with pytest.raises(ApplicationError) as error:
            connect(manager, "slack", url)
        assert "url" in error.value.field_errors


def test_the_preferences_page_connects_tests_and_disconnects(org, manager, client_for, receiver):
    client = client_for(manager)
    page = client.get("/o/acme/notifications/").content.decode()
    assert "Connect Slack" in page and "Connect Microsoft Teams" in page
    answer = client.post("/o/acme/notifications/chat/slack/", {"slack-url": receiver.url,
                                                                "slack-kinds": [TEAM_JOINED]})
    assert answer.status_code == 302
    page = client.get("/o/acme/notifications/").content.decode()
    assert "Save Slack" in page and "connected" in page
    assert client.post("/o/acme/notifications/chat/slack/test/").status_code == 302
    webhooks_dispatch()
    assert "Alliance is connected" in receiver.received[0].body.decode()
    # Bad input: a message, nothing saved.
    client.post("/o/acme/notifications/chat/teams/", {"teams-url": "ftp://x", "teams-kinds": ["nonsense"]})
    with tenancy.tenant_context(org.pk):
        assert set(chat.chat_connections_of(manager)) == {"slack"}
    assert client.post("/o/acme/notifications/chat/pigeon/").status_code == 404
    assert client.post("/o/acme/notifications/chat/slack/disconnect/", {"confirmed": "1"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert chat.chat_connections_of(manager) == {}


def test_slack_and_teams_connections_are_not_webhooks_of_the_organization(org, admin, manager, api_for, receiver):
    connect(manager, "slack", receiver.url)
    assert api_for(admin).get("/api/v1/webhook-endpoints/").json()["results"] == []
