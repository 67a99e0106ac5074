"""The networking fund's events for webhooks (alliance.webhooks): sent by network_intel.services."""

from __future__ import annotations


def register() -> None:
    from alliance.registry import register_webhook_event as event
    from network_intel.apis.expenses import ExpenseOutputSerializer

    expense = {"serializer": ExpenseOutputSerializer, "resource": "expense"}
    event("expense.submitted", description="A member submitted an expense for approval.", order=40, **expense)
    event("expense.approved", description="An approver approved an expense.", order=41, **expense)
    event("expense.refused", description="An approver refused an expense (see `refusal_reason`).", order=42,
          **expense)
    event("expense.reimbursed", description="HR marked an expense reimbursed.", order=43, **expense)
