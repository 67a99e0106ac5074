"""Submitting an expense while the mail server is down: saved, answered 201, the manager's e-mail waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import OutboundEmail
from alliance.outbox import outbox_dispatch
from network_intel.models import Expense
from tests.network_intel.fund_factories import joined_long_ago, policy


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def test_submitting_with_the_mail_down_is_a_201_and_the_email_is_sent_once_later(
        fund, api_for, employee, manager, mail_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(employee).post_json("/api/v1/expenses/", {
            "spent_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "kind": "coffee",
            "merchant": "Blue Bottle", "amount": "6.50", "currency": "USD", "purpose": "Coffee with a founder",
            "submit": True,
        })
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted"
    with tenancy.tenant_context(employee.organization_id):
        assert Expense.objects.get().state == "submitted"
        (row,) = OutboundEmail.objects.all()
    assert row.status == "pending" and row.to == [manager.user.email] and row.kind == "fund_expense"

    assert outbox_dispatch()[0] == {"retrying": 1}
    mail_server.start()
    with tenancy.cross_tenant(reason="test: the clock moves on"):
        OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert outbox_dispatch()[0] == {"sent": 1}
    assert outbox_dispatch()[0] == {}
    assert mail_server.recipients() == [manager.user.email]
