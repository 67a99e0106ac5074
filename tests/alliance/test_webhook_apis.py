"""The webhook API: administrators only (403 for any other token), another organization's endpoint a 404,
the secret only in the answer of the creation and of a rotation; the event catalog in the schema."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alliance.models import WebhookDelivery
from alliance.registry import webhook_events
from alliance.webhooks.delivery import webhooks_dispatch
from tests.alliance.webhook_receiver import Receiver

CATALOG = {
    "tour.proposed", "tour.accepted", "tour.amended", "tour.ended", "checkpoint.scheduled", "checkpoint.moved",
    "checkpoint.held", "first_conversation.opened", "next_tour.planned", "expense.submitted", "expense.approved",
    "expense.refused", "expense.reimbursed", "exit.started", "exit.completed", "alumnus.joined", "referral.created",
    "referral.hired", "lead.created", "member.created", "member.updated",
}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def create(api, receiver, **extra):
    body = {"url": receiver.url, "event_types": ["member.updated", "tour.accepted"], "description": "CRM", **extra}
    return api.post_json("/api/v1/webhook-endpoints/", body)


def test_the_catalog_is_registered():
    assert set(webhook_events()) == CATALOG


def test_an_admin_creates_reads_lists_changes_and_deletes_an_endpoint(org, admin, api_for, receiver):
    api = api_for(admin)
    created = create(api, receiver)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["tour.accepted", "member.updated"]
    assert body["created_at"].endswith("Z")
    path = f"/api/v1/webhook-endpoints/{body['id']}/"
    read = api.get(path).json()
    assert "secret" not in read and read["url"] == receiver.url
    listed = api.get("/api/v1/webhook-endpoints/").json()["results"]
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]
    assert api.get("/api/v1/webhook-endpoints/?updated_since=2999-01-01T00:00:00Z").json()["results"] == []
    changed = api.patch_json(path, {"enabled": False, "description": "Paused"})
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_the_secret_is_shown_once_and_a_rotation_shows_the_new_one(org, admin, api_for, receiver):
    api = api_for(admin)
    body = create(api, receiver).json()
    rotated = api.post_json(f"/api/v1/webhook-endpoints/{body['id']}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"] and rotated.json()["secret_rotated_until"].endswith("Z")
    assert "secret" not in api.get(f"/api/v1/webhook-endpoints/{body['id']}/").json()


@pytest.mark.parametrize("field, value", [
    ("url", "ftp://example.com/x"), ("url", "https://10.1.2.3/x"), ("event_types", []),
    ("event_types", ["tour.exploded"]), ("event_types", ["member.updated"] * 41), ("description", "x" * 201),
    ("url", "https://example.com/" + "x" * 500),
])
def test_bad_input_is_a_400_and_changes_nothing(settings, org, admin, api_for, receiver, field, value):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    answer = create(api_for(admin), receiver, **{field: value})
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    assert api_for(admin).get("/api/v1/webhook-endpoints/").json()["results"] == []


@pytest.mark.parametrize("role", ["hr", "manager", "employee"])
def test_anyone_but_an_administrator_is_refused(request, org, admin, api_for, receiver, role):
    endpoint = create(api_for(admin), receiver).json()["id"]
    api = api_for(request.getfixturevalue(role))
    for method, path in (("get", "/api/v1/webhook-endpoints/"), ("post", "/api/v1/webhook-endpoints/"),
                         ("get", f"/api/v1/webhook-endpoints/{endpoint}/"),
                         ("patch", f"/api/v1/webhook-endpoints/{endpoint}/"),
                         ("delete", f"/api/v1/webhook-endpoints/{endpoint}/"),
                         ("post", f"/api/v1/webhook-endpoints/{endpoint}/rotate-secret/"),
                         ("post", f"/api/v1/webhook-endpoints/{endpoint}/test/"),
                         ("get", f"/api/v1/webhook-endpoints/{endpoint}/deliveries/")):
        answer = getattr(api, method)(path, content_type="application/json")
        assert answer.status_code == 403, (method, path, answer.content)


def test_another_organizations_endpoint_is_a_404(org, admin, outsider, api_for, receiver):
    theirs = create(api_for(outsider), receiver).json()["id"]
    api = api_for(admin)
    for method, path in (("get", f"/api/v1/webhook-endpoints/{theirs}/"),
                         ("patch", f"/api/v1/webhook-endpoints/{theirs}/"),
                         ("delete", f"/api/v1/webhook-endpoints/{theirs}/"),
                         ("post", f"/api/v1/webhook-endpoints/{theirs}/rotate-secret/"),
                         ("post", f"/api/v1/webhook-endpoints/{theirs}/test/"),
                         ("get", f"/api/v1/webhook-endpoints/{theirs}/deliveries/")):
        answer = api.get(path) if method == "get" else getattr(api, method)(path, data="{}",
                                                                             content_type="application/json")
        assert answer.status_code == 404, (method, path, answer.content)
    assert api.get("/api/v1/webhook-endpoints/").json()["results"] == []


def test_test_event_delivery_log_and_redeliver(org, admin, outsider, api_for, receiver):
    api = api_for(admin)
    body = create(api, receiver).json()
    receiver.secrets.append(body["secret"])
    tested = api.post_json(f"/api/v1/webhook-endpoints/{body['id']}/test/")
    assert tested.status_code == 202 and tested.json()["event_type"] == "webhook.test"
    webhooks_dispatch()
    log = api.get(f"/api/v1/webhook-endpoints/{body['id']}/deliveries/").json()["results"]
    assert [(row["event_type"], row["status"], row["response_status"]) for row in log] == [
        ("webhook.test", "delivered", 200)]
    again = api.post_json(f"/api/v1/webhook-deliveries/{log[0]['id']}/redeliver/")
    assert again.status_code == 202 and again.json()["event_id"] == log[0]["event_id"]
    webhooks_dispatch()
    assert [item.verified_with for item in receiver.received] == [[body["secret"]]] * 2
    # Another organization's admin: the delivery is not theirs.
    assert api_for(outsider).post_json(f"/api/v1/webhook-deliveries/{log[0]['id']}/redeliver/").status_code == 404
    with tenancy.tenant_context(org.pk):
        assert WebhookDelivery.objects.count() == 2


def test_the_schema_documents_the_endpoints_and_the_event_catalog(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/webhook-endpoints/", "/api/v1/webhook-endpoints/{id}/",
            "/api/v1/webhook-endpoints/{id}/rotate-secret/", "/api/v1/webhook-endpoints/{id}/test/",
            "/api/v1/webhook-endpoints/{id}/deliveries/",
            "/api/v1/webhook-deliveries/{delivery_id}/redeliver/"} <= set(schema["paths"])
    assert CATALOG | {"webhook.test"} == set(schema["x-webhooks"])
    body = schema["x-webhooks"]["tour.accepted"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    envelope = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert {"id", "type", "timestamp", "version", "organization", "data"} <= set(envelope["properties"])
    checkpoint = schema["x-webhooks"]["checkpoint.held"]["post"]["requestBody"]["content"]["application/json"]
    data_ref = schema["components"]["schemas"][checkpoint["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"]["data"]
    data = schema["components"]["schemas"][data_ref.get("$ref", data_ref.get("allOf", [{}])[0].get("$ref", ""))
                                           .rsplit("/", 1)[-1]]
    assert "private_note" not in data["properties"] and "manager_notes" in data["properties"]
