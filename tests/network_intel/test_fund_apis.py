"""The networking fund's API: multipart receipts, the state changes, self-approval refused, constant lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance import tenancy
from network_intel.models import Expense, Receipt
from tests.network_intel.fund_factories import expense, joined_long_ago, pdf, png, policy, upload


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def test_create_with_multipart_receipts_and_walk_the_states(fund, api_for, employee, manager, hr):
    api = api_for(employee)
    response = api.post("/api/v1/expenses/", {
        "spent_on": yesterday(), "kind": "meal", "merchant": "Nopa", "amount": "48.20", "currency": "USD",
        "purpose": "Lunch with a founder", "submit": "true", "receipts": [png("a.png"), pdf("b.pdf")],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["amount_org"], body["receipt_count"]) == ("submitted", "48.20", 2)
    expense_id = body["id"]
    receipts = api.get(f"/api/v1/expenses/{expense_id}/receipts/").json()["results"]
    assert {r["content_type"] for r in receipts} == {"image/png", "application/pdf"}
    download = api_for(manager).get(f"/api/v1/expenses/{expense_id}/receipts/{receipts[0]['id']}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"

    assert api.post_json(f"/api/v1/expenses/{expense_id}/approve/").status_code == 403  # own expense
    approved = api_for(manager).post_json(f"/api/v1/expenses/{expense_id}/approve/")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    refused = api_for(hr).post_json(f"/api/v1/expenses/{expense_id}/reimburse/")
    assert refused.status_code == 400 and "report-back" in refused.json()["detail"]


def test_self_approval_is_refused_for_managers_hr_and_admins(fund, api_for, manager, hr, admin):
    for member in (manager, hr, admin):
        item = expense(member, submit=True)
        response = api_for(member).post_json(f"/api/v1/expenses/{item.pk}/approve/", {"acknowledge_over_budget": True})
        assert response.status_code == 403, member
        assert "Nobody approves their own expense" in response.json()["detail"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"currency": "ZZZ"}, "currency"),
    ({"amount": "-1.00"}, "amount"),
    ({"amount": "999999999.00"}, "amount"),
    ({"currency": "CHF"}, "exchange_rate"),
    ({"spent_on": "2999-01-01"}, "spent_on"),
])
def test_bad_input_is_a_400_and_saves_nothing(fund, api_for, employee, payload, field):
    data = {"spent_on": yesterday(), "kind": "coffee", "merchant": "Café", "amount": "8.00", "currency": "USD",
            "purpose": "x", **payload}
    response = api_for(employee).post_json("/api/v1/expenses/", data)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()


def test_a_renamed_script_is_refused(fund, api_for, employee):
    response = api_for(employee).post("/api/v1/expenses/", {
        "spent_on": yesterday(), "kind": "coffee", "merchant": "Café", "amount": "8.00", "currency": "USD",
        "purpose": "x", "receipts": [upload("receipt.jpg", b"#!/usr/bin/env python\nprint('hi')\n")]})
    assert response.status_code == 400 and "receipts" in response.json()["errors"]
    with tenancy.tenant_context(employee.organization_id):
        assert not Receipt.objects.exists()


def test_refuse_needs_a_reason_and_wrong_states_are_400(fund, api_for, employee, manager):
    item = expense(employee, submit=True)
    assert api_for(manager).post_json(f"/api/v1/expenses/{item.pk}/refuse/", {}).status_code == 400
    response = api_for(manager).post_json(f"/api/v1/expenses/{item.pk}/refuse/", {"reason": "Team lunch"})
    assert response.json()["refusal_reason"] == "Team lunch"
    assert api_for(manager).post_json(f"/api/v1/expenses/{item.pk}/approve/").status_code == 400
    assert api_for(employee).post_json(f"/api/v1/expenses/{item.pk}/withdraw/").status_code == 400


def test_balance_and_policy(fund, api_for, employee, manager, hr, teammate, outsider):
    expense(employee, amount="30.00", receipts=[png()], submit=True)
    mine = api_for(employee).get("/api/v1/fund/balance/").json()
    assert (mine["budget"], mine["pending"], mine["left"]) == ("100.00", "30.00", "70.00")
    assert api_for(manager).get("/api/v1/fund/balance/", {"member": employee.pk}).json()["pending"] == "30.00"
    assert api_for(teammate).get("/api/v1/fund/balance/", {"member": employee.pk}).status_code == 404
    assert api_for(outsider).get("/api/v1/fund/balance/", {"member": employee.pk}).status_code == 404
    assert api_for(employee).put("/api/v1/fund/policy/", '{"amount": "500"}',
                                 content_type="application/json").status_code == 403
    changed = api_for(hr).put("/api/v1/fund/policy/", '{"amount": "500", "cap_mode": "soft"}',
                              content_type="application/json")
    assert changed.status_code == 200 and changed.json()["amount"] == "500.00"
    assert api_for(employee).get("/api/v1/fund/policy/").json()["cap_mode"] == "soft"


def test_others_see_no_expense(fund, api_for, employee, teammate, outsider):
    item = expense(employee, receipts=[png()])
    with tenancy.tenant_context(employee.organization_id):
        receipt = Receipt.objects.get(expense=item)
    for who in (teammate, outsider):
        assert api_for(who).get(f"/api/v1/expenses/{item.pk}/").status_code == 404
        assert api_for(who).get(f"/api/v1/expenses/{item.pk}/receipts/{receipt.pk}/").status_code == 404
        assert api_for(who).post_json(f"/api/v1/expenses/{item.pk}/submit/").status_code == 404
    assert api_for(teammate).get("/api/v1/expenses/").json()["results"] == []


def test_the_list_runs_a_constant_number_of_queries(fund, api_for, hr, employee, django_assert_num_queries):
    api = api_for(hr)
    expense(employee, merchant="First", receipts=[png()])
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as one:
        assert len(api.get("/api/v1/expenses/").json()["results"]) == 1
    for n in range(6):
        expense(employee, merchant=f"Café {n}", days_ago=n + 2)
    with django_assert_num_queries(len(one)):
        response = api.get("/api/v1/expenses/", {"page_size": 5})
    assert len(response.json()["results"]) == 5 and response.json()["next"]
    assert api.get("/api/v1/expenses/", {"state": "submitted"}).json()["results"] == []


def test_link_an_existing_note_then_reimburse(fund, api_for, employee, manager, hr):
    from tests.network_intel.factories import note

    item = expense(employee, submit=True)
    api_for(manager).post_json(f"/api/v1/expenses/{item.pk}/approve/")
    private = note(employee, visibility="private")
    shared = note(employee, title="Initech's roadmap", visibility="team")
    api = api_for(employee)
    assert api.post_json(f"/api/v1/expenses/{item.pk}/note/", {"note": private.pk}).status_code == 400
    assert api_for(manager).post_json(f"/api/v1/expenses/{item.pk}/note/", {"note": shared.pk}).status_code == 400
    linked = api.post_json(f"/api/v1/expenses/{item.pk}/note/", {"note": shared.pk})
    assert linked.status_code == 200 and linked.json()["note"] == shared.pk
    paid = api_for(hr).post_json(f"/api/v1/expenses/{item.pk}/reimburse/")
    assert paid.status_code == 200 and paid.json()["state"] == "reimbursed"


def test_a_draft_is_changed_and_deleted_by_its_member_only(fund, api_for, employee, manager, org):
    draft = expense(employee, amount="12.00")
    api = api_for(employee)
    changed = api.patch_json(f"/api/v1/expenses/{draft.pk}/", {"amount": "14.50", "merchant": "Tartine"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["amount"], changed.json()["merchant"], changed.json()["state"]) == ("14.50", "Tartine",
                                                                                             "draft")
    for payload, field in (({"amount": "-3"}, "amount"), ({"merchant": 5}, "merchant"),
                           ({"currency": "ZZZ"}, "currency")):
        bad = api.patch_json(f"/api/v1/expenses/{draft.pk}/", payload)
        assert bad.status_code == 400 and field in bad.json()["errors"], payload
    assert api.get(f"/api/v1/expenses/{draft.pk}/").json()["amount"] == "14.50"
    # Someone else's draft: the manager may see it, but not change or delete it.
    assert api_for(manager).patch_json(f"/api/v1/expenses/{draft.pk}/", {"amount": "1.00"}).status_code == 403
    assert api_for(manager).delete(f"/api/v1/expenses/{draft.pk}/").status_code == 403

    submitted = expense(employee, amount="9.00", submit=True, merchant="Sightglass")
    assert api.patch_json(f"/api/v1/expenses/{submitted.pk}/", {"amount": "90.00"}).status_code == 403
    assert api.delete(f"/api/v1/expenses/{submitted.pk}/").status_code == 403

    assert api.delete(f"/api/v1/expenses/{draft.pk}/").status_code == 204
    assert api.get(f"/api/v1/expenses/{draft.pk}/").status_code == 404
    with tenancy.tenant_context(org.pk):
        assert list(Expense.objects.values_list("pk", "amount")) == [(submitted.pk, submitted.amount)]


# --- Schema conformance (issue #22, item 11) ----------------------------------------------------------------

def test_adding_receipts_answers_the_list_the_schema_documents(fund, api_for, employee, client):
    """The schema documented a page; the answer is the receipts added, a plain list, and now it says so."""
    import yaml

    item = expense(employee)
    response = api_for(employee).post(f"/api/v1/expenses/{item.pk}/receipts/", {"receipts": [png("c.png")]})
    assert response.status_code == 201, response.content
    added = response.json()
    assert isinstance(added, list) and [r["original_name"] for r in added] == ["c.png"]
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    answer = schema["paths"]["/api/v1/expenses/{id}/receipts/"]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/ReceiptOutput"}}
    listed = schema["paths"]["/api/v1/expenses/{id}/receipts/"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["$ref"].endswith("PaginatedReceiptOutputList")


def test_a_multipart_write_refuses_unknown_fields_and_takes_true_or_false(fund, api_for, employee):
    api = api_for(employee)
    data = {"spent_on": yesterday(), "kind": "meal", "merchant": "Nopa", "amount": "8.20", "currency": "USD",
            "purpose": "Lunch"}
    unknown = api.post("/api/v1/expenses/", {**data, "tip": "2.00", "receipts": [png("a.png")]})
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["tip"]
    loose = api.post("/api/v1/expenses/", {**data, "submit": "1"})
    assert loose.status_code == 400 and loose.json()["errors"]["submit"] == ["Give true or false."]
    assert api.post_json("/api/v1/expenses/", {**data, "submit": 1}).status_code == 400
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()
    taken = api.post("/api/v1/expenses/", {**data, "submit": "false"})
    assert taken.status_code == 201 and taken.json()["state"] == "draft"
    item = taken.json()["id"]
    extra = api.post(f"/api/v1/expenses/{item}/receipts/", {"receipts": [png("b.png")], "note": "x"})
    assert extra.status_code == 400 and list(extra.json()["errors"]) == ["note"]
    with tenancy.tenant_context(employee.organization_id):
        assert not Receipt.objects.filter(expense_id=item).exists()
