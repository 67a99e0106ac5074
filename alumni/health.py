"""Attrition as the alliance sees it, and the alumni network's engagement, on the alliance's health page
(``alliance.health``): one set-based statement each over the exits and the alumni's contributions."""

from __future__ import annotations

from alliance.health import HealthFigure, HealthScope, fetch, percent_text, share
from alliance.registry import member_set_sql
from alumni.models import ExitKind

SECTION = "Attrition and alumni"

# Exits (not cancelled) whose last working day falls in the period, by kind. "With a first conversation":
# the leaver had exercised the right of first conversation (the tours' member set); without one, the
# alliance failed to hear them first.
_ATTRITION = """
WITH talked AS ({talked})
SELECT x.kind, COUNT(*),
       COUNT(*) FILTER (WHERE x.regretted),
       COUNT(*) FILTER (WHERE x.member_id IN (SELECT * FROM talked)),
       COUNT(*) FILTER (WHERE x.rehire = 'eligible'), COUNT(*) FILTER (WHERE x.rehire = 'conditional'),
       COUNT(*) FILTER (WHERE x.rehire = 'not_eligible'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (x.last_working_day - m.employment_started_on) / 365.25)
FROM alumni_exitprocess x JOIN alliance_membership m ON m.organization_id = x.organization_id AND m.id = x.member_id
WHERE x.organization_id = %s AND x.state <> 'cancelled' AND x.last_working_day >= %s AND x.last_working_day < %s
  AND {scope}
GROUP BY x.kind ORDER BY x.kind
"""


def attrition(scope: HealthScope) -> HealthFigure:
    condition, params = scope.members_sql("x.member_id")
    sql = _ATTRITION.format(talked=member_set_sql("first_conversation"), scope=condition)
    rows = fetch(sql, [scope.organization_id, scope.organization_id, scope.start, scope.end, *params])
    labels = [ExitKind(kind).label for kind, *_ in rows]
    exits = sum(r[1] for r in rows)
    regretted, talked = sum(r[2] for r in rows), sum(r[3] for r in rows)
    table = [[label, n, regret, talk, n - talk, eligible, conditional, not_eligible,
              "—" if tenure is None else f"{round(tenure, 1)} years"]
             for label, (_, n, regret, talk, eligible, conditional, not_eligible, tenure) in zip(labels, rows,
                                                                                                strict=True)]
    return HealthFigure(
        "Exits by kind: with and without a first conversation", "bar", labels,
        [{"label": "After a first conversation", "data": [r[3] for r in rows]},
         {"label": "Without one", "data": [r[1] - r[3] for r in rows]}],
        ["Kind", "Exits", "Regretted", "After a first conversation", "Without one", "Rehire: eligible",
         "Conditional", "Not eligible", "Median tenure at exit"], table,
        note=f"{exits} exits with a last day in the period; regretted share {percent_text(share(regretted, exits))}; "
             f"{exits - talked} came without a first conversation (the alliance did not hear them first).",
        headline=exits, headline_label="exits")


_ENGAGEMENT = """
SELECT
  (SELECT COUNT(*) FROM alliance_membership m WHERE m.organization_id = %s AND m.status = 'alumnus' AND {m_scope}),
  (SELECT COUNT(DISTINCT p.member_id) FROM alumni_alumniprofile p
     JOIN alliance_membership m ON m.organization_id = p.organization_id AND m.id = p.member_id
     WHERE p.organization_id = %s AND p.listed AND m.status = 'alumnus' AND {m_scope}),
  (SELECT COUNT(*) FROM alumni_referral r WHERE r.organization_id = %s AND r.referrer_was_alumnus
     AND r.created_at >= %s AND r.created_at < %s AND {r_scope}),
  (SELECT COUNT(*) FROM alumni_referral r WHERE r.organization_id = %s AND r.referrer_was_alumnus
     AND r.status = 'hired' AND r.created_at >= %s AND r.created_at < %s AND {r_scope}),
  (SELECT COUNT(*) FROM alumni_customerlead c WHERE c.organization_id = %s AND c.submitter_was_alumnus
     AND c.created_at >= %s AND c.created_at < %s AND {c_scope}),
  (SELECT COUNT(*) FROM alumni_boomerang b WHERE b.organization_id = %s AND b.state = 'rehired'
     AND b.rehired_at >= %s AND b.rehired_at < %s AND {b_scope})
"""


def alumni_engagement(scope: HealthScope) -> HealthFigure:
    m_scope, m_params = scope.members_sql("m.id")
    r_scope, r_params = scope.members_sql("r.referrer_id")
    c_scope, c_params = scope.members_sql("c.submitter_id")
    b_scope, b_params = scope.members_sql("b.member_id")
    org, start, end = scope.organization_id, scope.start_at, scope.end_at
    alumni, listed, referrals, hires, leads, boomerangs = fetch(
        _ENGAGEMENT.format(m_scope=m_scope, r_scope=r_scope, c_scope=c_scope, b_scope=b_scope),
        [org, *m_params, org, *m_params, org, start, end, *r_params, org, start, end, *r_params,
         org, start, end, *c_params, org, start, end, *b_params])[0]
    labels = ["Referrals", "Hired from referrals", "Customer leads", "Boomerangs rehired"]
    values = [referrals, hires, leads, boomerangs]
    return HealthFigure(
        "Alumni engagement in the period", "bar", labels, [{"label": "From alumni", "data": values}],
        ["From alumni", "Count"],
        [["Alumni", alumni], ["Listed in the directory", listed],
         ["Directory opt-in", percent_text(share(listed, alumni))],
         *[[label, value] for label, value in zip(labels, values, strict=True)]],
        note="Referrals and leads sent while an alumnus; boomerangs by the day they were rehired.",
        headline=share(listed, alumni), headline_label="alumni directory opt-in (%)")


def register() -> None:
    from alliance import registry

    registry.register_health_figure("attrition", SECTION, compute=attrition, order=80)
    registry.register_health_figure("alumni_engagement", SECTION, compute=alumni_engagement, order=81)

