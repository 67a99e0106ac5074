"""Benchmark: the alliance's health page at scale.

    make bench ARGS=health       # or: .venv/bin/python -m alliance.devenv bench health [--repeat 30]

Loads, into a scratch database (bench/api_lists.py's set-based loader), an organization with 100,000 tours
of 5,000 members and a small one with 1,000 tours of 100 members; then makes their data look lived-in,
set-based too: each employee's newest tour active (some ending soon, some with a next-tour plan), the
others completed, checkpoints held, missed or overdue, first conversations, pending amendments, manager
changes, exits, fund expenses and intel notes. For each organization it prints the page time
(``GET /o/<slug>/alliance/`` as HR through the whole Django stack, median and p95 of ``--repeat`` requests),
its SQL query count, and the same for a manager's page and the API. Goal: ≤ 300 ms for the big
organization, and the small one no slower.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench_health")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_lists import execute, load, load_average  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from alliance import tenancy  # noqa: E402
from alliance.models import Membership  # noqa: E402
from alliance.services import api_token_create  # noqa: E402
from alliance.testing import app_role_config, owner_role_config, scratch_database, use_role  # noqa: E402

SIZES = (("big", 5_000, 100_000), ("small", 100, 1_000))
EXPLAIN: list[str] = []  # --explain KEY: the plans of a figure's statements


def enliven(org: int, now) -> None:
    """Active tours, checkpoint outcomes, first conversations, amendments, manager changes, exits, expenses
    and notes: every figure has something to count. All set-based."""
    today = now.date()
    params = {"org": org, "now": now, "today": today}
    # Each employee's newest tour is active (ending within 0-400 days; every third has a plan).
    execute("""
        UPDATE tours_tour t SET status = 'active', end_date = %(today)s + (t.id %% 400)::int,
               start_date = LEAST(t.start_date, %(today)s - 30),
               next_tour_plan = CASE WHEN t.id %% 3 = 0 THEN 'new_internal_tour' ELSE '' END,
               first_conversation_granted_on = CASE WHEN t.id %% 5 = 0 THEN %(today)s - 60 END
        FROM (SELECT DISTINCT ON (employee_id) id FROM tours_tour WHERE organization_id = %(org)s
              ORDER BY employee_id, start_date DESC, id DESC) newest
        WHERE t.organization_id = %(org)s AND t.id = newest.id
    """, params)
    execute("""UPDATE tours_tour SET status = 'completed' WHERE organization_id = %(org)s AND status = 'draft'
               AND id %% 10 <> 0""", params)
    # Checkpoints: past ones held (most) or missed, those of the last 30 days sometimes left overdue; spread
    # over the last year.
    execute("""
        UPDATE tours_checkpoint SET scheduled_at = %(now)s - make_interval(days => (id %% 365)::int),
               status = CASE WHEN id %% 10 < 7 THEN 'completed' WHEN id %% 365 < 30 THEN 'scheduled' ELSE 'missed' END,
               completed_at = CASE WHEN id %% 10 < 7 THEN %(now)s - make_interval(days => (id %% 365)::int) END
        WHERE organization_id = %(org)s
    """, params)
    execute("""
        INSERT INTO tours_firstconversation (organization_id, tour_id, exercised_at, employee_note, outcome,
                                             outcome_note, outcome_recorded_at, created_at, updated_at)
        SELECT organization_id, id, %(now)s - make_interval(days => (id %% 200)::int), '',
               (ARRAY['stayed', 'new_internal_tour', 'supported_move_outside'])[1 + id %% 3], '',
               %(now)s - make_interval(days => (id %% 200)::int) + interval '9 days', %(now)s, %(now)s
        FROM tours_tour WHERE organization_id = %(org)s AND status = 'active' AND id %% 25 = 0
    """, params)
    execute("""
        INSERT INTO tours_touramendment (organization_id, tour_id, reason, changes, diff, status, answer_note,
                                         created_at, updated_at)
        SELECT organization_id, id, 'New scope', '{}', '{}', 'pending', '',
               %(now)s - make_interval(days => (id %% 60)::int), %(now)s
        FROM tours_tour WHERE organization_id = %(org)s AND status = 'active' AND id %% 40 = 0
    """, params)
    execute("""
        INSERT INTO alliance_membershipchange (organization_id, membership_id, field, old_value, new_value, source,
                                               created_at, updated_at)
        SELECT organization_id, id, 'manager', 'Before', 'After', 'member_page', %(now)s - interval '3 days', %(now)s
        FROM alliance_membership WHERE organization_id = %(org)s AND id %% 50 = 0
    """, params)
    # One in twenty employees left (exits over the last year), the rest stay.
    execute("""
        INSERT INTO alumni_exitprocess (organization_id, member_id, kind, last_working_day, initiated_by, hr_note,
               state, rehire, rehire_reason, alumni_tier, regretted, alumni_despite, alumni_despite_note, outcome,
               imported, created_at, updated_at)
        SELECT organization_id, id, (ARRAY['resignation', 'end_of_tour', 'retirement', 'mutual'])[1 + id %% 4],
               %(today)s - (id %% 365)::int, 'employee', '', 'completed', 'eligible', '', 'alumni', id %% 3 = 0,
               false, '', 'alumnus', false, %(now)s, %(now)s
        FROM alliance_membership WHERE organization_id = %(org)s AND role = 'employee' AND id %% 20 = 1
    """, params)
    execute("""UPDATE alliance_membership SET status = 'alumnus' WHERE organization_id = %(org)s
               AND role = 'employee' AND id %% 20 = 1""", params)
    execute("""INSERT INTO network_intel_fundpolicy (organization_id, period, amount, receipt_required_above,
               cap_mode, rollover, report_back_days, created_at, updated_at)
               VALUES (%(org)s, 'quarter', 150, 25, 'hard', false, 3, %(now)s, %(now)s)""", params)
    execute("""
        INSERT INTO network_intel_intelnote (organization_id, author_id, title, body, body_html, source_kind,
               learned_on, visibility, author_is_alumnus, created_at, updated_at)
        SELECT organization_id, id, 'What I learned', 'Notes.', '<p>Notes.</p>', 'coffee', %(today)s, 'organization',
               false, %(now)s - make_interval(days => (id %% 90)::int), %(now)s
        FROM alliance_membership WHERE organization_id = %(org)s AND status = 'active' AND id %% 3 = 0
    """, params)
    execute("""
        INSERT INTO network_intel_expense (organization_id, member_id, spent_on, kind, merchant, amount, currency,
               exchange_rate, rate_on, rate_entered, amount_org, org_currency, purpose, met_names, state,
               over_budget, possible_duplicate, duplicate_cleared, over_budget_acknowledged, refusal_reason,
               note_id, created_at, updated_at)
        SELECT m.organization_id, m.id, %(today)s - (m.id %% 80)::int, 'coffee', 'Café', 12.50, 'USD', 1, %(today)s,
               false, 12.50, 'USD', 'Coffee', '', CASE WHEN m.id %% 7 = 0 THEN 'submitted' ELSE 'approved' END,
               false, false, false, false, '', n.id, %(now)s, %(now)s
        FROM alliance_membership m
        LEFT JOIN network_intel_intelnote n ON n.organization_id = m.organization_id AND n.author_id = m.id
        WHERE m.organization_id = %(org)s AND m.status = 'active' AND m.id %% 2 = 0
    """, params)


def read_notes(org: int, now) -> None:
    """Reads of the notes (the most-read notes): each note opened by about twenty colleagues over the last
    90 days. Added to a reused load that has none."""
    execute("""
        INSERT INTO network_intel_noteread (organization_id, note_id, reader_id, read_at, created_at, updated_at)
        SELECT n.organization_id, n.id, m.id, %(now)s - make_interval(days => ((n.id + m.id) %% 90)::int),
               %(now)s, %(now)s
        FROM network_intel_intelnote n
        JOIN alliance_membership m ON m.organization_id = n.organization_id AND m.status = 'active'
             AND m.id %% 250 = n.id %% 250 AND m.id <> n.author_id
        WHERE n.organization_id = %(org)s
          AND NOT EXISTS (SELECT 1 FROM network_intel_noteread r WHERE r.organization_id = %(org)s)
        ON CONFLICT DO NOTHING
    """, {"org": org, "now": now})


def as_owner(*statements: str) -> None:
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for statement in statements:
            execute(statement)
    finally:
        use_role(app)


def loaded(sizes) -> dict[str, int]:
    """The organizations of a reused scratch database, when it holds exactly ``sizes`` (else {})."""
    with tenancy.cross_tenant(reason="benchmark: sizes of a reused load"), connection.cursor() as cursor:
        cursor.execute("""
            SELECT o.slug, o.id, (SELECT count(*) FROM tours_tour t WHERE t.organization_id = o.id)
            FROM alliance_organization o ORDER BY o.id""")
        rows = cursor.fetchall()
    found = {slug: (org, tours) for slug, org, tours in rows}
    if len(rows) != len(sizes) or any(found.get(f"bench-{slug}", (0, -1))[1] != tours for slug, _, tours in sizes):
        return {}
    return {slug: found[f"bench-{slug}"][0] for slug, _, _ in sizes}


def profile(client: Client, path: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"))


def analyze() -> None:
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for table in ("alliance_membership", "alliance_membershipchange", "tours_tour", "tours_checkpoint",
                      "tours_firstconversation", "tours_touramendment", "alumni_exitprocess",
                      "network_intel_expense", "network_intel_intelnote"):
            execute(f"VACUUM ANALYZE {table}")
    finally:
        use_role(app)


def timed(client: Client, path: str, repeat: int) -> dict:
    client.get(path)  # warm up
    captured: list[str] = []

    def count(execute_, sql, params, many, context):
        captured.append(sql)
        return execute_(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)],
            "queries": len(captured)}


def figures_time(org: int, repeat: int) -> float:
    """The median time of all figures, and (printed) the slowest figures' own medians."""
    from alliance import health, registry

    with tenancy.tenant_context(org):
        hr = Membership.objects.for_org(org).select_related("organization").get(role="hr")
        scope = health.health_scope(viewer=hr)
        each: dict[str, list[float]] = {}
        for _ in range(repeat):
            for spec in registry.health_figures():
                started = time.perf_counter()
                spec.compute(scope)
                each.setdefault(spec.key, []).append((time.perf_counter() - started) * 1000)
        for key in EXPLAIN:
            statements: list[str] = []

            def keep(execute_, sql, params, many, context, statements=statements):
                statements.append(context["cursor"].mogrify(sql, params).decode() if params else sql)
                return execute_(sql, params, many, context)

            spec = next(spec for spec in registry.health_figures() if spec.key == key)
            with connection.execute_wrapper(keep):
                spec.compute(scope)
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
                    print(f"--- {key}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    medians = {key: statistics.median(times) for key, times in each.items()}
    slowest = sorted(medians.items(), key=lambda item: -item[1])[:4]
    print("      slowest figures: " + ", ".join(f"{key} {ms:.1f} ms" for key, ms in slowest))
    return sum(medians.values())


def clients(org: int) -> tuple[Client, Client, Client]:
    with tenancy.tenant_context(org):
        hr = Membership.objects.for_org(org).select_related("user", "organization").get(role="hr")
        manager = (Membership.objects.for_org(org).select_related("user").filter(role="manager", reports__isnull=False)
                   .order_by("id").first())
        token = api_token_create(by=hr, name="benchmark")[1]
    page, team = Client(), Client()
    page.force_login(hr.user)
    team.force_login(manager.user)
    return page, team, Client(headers={"Authorization": f"Bearer {token}"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="requests per page to time")
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the sizes, for a quick try")
    parser.add_argument("--explain", action="append", default=[], help="print the plans of this figure's SQL")
    parser.add_argument("--profile", action="store_true",
                        help="print a pyinstrument profile of one organization page request per organization")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the scratch database after the run and reuse it next time (loaded again only "
                             "when it does not hold these sizes)")
    args = parser.parse_args()
    EXPLAIN.extend(args.explain)
    sizes = tuple((slug, max(20, int(people * args.scale)), max(200, int(tours * args.scale)))
                  for slug, people, tours in SIZES)
    now = timezone.now()
    with scratch_database(keep=args.reuse):
        described = ", ".join(f"{slug}: {people:,} members, {tours:,} tours" for slug, people, tours in sizes)
        orgs = loaded(sizes) if args.reuse else {}
        if orgs:
            print(f"reusing the loaded scratch database ({described})")
        else:
            if args.reuse:
                # Another size, or a load that did not finish: start from empty tables.
                as_owner("TRUNCATE alliance_organization, alliance_user RESTART IDENTITY CASCADE")
            started = time.perf_counter()
            orgs = load(now, sizes)
            with tenancy.cross_tenant(reason="benchmark: make the health figures' data"):
                for org in orgs.values():
                    enliven(org, now)
            analyze()
            print(f"loaded {described} in {time.perf_counter() - started:.1f} s")
        with tenancy.cross_tenant(reason="benchmark: reads of the notes"):
            for org in orgs.values():
                read_notes(org, now)
        as_owner("VACUUM ANALYZE network_intel_noteread", "VACUUM ANALYZE network_intel_fundoverride")
        print(load_average("before the timings"))
        for slug, org in orgs.items():
            page, team, api = clients(org)
            for label, client, path in (("organization page", page, f"/o/bench-{slug}/alliance/"),
                                        ("manager's page", team, f"/o/bench-{slug}/team/alliance/"),
                                        ("API", api, "/api/v1/alliance-health/")):
                result = timed(client, path, args.repeat)
                result.update(figures=figures_time(org, args.repeat) if label == "API" else None)
                verdict = "ok" if result["median"] <= 300 else "OVER 300 ms"
                print(f"{slug:>5} {label:<18} median {result['median']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
                      f"{result['queries']:3d} queries  {verdict}")
                if args.profile and label == "organization page":
                    profile(page, path)
                if result["figures"] is not None:
                    print(f"{slug:>5} {'(figures alone)':<18} median {result['figures']:7.1f} ms: the SQL of every "
                          "figure, without the HTTP stack and the page")
        print(load_average("after the timings"))


if __name__ == "__main__":
    main()
