"""Retries are safe: every API POST accepts an Idempotency-Key (alliance/idempotency.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test.client import encode_multipart
from django.utils import timezone

from alliance import tenancy
from alliance.idempotency import idempotent_requests_prune
from alliance.models import IdempotentRequest
from network_intel.models import Expense, Receipt
from tests.helpers import ApiClient
from tests.network_intel.fund_factories import joined_long_ago, pdf_bytes, png, policy, upload

EXPENSE = {"spent_on": None, "kind": "meal", "merchant": "Nopa", "amount": "18.20", "currency": "USD",
           "purpose": "Lunch with a founder", "submit": True}


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def expense_data(**changes) -> dict:
    return {**EXPENSE, "spent_on": (timezone.localdate() - timedelta(days=1)).isoformat(), **changes}


def expenses_of(member) -> int:
    with tenancy.tenant_context(member.organization_id):
        return Expense.objects.filter(member=member).count()


def test_the_same_key_twice_submits_one_expense_and_answers_the_same(fund, api_for, employee):
    api = api_for(employee)
    key = str(uuid.uuid4())
    first = api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    again = api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Security-Policy"]  # a replay is an API answer like any other
    assert expenses_of(employee) == 1
    assert first.json()["state"] == "submitted"


def test_the_same_key_with_another_body_is_a_422_and_changes_nothing(fund, api_for, employee):
    api = api_for(employee)
    api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "k-1"})
    other = api.post_json("/api/v1/expenses/", expense_data(amount="19.00"), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["errors"]
    elsewhere = api.post_json("/api/v1/tours/", {}, headers={"Idempotency-Key": "k-1"})
    assert elsewhere.status_code == 422  # another path is another request
    assert expenses_of(employee) == 1


def test_a_key_belongs_to_its_token(fund, employee):
    from tests.alliance.factories import make_api_token

    first, second = ApiClient(make_api_token(employee)), ApiClient(make_api_token(employee))
    assert first.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "same"}).status_code == 201
    answer = second.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "same"})
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer
    assert expenses_of(employee) == 2


def test_without_a_key_every_post_does_the_work(fund, api_for, employee):
    api = api_for(employee)
    for _ in range(2):
        assert api.post_json("/api/v1/expenses/", expense_data()).status_code == 201
    assert expenses_of(employee) == 2
    with tenancy.tenant_context(employee.organization_id):
        assert not IdempotentRequest.objects.exists()


def test_a_refusal_is_kept_too_and_a_bad_key_is_a_400(fund, api_for, employee):
    api = api_for(employee)
    refused = api.post_json("/api/v1/expenses/", expense_data(amount="-1"), headers={"Idempotency-Key": "r"})
    assert refused.status_code == 400
    again = api.post_json("/api/v1/expenses/", expense_data(amount="-1"), headers={"Idempotency-Key": "r"})
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    for bad in ("x" * 256, " padded ", "naïve"):
        answer = api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": bad})
        assert answer.status_code == 400 and answer.json()["errors"]["Idempotency-Key"]
    assert expenses_of(employee) == 0


def test_a_multipart_retry_with_a_new_boundary_is_the_same_request(fund, api_for, employee):
    """HTTP clients draw a new multipart boundary for each attempt: the body is the same request."""
    api = api_for(employee)
    answers = []
    for boundary in ("first-attempt-3f9a", "second-attempt-77c1"):
        data = {**expense_data(submit="true", amount="48.20"), "receipts": [png("a.png"), upload("b.pdf", pdf_bytes())]}
        answers.append(api.post("/api/v1/expenses/", encode_multipart(boundary, data),
                                content_type=f"multipart/form-data; boundary={boundary}",
                                headers={"Idempotency-Key": "upload-1"}))
    assert answers[0].status_code == 201, answers[0].content
    assert answers[1]["Idempotent-Replayed"] == "true"
    with tenancy.tenant_context(employee.organization_id):
        assert Receipt.objects.count() == 2


def test_a_throttled_answer_is_not_kept(fund, api_for, employee, settings):
    api = api_for(employee)
    api.get("/api/v1/me/")
    settings.API_TOKEN_THROTTLE_RATE = "1/min"
    assert api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "t"}).status_code == 429
    settings.API_TOKEN_THROTTLE_RATE = "100000/min"
    assert api.post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "t"}).status_code == 201


def test_kept_answers_are_pruned_after_a_day(fund, api_for, employee):
    api_for(employee).post_json("/api/v1/expenses/", expense_data(), headers={"Idempotency-Key": "old"})
    assert idempotent_requests_prune(now=timezone.now() + timedelta(hours=23)) == 0
    assert idempotent_requests_prune(now=timezone.now() + timedelta(hours=26)) == 1


def test_the_schema_documents_the_key_on_every_post(client, db):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    posts = [operation for item in paths.values() for method, operation in item.items() if method == "post"]
    assert posts
    for operation in posts:
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])
        assert "422" in operation["responses"]
        success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"]
