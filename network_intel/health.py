"""The network's payback on the alliance's health page (``alliance.health``) and a manager's expenses to
approve: set-based statements over the expenses, intel notes and introductions of the scope."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from alliance.health import HealthFigure, HealthScope, fetch, percent_text, share
from alliance.registry import TodoItem
from network_intel.selectors.fund import fund_policy, period_bounds

SECTION = "Network payback"
TODO_SHOWN = 20
ZERO = Decimal("0.00")

_FUND_BY_TEAM = """
WITH people AS (
    SELECT m.id, m.team, m.role FROM alliance_membership m
    WHERE m.organization_id = %s AND m.status = 'active' AND {scope}
), budgets AS (
    SELECT p.team, COUNT(*) AS heads, SUM(COALESCE(
        (SELECT o.amount FROM network_intel_fundoverride o
         WHERE o.organization_id = %s AND o.team <> '' AND o.team = p.team ORDER BY o.id LIMIT 1),
        (SELECT o.amount FROM network_intel_fundoverride o
         WHERE o.organization_id = %s AND o.team = '' AND o.role = p.role ORDER BY o.id LIMIT 1),
        %s)) AS budget
    FROM people p GROUP BY p.team
), spent AS (
    SELECT m.team, SUM(e.amount_org) AS spent FROM network_intel_expense e
    JOIN alliance_membership m ON m.organization_id = e.organization_id AND m.id = e.member_id
    WHERE e.organization_id = %s AND e.spent_on >= %s AND e.spent_on < %s AND e.state IN ('approved', 'reimbursed')
      AND {expense_scope}
    GROUP BY m.team
)
SELECT COALESCE(b.team, s.team), COALESCE(b.heads, 0), COALESCE(b.budget, 0), COALESCE(s.spent, 0)
FROM budgets b FULL JOIN spent s ON s.team = b.team ORDER BY 1
"""


def fund_spend(scope: HealthScope) -> HealthFigure:
    policy = fund_policy(scope.organization_id)
    if policy is None:
        return HealthFigure("Networking fund: spend against budget", "bar", [], [], ["Team", "Members", "Budget",
                            "Spent", "Used"], [], note="The organization has no networking fund yet.")
    start, end = period_bounds(policy.period, scope.today)
    members, params = scope.members_sql("m.id")
    expense_members, expense_params = scope.members_sql("e.member_id")
    rows = fetch(_FUND_BY_TEAM.format(scope=members, expense_scope=expense_members),
                 [scope.organization_id, *params, scope.organization_id, scope.organization_id, policy.amount,
                  scope.organization_id, start, end, *expense_params])
    labels = [team or "(no team)" for team, *_ in rows]
    budget, spent = sum((r[2] for r in rows), ZERO), sum((r[3] for r in rows), ZERO)
    used = share(int(spent * 100), int(budget * 100))
    return HealthFigure(
        "Networking fund: spend against budget, this fund period", "bar", labels,
        [{"label": "Budget", "data": [float(r[2]) for r in rows]},
         {"label": "Spent", "data": [float(r[3]) for r in rows]}],
        ["Team", "Members", "Budget", "Spent", "Used"],
        [[label, heads, Decimal(b), Decimal(s), percent_text(share(int(s * 100), int(b * 100)))]
         for label, (_, heads, b, s) in zip(labels, rows, strict=True)],
        note=f"The fund's period {start.isoformat()} to {(end - timedelta(days=1)).isoformat()}, approved and "
             f"reimbursed expenses, in the organization's currency. Used: {percent_text(used)}.",
        headline=used, headline_label="fund used (%)")


_REPORT_BACK = """
SELECT COUNT(*), COUNT(e.note_id),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY n.created_at::date - e.spent_on) FILTER (WHERE n.id IS NOT NULL)
FROM network_intel_expense e
LEFT JOIN network_intel_intelnote n ON n.organization_id = e.organization_id AND n.id = e.note_id
WHERE e.organization_id = %s AND e.spent_on >= %s AND e.spent_on < %s AND e.state IN ('approved', 'reimbursed')
  AND {scope}
"""


def report_back(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("e.member_id")
    total, reported, median = fetch(_REPORT_BACK.format(scope=condition),
                                    [scope.organization_id, scope.start, scope.end, *params])[0]
    rate = share(reported, total)
    median_text = "—" if median is None else f"{round(median, 1)} days"
    return HealthFigure(
        "Report-back on funded meetings", "doughnut", ["Note shared", "No note yet"],
        [{"label": "Expenses", "data": [reported, total - reported]}], ["Expenses in the period", "Count"],
        [["Note shared", reported], ["No note yet", total - reported]],
        note=f"Report-back rate {percent_text(rate)}; median delay from the meeting to the note: {median_text}.",
        headline=rate, headline_label="report-back rate (%)")


_NOTES_BY_TEAM = """
WITH people AS (
    SELECT m.id, m.team FROM alliance_membership m
    WHERE m.organization_id = %s AND m.status = 'active' AND {scope}
), notes AS (
    SELECT n.author_id, COUNT(*) AS n FROM network_intel_intelnote n
    WHERE n.organization_id = %s AND n.created_at >= %s AND n.created_at < %s AND n.author_is_alumnus = false
      AND n.deleted_at IS NULL
    GROUP BY n.author_id
)
SELECT p.team, COUNT(*), COUNT(x.author_id), COALESCE(SUM(x.n), 0)
FROM people p LEFT JOIN notes x ON x.author_id = p.id GROUP BY p.team ORDER BY p.team
"""


def notes_by_team(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("m.id")
    rows = fetch(_NOTES_BY_TEAM.format(scope=condition),
                 [scope.organization_id, *params, scope.organization_id, scope.start_at, scope.end_at])
    labels = [team or "(no team)" for team, *_ in rows]
    per_member = [round(n / heads, 2) if heads else 0 for _, heads, _, n in rows]
    members, notes = sum(r[1] for r in rows), sum(r[3] for r in rows)
    return HealthFigure(
        "Intel notes per member, by team", "bar", labels, [{"label": "Notes per member", "data": per_member}],
        ["Team", "Members", "Members who wrote", "Notes", "Per member"],
        [[label, heads, writers, n, ratio] for label, (_, heads, writers, n), ratio
         in zip(labels, rows, per_member, strict=True)],
        note=f"{notes} notes by today's members in the period "
             f"({round(notes / members, 2) if members else 0} per member).",
        headline=notes, headline_label="intel notes written")


_INTRODUCTIONS = """
SELECT r.status, COUNT(*) FROM network_intel_introductionrequest r
WHERE r.organization_id = %s AND r.created_at >= %s AND r.created_at < %s AND {scope}
GROUP BY r.status
"""
INTRODUCTION_LABELS = {"accepted": "Introductions made", "pending": "Waiting for an answer", "declined": "Declined"}


def introductions(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("r.requester_id")
    counts = dict(fetch(_INTRODUCTIONS.format(scope=condition),
                        [scope.organization_id, scope.start_at, scope.end_at, *params]))
    labels = list(INTRODUCTION_LABELS.values())
    values = [counts.get(key, 0) for key in INTRODUCTION_LABELS]
    return HealthFigure(
        "Introductions asked in the period", "bar", labels, [{"label": "Introductions", "data": values}],
        ["Introductions", "Count"], [[label, value] for label, value in zip(labels, values, strict=True)],
        headline=counts.get("accepted", 0), headline_label="introductions made")


_EXPENSES_TO_APPROVE = """
SELECT e.id, u.full_name, e.merchant, e.spent_on FROM network_intel_expense e
JOIN alliance_membership m ON m.organization_id = e.organization_id AND m.id = e.member_id
JOIN alliance_user u ON u.id = m.user_id
WHERE e.organization_id = %s AND e.state = 'submitted' AND m.manager_id = %s AND e.member_id <> %s
ORDER BY e.submitted_at, e.id LIMIT %s
"""


def expenses_to_approve(member) -> list[TodoItem]:
    url = reverse("network_intel:fund_approvals", args=[member.organization.slug])
    return [TodoItem("Expenses to approve", f"{name}: {merchant}", url, spent_on)
            for _, name, merchant, spent_on in fetch(_EXPENSES_TO_APPROVE,
                                                     [member.organization_id, member.pk, member.pk, TODO_SHOWN])]


def register() -> None:
    from alliance import registry

    for index, (key, compute) in enumerate((("fund_spend", fund_spend), ("report_back", report_back),
                                            ("intel_notes", notes_by_team), ("introductions", introductions))):
        registry.register_health_figure(key, SECTION, compute=compute, order=60 + index)
    registry.register_manager_todo("network_intel", items=expenses_to_approve, order=30)
