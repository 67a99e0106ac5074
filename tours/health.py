"""The tours' figures of the alliance's health page (``alliance.health``) and a manager's tour to-do.

Each figure is one or two set-based statements over indexes that lead with ``organization_id``
(tours by employee and status, checkpoints by time, amendments by tour and status), aggregated with
GROUP BY / FILTER in PostgreSQL: a constant number of queries whatever the number of tours.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.health import HealthFigure, HealthScope, fetch, percent_text, share
from alliance.registry import TodoItem
from tours.models import FirstConversation, Tour

SECTION_TOURS = "Tours of duty"
SECTION_CHECKPOINTS = "Checkpoints"
SECTION_NEXT = "Next tours and first conversations"
SECTION_RISK = "At risk"
DRAFT_STALE_DAYS = 30
NEXT_TOUR_WINDOW_DAYS = 90
AT_RISK_ENDING_DAYS = 60
AT_RISK_SHOWN = 200
RANKED_SHOWN = 20
TODO_SHOWN = 20
CHECKPOINT_SOON_DAYS = 14
DECIDED = list(Tour.DECIDED_PLANS)


def _days(n: int) -> timedelta:
    return timedelta(days=n)

# Tours that were agreed (and may since have ended): what coverage counted on a past day.
AGREED = ["active", "completed", "ended_early"]


_PLACEHOLDER_ID = 987654321987


def _tour_details(scope: HealthScope, tour_ids: list[int]) -> list[str]:
    """Each tour's page, resolving the URL once: 200 ``reverse`` calls cost 8 ms of the page."""
    pattern = reverse("tours:detail", args=[scope.organization_slug, _PLACEHOLDER_ID])
    return [pattern.replace(str(_PLACEHOLDER_ID), str(tour_id)) for tour_id in tour_ids]


# ---------------------------------------------------------------- coverage

_COVERAGE = """
WITH current AS (
    SELECT t.employee_id FROM tours_tour t
    WHERE t.organization_id = %s AND t.status = 'active' AND t.start_date <= %s
      AND (t.end_date IS NULL OR t.end_date >= %s)
)
SELECT m.team, COUNT(*), COUNT(c.employee_id)
FROM alliance_membership m LEFT JOIN current c ON c.employee_id = m.id
WHERE m.organization_id = %s AND m.status = 'active' AND {scope}
GROUP BY m.team ORDER BY m.team
"""
# The active tours read once (an employee has at most one) and joined to the members, rather than probed per
# member: 5,000 index probes cost more than one pass over the organization's active tours.
_STALE_DRAFTS = """
SELECT COUNT(*) FROM tours_tour t
WHERE t.organization_id = %s AND t.status = 'draft' AND t.created_at < %s AND {scope}
"""


def coverage(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("m.id")
    rows = fetch(_COVERAGE.format(scope=condition), [scope.organization_id, scope.today, scope.today,
                                                      scope.organization_id, *params])
    condition, params = scope.members_sql("t.employee_id")
    stale = fetch(_STALE_DRAFTS.format(scope=condition),
                  [scope.organization_id, scope.now - _days(DRAFT_STALE_DAYS), *params])[0][0]
    people, covered = sum(row[1] for row in rows), sum(row[2] for row in rows)
    labels = [team or "(no team)" for team, _, _ in rows]
    shares = [share(n, total) for _, total, n in rows]
    return HealthFigure(
        "Coverage: members with an agreed, current tour", "bar", labels,
        [{"label": "Share with a current tour (%)", "data": shares}],
        ["Team", "Active members", "With a current tour", "Share"],
        [[label, total, n, percent_text(s)] for label, (_, total, n), s in zip(labels, rows, shares, strict=True)],
        note=f"All teams: {covered} of {people} ({percent_text(share(covered, people))}). "
             f"Drafts older than {DRAFT_STALE_DAYS} days: {stale}.",
        headline=share(covered, people), headline_label="coverage (%)")


_COVERAGE_TREND = """
WITH days AS (
    SELECT month::date AS month, LEAST((month + interval '1 month - 1 day')::date, %s) AS day
    FROM generate_series(date_trunc('month', %s::date), date_trunc('month', %s::date), interval '1 month') month
), people AS (
    SELECT m.id, m.employment_started_on FROM alliance_membership m
    WHERE m.organization_id = %s AND m.status = 'active' AND {scope}
)
SELECT d.month, COUNT(p.id),
       COUNT(p.id) FILTER (WHERE EXISTS (
           SELECT 1 FROM tours_tour t WHERE t.organization_id = %s AND t.employee_id = p.id
           AND t.status = ANY(%s) AND t.start_date <= d.day AND (t.end_date IS NULL OR t.end_date >= d.day)))
FROM days d LEFT JOIN people p ON p.employment_started_on <= d.day
GROUP BY d.month ORDER BY d.month
"""


def coverage_trend(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("m.id")
    rows = fetch(_COVERAGE_TREND.format(scope=condition),
                 [scope.today, scope.start, scope.today, scope.organization_id, *params,
                  scope.organization_id, AGREED])
    labels = [month.strftime("%Y-%m") for month, _, _ in rows]
    shares = [share(n, people) for _, people, n in rows]
    return HealthFigure(
        "Coverage by month", "line", labels, [{"label": "Share with a current tour (%)", "data": shares}],
        ["Month", "Members by then", "With an agreed tour", "Share"],
        [[label, people, n, percent_text(s)] for label, (_, people, n), s in zip(labels, rows, shares, strict=True)],
        note="On the month's last day (today for this month), among today's active members who had started by then. "
             "One probe of the tours' (organization, employee, start) index per person and month.")


# ---------------------------------------------------------------- checkpoints

_CHECKPOINTS_KEPT = """
SELECT COUNT(*) FILTER (WHERE c.status = 'completed'),
       COUNT(*) FILTER (WHERE c.status = 'missed'),
       COUNT(*) FILTER (WHERE c.status = 'scheduled' AND c.scheduled_at < %s),
       COUNT(*) FILTER (WHERE c.status = 'scheduled' AND c.scheduled_at >= %s),
       COUNT(*) FILTER (WHERE c.status = 'cancelled')
FROM tours_checkpoint c
WHERE c.organization_id = %s AND c.scheduled_at >= %s AND c.scheduled_at < %s {scope}
"""
# Narrowed to a team or a subtree: the checkpoints of their tours. For the whole organization the statement
# leaves the probe out (a parameter saying "everyone" does not: the server plans it generically).
_CHECKPOINT_TOURS = """
  AND EXISTS (SELECT 1 FROM tours_tour t WHERE t.organization_id = c.organization_id AND t.id = c.tour_id
              AND t.employee_id = ANY(%s))"""


def checkpoints_kept(scope: HealthScope) -> HealthFigure:
    condition, params = ("", []) if scope.everyone else (_CHECKPOINT_TOURS, [list(scope.member_ids or ())])
    held, missed, overdue, coming, cancelled = fetch(
        _CHECKPOINTS_KEPT.format(scope=condition),
        [scope.now, scope.now, scope.organization_id, scope.start_at, scope.end_at, *params])[0]
    due = held + missed + overdue
    labels = ["Held", "Missed", "Overdue (not yet recorded)", "Still to come", "Cancelled"]
    values = [held, missed, overdue, coming, cancelled]
    return HealthFigure(
        "Checkpoints kept in the period", "doughnut", labels, [{"label": "Checkpoints", "data": values}],
        ["Checkpoints", "Count"], [[label, value] for label, value in zip(labels, values, strict=True)],
        note=f"Held {held} of {due} that were due ({percent_text(share(held, due))}).",
        headline=share(held, due), headline_label="checkpoints held (%)")


_OVERDUE_BY_MANAGER = """
SELECT t.manager_id, u.full_name, COUNT(*), MIN(c.scheduled_at)
FROM tours_checkpoint c JOIN tours_tour t ON t.organization_id = c.organization_id AND t.id = c.tour_id
JOIN alliance_membership m ON m.organization_id = t.organization_id AND m.id = t.manager_id
JOIN alliance_user u ON u.id = m.user_id
WHERE c.organization_id = %s AND c.status = 'scheduled' AND c.scheduled_at < %s AND {scope}
GROUP BY t.manager_id, u.full_name ORDER BY COUNT(*) DESC, u.full_name LIMIT %s
"""


def overdue_by_manager(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    rows = fetch(_OVERDUE_BY_MANAGER.format(scope=condition),
                 [scope.organization_id, scope.now, *params, RANKED_SHOWN])
    names = [name for _, name, _, _ in rows]
    return HealthFigure(
        "Overdue checkpoints by manager", "bar", names,
        [{"label": "Overdue checkpoints", "data": [r[2] for r in rows]}],
        ["Manager", "Overdue checkpoints", "Oldest was due"],
        [[name, n, oldest.date()] for _, name, n, oldest in rows],
        note=f"Scheduled checkpoints whose time has passed with no outcome recorded; the {RANKED_SHOWN} managers "
             "with the most.", headline=sum(r[2] for r in rows), headline_label="overdue checkpoints")


_RECENCY = """
SELECT CASE WHEN last IS NULL THEN 'never'
            WHEN last >= %s - 90 THEN 'a' WHEN last >= %s - 180 THEN 'b' WHEN last >= %s - 365 THEN 'c'
            ELSE 'd' END AS bucket, COUNT(*)
FROM (
    SELECT (SELECT MAX(c.completed_at)::date FROM tours_checkpoint c
            WHERE c.organization_id = t.organization_id AND c.tour_id = t.id AND c.status = 'completed') AS last
    FROM tours_tour t WHERE t.organization_id = %s AND t.status = 'active' AND {scope}
) x GROUP BY bucket
"""
RECENCY_BUCKETS = {"a": "90 days or less", "b": "91 to 180 days", "c": "181 to 365 days", "d": "Over a year",
                   "never": "No checkpoint held yet"}


def checkpoint_recency(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    counts = dict(fetch(_RECENCY.format(scope=condition),
                        [scope.today, scope.today, scope.today, scope.organization_id, *params]))
    labels = list(RECENCY_BUCKETS.values())
    values = [counts.get(key, 0) for key in RECENCY_BUCKETS]
    return HealthFigure(
        "Days since the last checkpoint (members on an active tour)", "bar", labels,
        [{"label": "Members", "data": values}], ["Since the last checkpoint", "Members"],
        [[label, value] for label, value in zip(labels, values, strict=True)])


# ---------------------------------------------------------------- next tours, first conversations, amendments

_NEXT_TOURS = """
SELECT t.manager_id, u.full_name, COUNT(*), COUNT(*) FILTER (WHERE t.next_tour_plan = ANY(%s))
FROM tours_tour t
JOIN alliance_membership m ON m.organization_id = t.organization_id AND m.id = t.manager_id
JOIN alliance_user u ON u.id = m.user_id
WHERE t.organization_id = %s AND t.status = 'active' AND t.end_date >= %s AND t.end_date <= %s AND {scope}
GROUP BY t.manager_id, u.full_name
ORDER BY COUNT(*) - COUNT(*) FILTER (WHERE t.next_tour_plan = ANY(%s)) DESC, u.full_name
"""


def next_tours_on_time(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    rows = fetch(_NEXT_TOURS.format(scope=condition),
                 [DECIDED, scope.organization_id, scope.today, scope.today + _days(NEXT_TOUR_WINDOW_DAYS),
                  *params, DECIDED])
    names = [name for _, name, _, _ in rows]
    without = sum(n - planned for _, _, n, planned in rows)
    return HealthFigure(
        f"Tours ending in the next {NEXT_TOUR_WINDOW_DAYS} days, by manager", "bar", names,
        [{"label": "With a next-tour plan", "data": [r[3] for r in rows]},
         {"label": "Without one", "data": [r[2] - r[3] for r in rows]}],
        ["Manager", "Tours ending", "With a plan", "Without a plan"],
        [[name, n, planned, n - planned] for _, name, n, planned in rows],
        note="The book's rule: the next-tour conversation starts well before the end.",
        headline=without, headline_label="tours ending soon without a plan")


_FIRST_CONVERSATIONS = """
SELECT
  (SELECT COUNT(*) FROM tours_tour t WHERE t.organization_id = %s AND t.status = 'active'
     AND t.first_conversation_granted_on IS NOT NULL AND {scope}),
  COUNT(*), COUNT(*) FILTER (WHERE f.outcome = 'stayed'), COUNT(*) FILTER (WHERE f.outcome = 'new_internal_tour'),
  COUNT(*) FILTER (WHERE f.outcome = 'supported_move_outside'), COUNT(*) FILTER (WHERE f.outcome = ''),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM f.outcome_recorded_at - f.exercised_at) / 86400)
    FILTER (WHERE f.outcome <> '')
FROM tours_firstconversation f JOIN tours_tour t ON t.organization_id = f.organization_id AND t.id = f.tour_id
WHERE f.organization_id = %s AND f.exercised_at >= %s AND f.exercised_at < %s AND {scope}
"""


def first_conversations(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    granted, exercised, stayed, internal, outside, still_open, median = fetch(
        _FIRST_CONVERSATIONS.format(scope=condition),
        [scope.organization_id, *params, scope.organization_id, scope.start_at, scope.end_at, *params])[0]
    labels = [FirstConversation.Outcome.STAYED.label, FirstConversation.Outcome.NEW_INTERNAL_TOUR.label,
              FirstConversation.Outcome.SUPPORTED_MOVE_OUTSIDE.label, "No outcome yet"]
    values = [stayed, internal, outside, still_open]
    median_text = "—" if median is None else f"{round(median, 1)} days"
    return HealthFigure(
        "Right of first conversation", "doughnut", labels, [{"label": "Conversations", "data": values}],
        ["Outcome", "Conversations"], [[label, value] for label, value in zip(labels, values, strict=True)],
        note=f"Granted on {granted} active tours; exercised {exercised} times in the period; "
             f"median time to an outcome: {median_text}.",
        headline=exercised, headline_label="first conversations exercised")


_AMENDMENTS = """
SELECT COUNT(*) FILTER (WHERE a.created_at >= %s), COUNT(*) FILTER (WHERE a.created_at < %s AND a.created_at >= %s),
       COUNT(*) FILTER (WHERE a.created_at < %s), MIN(a.created_at)
FROM tours_touramendment a JOIN tours_tour t ON t.organization_id = a.organization_id AND t.id = a.tour_id
WHERE a.organization_id = %s AND a.status = 'pending' AND {scope}
"""


def amendments(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    week, month = scope.now - _days(7), scope.now - _days(30)
    fresh, middle, old, oldest = fetch(_AMENDMENTS.format(scope=condition),
                                       [week, week, month, month, scope.organization_id, *params])[0]
    labels = ["Under a week", "7 to 30 days", "Over 30 days"]
    values = [fresh, middle, old]
    oldest_text = "none" if oldest is None else f"{(scope.now - oldest).days} days"
    return HealthFigure(
        "Pending amendments by age", "bar", labels, [{"label": "Pending amendments", "data": values}],
        ["Waiting for", "Pending amendments"], [[label, value] for label, value in zip(labels, values, strict=True)],
        note=f"The oldest has waited {oldest_text}.", headline=sum(values), headline_label="pending amendments")


# ---------------------------------------------------------------- at risk

_AT_RISK = """
WITH active AS (
    SELECT t.id, t.employee_id, t.start_date, t.end_date, t.cadence_months, t.next_tour_plan
    FROM tours_tour t WHERE t.organization_id = %s AND t.status = 'active' AND {scope}
), reasons AS (
    SELECT a.id, a.employee_id, 'ending' AS reason, a.end_date AS day FROM active a
    WHERE a.end_date >= %s AND a.end_date <= %s AND NOT (a.next_tour_plan = ANY(%s))
    UNION ALL
    SELECT a.id, a.employee_id, 'checkpoint', x.last FROM active a
    CROSS JOIN LATERAL (SELECT MAX(c.completed_at)::date AS last FROM tours_checkpoint c
                        WHERE c.organization_id = %s AND c.tour_id = a.id AND c.status = 'completed') x
    WHERE COALESCE(x.last, a.start_date) < (%s::date - make_interval(months => 2 * a.cadence_months))::date
    UNION ALL
    SELECT a.id, a.employee_id, 'manager', MAX(ch.created_at)::date FROM active a
    JOIN alliance_membershipchange ch ON ch.organization_id = %s AND ch.membership_id = a.employee_id
         AND ch.field = 'manager' AND ch.created_at::date > a.start_date
    GROUP BY a.id, a.employee_id
)
SELECT r.id, u.full_name, r.reason, r.day, COUNT(*) OVER ()
FROM reasons r JOIN alliance_membership m ON m.organization_id = %s AND m.id = r.employee_id
JOIN alliance_user u ON u.id = m.user_id
ORDER BY u.full_name, r.id, r.reason LIMIT %s
"""
AT_RISK_REASONS = {
    "ending": f"Tour ends within {AT_RISK_ENDING_DAYS} days with no next-tour plan",
    "checkpoint": "No checkpoint for twice the cadence",
    "manager": "Manager changed during the tour",
}
AT_RISK_ACTIONS = {"ending": "Record the next-tour plan", "checkpoint": "Schedule a checkpoint",
                   "manager": "Hold a checkpoint with the new manager"}


def at_risk(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("t.employee_id")
    org = scope.organization_id
    rows = fetch(_AT_RISK.format(scope=condition),
                 [org, *params, scope.today, scope.today + _days(AT_RISK_ENDING_DAYS), DECIDED, org, scope.today,
                  org, org, AT_RISK_SHOWN])
    total = rows[0][4] if rows else 0
    counts = {key: 0 for key in AT_RISK_REASONS}
    for row in rows:
        counts[row[2]] += 1
    table = [[name, AT_RISK_REASONS[reason], day or "—", AT_RISK_ACTIONS[reason]] for _, name, reason, day, _ in rows]
    shown = f" (the first {AT_RISK_SHOWN} shown)" if total > len(rows) else ""
    return HealthFigure(
        "Members at risk, and why", "bar", list(AT_RISK_REASONS.values()),
        [{"label": "Members listed", "data": list(counts.values())}],
        ["Member", "Why they are listed", "Since / ends on", "What to do"], table,
        note=f"{total} reasons to act{shown}. A list, not a score: each line says why and links to the tour.",
        links=_tour_details(scope, [tour_id for tour_id, *_ in rows]),
        headline=total, headline_label="members at risk (reasons)")


# ---------------------------------------------------------------- a manager's to-do

_TODO_CHECKPOINTS = """
SELECT c.id, u.full_name, c.scheduled_at FROM tours_checkpoint c
JOIN tours_tour t ON t.organization_id = c.organization_id AND t.id = c.tour_id
JOIN alliance_membership m ON m.organization_id = t.organization_id AND m.id = t.employee_id
JOIN alliance_user u ON u.id = m.user_id
WHERE c.organization_id = %s AND t.manager_id = %s AND c.status = 'scheduled' AND c.scheduled_at < %s
ORDER BY c.scheduled_at, c.id LIMIT %s
"""
_TODO_PLANS = """
SELECT t.id, u.full_name, t.end_date FROM tours_tour t
JOIN alliance_membership m ON m.organization_id = t.organization_id AND m.id = t.employee_id
JOIN alliance_user u ON u.id = m.user_id
WHERE t.organization_id = %s AND t.manager_id = %s AND t.status = 'active' AND t.end_date IS NOT NULL
  AND t.end_date - t.next_tour_lead_days <= %s AND NOT (t.next_tour_plan = ANY(%s))
ORDER BY t.end_date, t.id LIMIT %s
"""
_TODO_AMENDMENTS = """
SELECT a.id, t.id, t.title, a.created_at, t.employee_id = %s FROM tours_touramendment a
JOIN tours_tour t ON t.organization_id = a.organization_id AND t.id = a.tour_id
WHERE a.organization_id = %s AND a.status = 'pending' AND (t.employee_id = %s OR t.manager_id = %s)
ORDER BY a.created_at, a.id LIMIT %s
"""


def manager_tour_todo(member) -> list[TodoItem]:
    """Checkpoints to hold (overdue or within two weeks), next-tour plans to record, and pending
    amendments: to answer on their own tour, to follow up on their reports'. Three queries."""
    slug, org, now = member.organization.slug, member.organization_id, timezone.now()
    items: list[TodoItem] = []
    for checkpoint_id, name, at in fetch(_TODO_CHECKPOINTS, [org, member.pk, now + _days(CHECKPOINT_SOON_DAYS),
                                                             TODO_SHOWN]):
        late = " (overdue)" if at < now else ""
        items.append(TodoItem("Checkpoints to hold", f"{name}{late}",
                              reverse("tours:checkpoint_detail", args=[slug, checkpoint_id]), at.date()))
    today = timezone.localdate()
    for tour_id, name, end in fetch(_TODO_PLANS, [org, member.pk, today, DECIDED, TODO_SHOWN]):
        items.append(TodoItem("Next-tour plans to record", f"{name}, tour ends {end.isoformat()}",
                              reverse("tours:detail", args=[slug, tour_id]), end))
    for _, tour_id, title, created, own in fetch(_TODO_AMENDMENTS, [member.pk, org, member.pk, member.pk, TODO_SHOWN]):
        text = f"{title}: answer the proposed change" if own else f"{title}: waiting for the employee"
        items.append(TodoItem("Amendments to answer", text, reverse("tours:detail", args=[slug, tour_id]),
                              created.date()))
    return items


# The members who exercised the right of first conversation (alumni counts exits with and without one).
FIRST_CONVERSATION_MEMBERS_SQL = (
    "SELECT DISTINCT t.employee_id FROM tours_firstconversation f "
    "JOIN tours_tour t ON t.organization_id = f.organization_id AND t.id = f.tour_id WHERE f.organization_id = %s"
)

FIGURES = (
    ("coverage", SECTION_TOURS, coverage), ("coverage_trend", SECTION_TOURS, coverage_trend),
    ("checkpoints_kept", SECTION_CHECKPOINTS, checkpoints_kept),
    ("checkpoints_overdue", SECTION_CHECKPOINTS, overdue_by_manager),
    ("checkpoint_recency", SECTION_CHECKPOINTS, checkpoint_recency),
    ("next_tours", SECTION_NEXT, next_tours_on_time), ("first_conversations", SECTION_NEXT, first_conversations),
    ("amendments", SECTION_NEXT, amendments), ("at_risk", SECTION_RISK, at_risk),
)


def register() -> None:
    from alliance import registry

    for index, (key, section, compute) in enumerate(FIGURES):
        registry.register_health_figure(key, section, compute=compute, order=10 + index)
    registry.register_member_set("first_conversation", sql=FIRST_CONVERSATION_MEMBERS_SQL)
    registry.register_manager_todo("tours", items=manager_tour_todo, order=10)
