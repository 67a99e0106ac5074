"""The networking fund's part of the audit trail (alliance/history): the fund's policy (HR and admins) and
each expense, its approval and its reimbursement (HR, admins and the member who claimed it)."""

from __future__ import annotations

from alliance import registry


def register() -> None:
    registry.register_audited_model(
        "fund-policy", label="Fund policy", model="network_intel.FundPolicy",
        event_model="network_intel.FundPolicyEvent", label_sql="'Networking fund policy'", hr_only=True,
        url_name="network_intel:fund_settings", url_takes_id=False, order=40)
    registry.register_audited_model(
        "expense", label="Expense", model="network_intel.Expense", event_model="network_intel.ExpenseEvent",
        label_sql="r.merchant || ', ' || r.amount::text || ' ' || r.currency || ' (' || r.spent_on::text || ')'",
        owner_column="member_id", url_name="network_intel:expense_detail", order=41)
