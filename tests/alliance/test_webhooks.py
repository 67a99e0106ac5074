"""Webhooks against a real receiver on 127.0.0.1 (tests/alliance/webhook_receiver.py): signed per Standard
Webhooks, at least once, in order per resource, retried with backoff, an endpoint disabled after failing
for 3 days, never to another organization, never to a private address in production; the API's rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import NotAllowed
from alliance.models import Notification, WebhookDelivery, WebhookEndpoint
from alliance.services import membership_update
from alliance.webhooks import services
from alliance.webhooks.delivery import retry_delay, webhook_deliveries_prune, webhooks_dispatch
from alliance.webhooks.outbound import UnsafeTarget, check_url, post_json
from tests.alliance.webhook_receiver import Receiver


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def endpoint_for(admin, receiver, types=("member.updated", "member.created")) -> WebhookEndpoint:
    with tenancy.tenant_context(admin.organization_id):
        endpoint, secret = services.webhook_endpoint_create(by=admin, url=receiver.url, event_types=list(types),
                                                            description="CRM sync")
    receiver.secrets.append(secret)
    return endpoint


def change_title(admin, member, title: str) -> None:
    with tenancy.tenant_context(admin.organization_id):
        member.refresh_from_db()
        membership_update(membership=member, by=admin, role=member.role, manager=member.manager, title=title,
                          team=member.team)


def set_rows(org, model, filters: dict, **values) -> int:
    with tenancy.tenant_context(org.pk):
        return model.objects.filter(**filters).update(**values)


def fresh(row):
    with tenancy.tenant_context(row.organization_id):
        row.refresh_from_db()
    return row


def deliveries(org, **filters):
    with tenancy.tenant_context(org.pk):
        return list(WebhookDelivery.objects.filter(**filters).order_by("id"))


def test_an_event_reaches_the_endpoint_signed_with_its_secret(org, admin, employee, receiver):
    endpoint = endpoint_for(admin, receiver)
    change_title(admin, employee, "Staff engineer")
    assert webhooks_dispatch()[0] == {"delivered": 1}
    [got] = receiver.received
    assert got.verified_with == receiver.secrets  # standardwebhooks.Webhook(secret).verify accepted it
    event = got.event
    assert got.headers["webhook-id"] == event["id"] and event["id"].startswith("evt_")
    assert event["type"] == "member.updated" and event["organization"] == "acme" and event["version"] == 1
    assert event["timestamp"].endswith("Z")
    assert event["data"]["id"] == employee.pk and event["data"]["title"] == "Staff engineer"
    [delivery] = deliveries(org, endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert delivery.latency_ms is not None and delivery.response_excerpt == "answered 200"


def test_the_payload_is_what_the_api_answers_for_the_resource(org, admin, employee, receiver, api_for):
    endpoint_for(admin, receiver)
    change_title(admin, employee, "Principal")
    webhooks_dispatch()
    api = api_for(admin).get(f"/api/v1/members/{employee.pk}/").json()
    data = receiver.events()[0]["data"]
    assert {key: value for key, value in data.items() if key != "updated_at"} == {
        key: value for key, value in api.items() if key != "updated_at"}


def test_only_the_chosen_event_types_and_only_enabled_endpoints(org, admin, employee, receiver):
    endpoint = endpoint_for(admin, receiver, types=("member.created",))
    change_title(admin, employee, "Nothing sent")
    assert deliveries(org) == []
    with tenancy.tenant_context(org.pk):
        services.webhook_endpoint_update(by=admin, endpoint=endpoint, data={"event_types": ["member.updated"],
                                                                            "enabled": False})
    change_title(admin, employee, "Still nothing")
    assert deliveries(org) == []


def test_never_delivered_for_another_organization(org, admin, employee, outsider, receiver):
    other = Receiver().start()
    try:
        endpoint_for(outsider, other)
        endpoint_for(admin, receiver)
        change_title(admin, employee, "Acme only")
        webhooks_dispatch()
        assert other.received == [] and len(receiver.received) == 1
        assert {event["organization"] for event in receiver.events()} == {"acme"}
        with tenancy.tenant_context(outsider.organization_id):
            assert WebhookDelivery.objects.count() == 0  # row-level security: globex sees none of acme's
    finally:
        other.stop()


def test_a_failing_endpoint_is_retried_with_backoff_and_delivered_at_least_once(org, admin, employee, receiver):
    failures = {"left": 2}

    def answer(received):
        if failures["left"]:
            failures["left"] -= 1
            return 503
        return 204

    receiver.answer = answer
    endpoint = endpoint_for(admin, receiver)
    change_title(admin, employee, "Retried")
    assert webhooks_dispatch()[0] == {"retrying": 1}
    [delivery] = deliveries(org)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.response_status == 503
    assert delivery.next_attempt_at > timezone.now() and "503" in delivery.last_error
    assert webhooks_dispatch()[0] == {}  # not due yet: the backoff holds it
    for _ in range(2):
        set_rows(org, WebhookDelivery, {"pk": delivery.pk}, next_attempt_at=timezone.now())
        webhooks_dispatch()
    fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 204)
    assert len({item.headers["webhook-id"] for item in receiver.received}) == 1  # the same id on every retry
    fresh(endpoint)
    assert endpoint.failing_since is None and endpoint.enabled
    assert retry_delay(1) < retry_delay(2) < retry_delay(3) and retry_delay(30) == timedelta(hours=6)


def test_order_is_kept_per_resource(org, admin, employee, manager, receiver):
    down = {"on": True}
    receiver.answer = lambda received: 500 if down["on"] and received.event["data"]["id"] == employee.pk else 200
    endpoint_for(admin, receiver)
    for title in ("First", "Second", "Third"):
        change_title(admin, employee, title)
    change_title(admin, manager, "Other resource")
    webhooks_dispatch()
    # The first of the employee's events failed: their next two wait; the manager's is another resource.
    assert [item.event["data"]["title"] for item in receiver.received] == ["First", "Other resource"]
    assert [row.attempts for row in deliveries(org)] == [1, 0, 0, 1]
    down["on"] = False
    receiver.received.clear()
    for _ in range(3):
        set_rows(org, WebhookDelivery, {"status": "pending"}, next_attempt_at=timezone.now())
        webhooks_dispatch()
    assert [item.event["data"]["title"] for item in receiver.received] == ["First", "Second", "Third"]
    assert {row.status for row in deliveries(org)} == {"delivered"}


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_admins_told(org, admin, employee, receiver):
    receiver.answer = lambda received: 500
    endpoint = endpoint_for(admin, receiver)
    change_title(admin, employee, "One")
    change_title(admin, employee, "Two")
    webhooks_dispatch()
    fresh(endpoint)
    assert endpoint.enabled and endpoint.failing_since is not None
    # Three days later (simulated): still failing.
    set_rows(org, WebhookEndpoint, {"pk": endpoint.pk}, failing_since=timezone.now() - timedelta(days=3, minutes=1))
    set_rows(org, WebhookDelivery, {"status": "pending"}, next_attempt_at=timezone.now())
    webhooks_dispatch()
    fresh(endpoint)
    assert not endpoint.enabled and "3 days" in endpoint.disabled_reason
    assert {row.status for row in deliveries(org)} == {"failed"}
    with tenancy.tenant_context(org.pk):
        told = Notification.objects.filter(recipient=admin, kind="webhook_disabled")
        assert told.count() == 1 and f"/settings/webhooks/{endpoint.pk}/" in told.get().url
    change_title(admin, employee, "Three")
    assert len(deliveries(org)) == 2  # a disabled endpoint gets no new deliveries
    # Enabled again, it starts afresh.
    with tenancy.tenant_context(org.pk):
        services.webhook_endpoint_update(by=admin, endpoint=endpoint, data={"enabled": True})
    fresh(endpoint)
    assert endpoint.enabled and endpoint.failing_since is None and endpoint.disabled_reason == ""


def test_a_delivery_past_its_retry_time_fails(org, admin, employee, receiver):
    receiver.answer = lambda received: 500
    endpoint_for(admin, receiver)
    change_title(admin, employee, "Late")
    set_rows(org, WebhookDelivery, {}, give_up_at=timezone.now() - timedelta(seconds=1))
    assert webhooks_dispatch()[0] == {"failed": 1}


def test_redeliver_sends_the_same_event_again(org, admin, employee, receiver):
    endpoint_for(admin, receiver)
    change_title(admin, employee, "Again")
    webhooks_dispatch()
    [first] = deliveries(org)
    with tenancy.tenant_context(org.pk):
        again = services.webhook_delivery_redeliver(by=admin, delivery=first)
    webhooks_dispatch()
    assert again.event_id == first.event_id and again.pk != first.pk
    assert [item.headers["webhook-id"] for item in receiver.received] == [first.event_id, first.event_id]


def test_rotation_signs_with_old_and_new_secret_for_24_hours(org, admin, employee, receiver):
    endpoint = endpoint_for(admin, receiver)
    old = receiver.secrets[0]
    with tenancy.tenant_context(org.pk):
        endpoint, new = services.webhook_secret_rotate(by=admin, endpoint=endpoint)
    receiver.secrets.append(new)
    assert new != old and endpoint.previous_secret_expires_at - timezone.now() > timedelta(hours=23, minutes=59)
    change_title(admin, employee, "Rotated")
    webhooks_dispatch()
    assert receiver.received[-1].verified_with == [old, new]  # a receiver with either secret accepts it
    set_rows(org, WebhookEndpoint, {"pk": endpoint.pk}, previous_secret_expires_at=timezone.now())
    change_title(admin, employee, "A day later")
    webhooks_dispatch()
    assert receiver.received[-1].verified_with == [new]


def test_a_test_event(org, admin, receiver):
    endpoint = endpoint_for(admin, receiver)
    with tenancy.tenant_context(org.pk):
        services.webhook_endpoint_test(by=admin, endpoint=endpoint)
    webhooks_dispatch()
    assert receiver.types() == ["webhook.test"] and receiver.received[0].verified_with


def test_only_administrators_manage_endpoints(org, admin, hr, receiver):
    with tenancy.tenant_context(org.pk), pytest.raises(NotAllowed):
        services.webhook_endpoint_create(by=hr, url=receiver.url, event_types=["member.created"])


def test_old_deliveries_are_pruned(org, admin, employee, receiver):
    endpoint_for(admin, receiver)
    change_title(admin, employee, "Old")
    change_title(admin, employee, "New")
    webhooks_dispatch()
    old = deliveries(org)[0]
    set_rows(org, WebhookDelivery, {"pk": old.pk}, created_at=timezone.now() - timedelta(days=31))
    assert webhook_deliveries_prune() == 1
    assert len(deliveries(org)) == 1


# --- Safe outbound requests -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hooks", "https://10.0.0.5/hooks", "https://169.254.169.254/x",
                                 "https://[::1]/hooks", "ftp://example.com/x", "https://user:pw@example.com/x"])
def test_production_refuses_private_addresses_and_other_schemes(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
    assert check_url(url)
    with pytest.raises(UnsafeTarget):
        post_json(url, b"{}", headers={})


def test_a_name_resolving_to_a_private_address_is_refused_when_sending(settings, receiver):
    """``localhost`` passes the form check of an https URL, but resolves to 127.0.0.1 when sent: refused
    (a DNS answer that changes to a private address after the endpoint was saved is caught the same way)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
    port = receiver.server.server_address[1]
    assert check_url(f"https://localhost:{port}/hooks") == ""
    with pytest.raises(UnsafeTarget, match="private address"):
        post_json(f"https://localhost:{port}/hooks", b"{}", headers={})
    assert receiver.received == []


def test_a_private_target_fails_the_delivery_in_production(settings, org, admin, employee, receiver):
    endpoint = endpoint_for(admin, receiver)
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
    change_title(admin, employee, "Probe")
    webhooks_dispatch()
    assert receiver.received == []
    [delivery] = deliveries(org, endpoint=endpoint)
    assert delivery.status == "pending" and "UnsafeTarget" in delivery.last_error


def test_redirects_are_not_followed(receiver):
    def answer(received):
        return 302

    receiver.answer = answer
    got = post_json(receiver.url, b"{}", headers={})
    assert got.status == 302 and len(receiver.received) == 1
