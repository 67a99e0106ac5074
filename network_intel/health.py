"""The network's payback on the alliance's health page (``alliance.health``) and a manager's expenses to
approve: set-based statements over the expenses, intel notes and introductions of the scope."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse

from alliance.health import HealthFigure, HealthScope, fetch, percent_text, share
from alliance.models import Membership
from alliance.registry import TodoItem
from network_intel.selectors.fund import fund_policy, period_bounds
from network_intel.selectors.notes import notes_visible_to

SECTION = "Network payback"
TODO_SHOWN = 20
ZERO = Decimal("0.00")
_PLACEHOLDER_ID = 987654321987  # one URL resolved, each row's id put in its place

_FUND_BY_TEAM = """
WITH people AS (
    SELECT m.id, m.team, m.role FROM alliance_membership m
    WHERE m.organization_id = %s AND m.status = 'active' AND {scope}
), team_amounts AS (
    SELECT DISTINCT ON (o.team) o.team, o.amount FROM network_intel_fundoverride o
    WHERE o.organization_id = %s AND o.team <> '' ORDER BY o.team, o.id
), role_amounts AS (
    SELECT DISTINCT ON (o.role) o.role, o.amount FROM network_intel_fundoverride o
    WHERE o.organization_id = %s AND o.team = '' ORDER BY o.role, o.id
), budgets AS (
    -- Each member's budget: their team's override, else their role's, else the policy's amount (the
    -- overrides read once and joined, not looked up per member).
    SELECT p.team, COUNT(*) AS heads, SUM(COALESCE(t.amount, r.amount, %s)) AS budget
    FROM people p LEFT JOIN team_amounts t ON t.team = p.team LEFT JOIN role_amounts r ON r.role = p.role
    GROUP BY p.team
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


MOST_READ_SHOWN = 10


def most_read_notes(scope: HealthScope) -> HealthFigure:
    """The notes opened by the most colleagues in the period (readers whose latest opening falls in it),
    among the notes of the scope's authors that the viewer may see: a note they may not see is not listed,
    nor counted in the note. One statement."""
    columns = ["Note", "Author", "Readers in the period"]
    if scope.viewer is None:
        return HealthFigure("Most-read intel notes in the period", "bar", [], [], columns, [])
    # The reads' own organization named too: their (organization, read_at, note) index then serves the period.
    notes = notes_visible_to(scope.viewer).filter(reads__organization_id=scope.organization_id,
                                                  reads__read_at__gte=scope.start_at, reads__read_at__lt=scope.end_at)
    if not scope.everyone:
        notes = notes.filter(author_id__in=list(scope.member_ids or ()))
    rows = list(notes.annotate(readers=Count("reads"), author_name=Subquery(
        Membership.objects.for_org(scope.organization_id).filter(pk=OuterRef("author_id"))
        .values("user__full_name")[:1]))
        .order_by("-readers", "-created_at", "-id").values_list("pk", "title", "author_name", "readers")
        [:MOST_READ_SHOWN])
    pattern = reverse("network_intel:note_detail", args=[scope.organization_slug, _PLACEHOLDER_ID])
    return HealthFigure(
        "Most-read intel notes in the period", "bar", [title for _, title, _, _ in rows],
        [{"label": "Readers", "data": [readers for *_, readers in rows]}], columns,
        [[title, author or "—", readers] for _, title, author, readers in rows],
        note=f"The {MOST_READ_SHOWN} notes opened by the most colleagues (each reader counted once, not the "
             "author), among the notes you may see.",
        links=[pattern.replace(str(_PLACEHOLDER_ID), str(note_id)) for note_id, *_ in rows])


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
                                            ("intel_notes", notes_by_team), ("most_read_notes", most_read_notes),
                                            ("introductions", introductions))):
        registry.register_health_figure(key, SECTION, compute=compute, order=60 + index)
    registry.register_manager_todo("network_intel", items=expenses_to_approve, order=30)
