"""Benchmark: every page the URL resolver serves, in a big, a medium and a small organization.

    make bench-pages                       # or: .venv/bin/python -m alliance.devenv bench-pages [args]
    make bench-pages ARGS="--scale 0.1"    # a tenth of the shape (the load takes seconds)

Loads, into a scratch database kept between runs (the second run skips the load; ``--fresh`` drops it),
the shape an outside measurement used, set-based (``INSERT … SELECT generate_series``, one statement per
table and organization):

* big: 7,000 members in a three-level hierarchy (HR, 70 managers of managers, 700 managers), 100,000
  tours, 300,000 checkpoints, 200,000 intel notes about 200 companies, 20,000 contacts;
* eight medium organizations: 1,000 members, 5,000 tours, 15,000 checkpoints, 10,000 notes, 1,000 contacts;
* small: 240 members, 1,000 tours, 3,000 checkpoints, 2,000 notes, 240 contacts;

all scaled by ``--scale``. Then, as the role that sees most (HR) of the big, the first medium and the
small organization, it finds every page the URL resolver serves that opens as a full HTML page for that
person (the browser sweep's route enumeration: ``tests.alliance.routes`` and the sweep's ``find_path``)
and times each in-process through the whole Django stack, interleaved with ``/healthz``: median and p95
of ``--runs`` requests, SQL queries per request, the memory the request allocates (peak, tracemalloc, in
one extra request, since tracing slows the others) and the small/big ratio. A page over budget (median
150 ms, p95 300 ms, 20 MB allocated, small organization over 1.2× the big one) is flagged.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench_pages")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402

from alliance import tenancy  # noqa: E402
from alliance.models import Membership  # noqa: E402
from alliance.testing import app_role_config, owner_role_config, scratch_database, use_role  # noqa: E402
from tests.alliance.routes import iter_routes  # noqa: E402
from tests.test_browser_sweep import NOT_PAGE_PREFIXES, NOT_PAGES, TOKEN_PAGES, find_path  # noqa: E402

BUDGET_MEDIAN_MS, BUDGET_P95_MS, BUDGET_MB, BUDGET_RATIO = 150.0, 300.0, 20.0, 1.2
COMPANIES = 200
# slug: (members, tours, notes, contacts); checkpoints are three per tour.
SHAPE = {"big": (7_000, 100_000, 200_000, 20_000), "small": (240, 1_000, 2_000, 240),
         **{f"medium{n}": (1_000, 5_000, 10_000, 1_000) for n in range(1, 9)}}


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def load_organization(slug: str, *, members: int, tours: int, notes: int, contacts: int, now) -> int:
    """One organization of the shape, set-based. Person 0 is HR; person n (n % 100 = 0) manages the
    managers n+10, n+20 … n+90; person n (n % 10 = 0) manages the nine after them: three levels."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO alliance_organization (name, slug, mission, values, time_zone, currency,
                checkpoint_days_before, agenda_nudge_days_before, overdue_days_after, overdue_max_reminders,
                tour_ending_days_before, first_conversation_followup_working_days, created_at, updated_at)
            VALUES (%s, %s, '', '', 'UTC', 'USD', '{7,1}', 2, 1, 3, '{180,90,30}', 2, %s, %s) RETURNING id
            """, [f"Bench {slug}", f"bench-{slug}", now, now])
        org = cursor.fetchone()[0]
    params = {"org": org, "slug": slug, "n": members, "now": now, "today": now.date(),
              "like": f"{slug}-%@bench.example"}
    execute("""
        INSERT INTO alliance_user (email, full_name, time_zone, password, is_active, is_staff, is_superuser,
                                   date_joined)
        SELECT %(slug)s || '-' || g || '@bench.example', 'Person ' || md5(g::text) || ' ' || g, 'UTC', '!', true,
               false, false, %(now)s
        FROM generate_series(0, %(n)s - 1) AS g
        """, params)
    execute("""
        INSERT INTO alliance_membership (organization_id, user_id, role, status, title, team, aspirations, values,
                                         employment_started_on, created_at, updated_at, sort_name)
        SELECT %(org)s, u.id, CASE WHEN n = 0 THEN 'hr' WHEN n %% 10 = 0 THEN 'manager' ELSE 'employee' END,
               'active', 'Engineer', 'Team ' || (n / 10), '', '', %(today)s, %(now)s, %(now)s, u.sort_name
        FROM (SELECT id, (regexp_match(email, '-([0-9]+)@'))[1]::int AS n,
                     left(lower(coalesce(nullif(btrim(full_name), ''), email)), 200) AS sort_name  -- person_sort_name
              FROM alliance_user WHERE email LIKE %(like)s) AS u
        """, params)
    execute("""
        WITH people AS (SELECT m.id, (regexp_match(u.email, '-([0-9]+)@'))[1]::int AS n
                        FROM alliance_membership m JOIN alliance_user u ON u.id = m.user_id
                        WHERE m.organization_id = %(org)s)
        UPDATE alliance_membership e SET manager_id = boss.id
        FROM people p, people boss
        WHERE e.organization_id = %(org)s AND e.id = p.id AND p.n > 0
          AND boss.n = CASE WHEN p.n %% 100 = 0 THEN 0 WHEN p.n %% 10 = 0 THEN p.n / 100 * 100 ELSE p.n / 10 * 10 END
        """, params)
    # Each employee's first tour is active (one active tour per person), the others completed.
    execute("""
        WITH people AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(manager_id ORDER BY id) AS managers,
                               array_agg(sort_name ORDER BY id) AS keys, count(*)::int AS n
                        FROM alliance_membership WHERE organization_id = %(org)s AND manager_id IS NOT NULL)
        INSERT INTO tours_tour (organization_id, employee_id, manager_id, kind, title, mission, company_objectives,
            employee_benefits, success_company, success_employee, alignment_notes, start_date, end_date,
            cadence_months, next_tour_lead_days, status, closing_note, changes_requested, next_tour_plan,
            next_tour_plan_notes, created_at, updated_at, employee_sort_name)
        SELECT %(org)s, p.ids[1 + g %% p.n], p.managers[1 + g %% p.n],
               (ARRAY['transformational', 'rotational', 'foundational'])[1 + g %% 3], 'Tour ' || g,
               'Rebuild the data platform so every team can ship weekly.', 'A platform for ten teams.',
               'Lead a cross-team project.', 'Ten teams on it.', 'A conference talk.', '',
               %(today)s - (g %% 700), %(today)s - (g %% 700) + 700, 6, 180,
               CASE WHEN g < p.n THEN 'active' ELSE 'completed' END, '', '', '', '',
               %(now)s - make_interval(secs => g), %(now)s - make_interval(secs => g), p.keys[1 + g %% p.n]
        FROM generate_series(0, %(tours)s - 1) AS g, people p
        """, {**params, "tours": tours})
    execute("""
        INSERT INTO tours_checkpoint (organization_id, tour_id, uid, sequence, scheduled_at, duration_minutes,
            location, status, confirmed, progress, manager_notes, employee_notes, course_corrections, created_at,
            updated_at)
        SELECT organization_id, id, md5(id::text || '-' || k)::uuid, k, updated_at + make_interval(days => 60 * k),
               45, 'Room 1', CASE WHEN status = 'active' AND k = 2 THEN 'scheduled' ELSE 'completed' END, true, '',
               'Notes', '', '', updated_at, updated_at
        FROM tours_tour, generate_series(0, 2) AS k WHERE organization_id = %(org)s
        """, params)
    execute("""
        INSERT INTO network_intel_company (organization_id, name, name_key, domain, industry, created_at, updated_at)
        SELECT %(org)s, 'Company ' || g, 'company ' || g, '', '', %(now)s, %(now)s
        FROM generate_series(1, %(companies)s) AS g
        """, {**params, "companies": COMPANIES})
    execute("""
        WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM alliance_membership
                        WHERE organization_id = %(org)s),
             firms AS (SELECT array_agg(id ORDER BY id) AS ids FROM network_intel_company
                       WHERE organization_id = %(org)s)
        INSERT INTO network_intel_intelnote (organization_id, author_id, title, body, body_html, source_kind,
            learned_on, visibility, useful_until, search_vector, created_at, updated_at)
        SELECT %(org)s, p.ids[1 + g %% cardinality(p.ids)], 'Company ' || (1 + g %% %(companies)s) || ' notes ' || g,
               'They run every robot in cold storage; pricing ' || g || ' and hiring plans.', '', 'coffee',
               %(today)s - (g %% 365),
               (ARRAY['private', 'team', 'team', 'leadership', 'organization', 'organization', 'organization',
                      'organization', 'organization', 'organization'])[1 + g %% 10], NULL,
               intel_note_vector('english'::regconfig, %(org)s, ARRAY[f.ids[1 + g %% %(companies)s]],
                                 'Company ' || (1 + g %% %(companies)s) || ' notes ' || g, NULL,
                                 'Company ' || (1 + g %% %(companies)s),
                                 'They run every robot in cold storage; pricing and hiring plans.'),
               %(now)s - make_interval(mins => g), %(now)s - make_interval(mins => g)
        FROM generate_series(0, %(notes)s - 1) AS g, people p, firms f
        """, {**params, "notes": notes, "companies": COMPANIES})
    execute("""
        INSERT INTO network_intel_intelnotecompany (organization_id, note_id, company_id, created_at, updated_at)
        SELECT n.organization_id, n.id, c.id, %(now)s, %(now)s
        FROM network_intel_intelnote n
        JOIN network_intel_company c ON c.organization_id = n.organization_id
             AND c.name = substring(n.title from '^(Company [0-9]+) ')
        WHERE n.organization_id = %(org)s
        """, params)
    execute("""
        WITH people AS (SELECT array_agg(id ORDER BY id) AS ids FROM alliance_membership
                        WHERE organization_id = %(org)s),
             firms AS (SELECT array_agg(id ORDER BY id) AS ids FROM network_intel_company
                       WHERE organization_id = %(org)s)
        INSERT INTO network_intel_contact (organization_id, owner_id, name, company_id, title, met_where, strength,
            last_talked_on, email, phone, personal_notes, created_at, updated_at)
        SELECT %(org)s, p.ids[1 + g %% cardinality(p.ids)], 'Contact ' || g,
               f.ids[1 + (g * 7) %% (1 + cardinality(f.ids) / 10)], 'Engineer', '', 1 + g %% 3,
               %(today)s - (g %% 400), '', '', '', %(now)s, %(now)s
        FROM generate_series(0, %(contacts)s - 1) AS g, people p, firms f
        """, {**params, "contacts": contacts})
    return org


def load(scale: float, now) -> None:
    with tenancy.cross_tenant(reason="benchmark: load the page benchmark's organizations"):
        for slug, (members, tours, notes, contacts) in SHAPE.items():
            started = time.perf_counter()
            load_organization(slug, members=max(30, int(members * scale)), tours=max(30, int(tours * scale)),
                              notes=max(30, int(notes * scale)), contacts=max(30, int(contacts * scale)), now=now)
            print(f"  loaded {slug} in {time.perf_counter() - started:.1f} s", flush=True)
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for table in ("alliance_organization", "alliance_user", "alliance_membership", "tours_tour",
                      "tours_checkpoint", "network_intel_company", "network_intel_intelnote",
                      "network_intel_intelnotecompany", "network_intel_contact", "network_intel_notefacetcount"):
            execute(f"VACUUM ANALYZE {table}")
    finally:
        use_role(app)


def loaded() -> bool:
    with tenancy.cross_tenant(reason="benchmark: is the shape loaded"), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM alliance_organization WHERE slug LIKE 'bench-%%'")
        return cursor.fetchone()[0] == len(SHAPE)


def hr_of(slug: str) -> Membership:
    with tenancy.cross_tenant(reason="benchmark: the HR person of an organization"):
        return Membership.objects.select_related("user", "organization").get(
            organization__slug=f"bench-{slug}", user__email=f"{slug}-0@bench.example")


def pages_for(client: Client, member: Membership) -> dict[str, str]:
    """Every route that opens as a full page for ``member``: route name → a path."""
    found = {}
    org_slug = member.organization.slug
    for route in iter_routes(get_resolver()):
        if (not route.route.startswith("/o/") or route.name in NOT_PAGES or route.name in TOKEN_PAGES
                or any(route.route.startswith(prefix) for prefix in NOT_PAGE_PREFIXES)):
            continue
        path, _status = find_path(client, route, member, org_slug=org_slug)
        if path:
            found[route.name or route.route] = path
            view = f"{route.callback.__module__}.{route.callback.__name__}"
            for query in VARIANTS.get(view, ()):
                found[f"{route.name} ?{query}"] = f"{path}{'&' if '?' in path else '?'}{query}"
    return found


# Further orders a page offers, timed like pages of their own (each served by its index).
VARIANTS = {"tours.views.tours.tour_list": ("sort=person", "sort=starts")}


HEALTHZ_MS: list[float] = []  # every /healthz between the pages: how loaded the machine was


def measure(client: Client, path: str, runs: int) -> dict:
    times, queries = [], 0

    def count(execute_, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute_(sql, params, many, context)

    for _ in range(runs):
        started = time.perf_counter()
        client.get("/healthz")
        HEALTHZ_MS.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with connection.execute_wrapper(count):
        client.get(path)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        client.get(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    times.sort()
    return {"median": statistics.median(times), "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
            "queries": queries, "mb": peak / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="the shape's size (1 = the issue's full shape)")
    parser.add_argument("--runs", type=int, default=9, help="timed requests per page and organization")
    parser.add_argument("--fresh", action="store_true", help="drop a kept scratch database and load again")
    parser.add_argument("--only", default="", help="only the pages whose route name contains this")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.2f} (2-core machine shared with others)", flush=True)
    now = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    if args.fresh:
        with scratch_database(keep=False):
            pass
    with scratch_database(keep=True):
        if not loaded():
            started = time.perf_counter()
            print(f"loading the shape at scale {args.scale} …", flush=True)
            load(args.scale, now)
            print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
        else:
            print("reusing the loaded shape (--fresh to load again)", flush=True)
        results: dict[str, dict[str, dict]] = {}
        for slug in ("big", "medium1", "small"):
            member = hr_of(slug)
            client = Client()
            client.force_login(member.user)
            pages = pages_for(client, member)
            print(f"{slug}: {len(pages)} pages open for HR", flush=True)
            for name, path in pages.items():
                if args.only and args.only not in name:
                    continue
                results.setdefault(name, {})[slug] = measure(client, path, args.runs)
        print(f"\n{'page':<34} {'big med':>8} {'p95':>7} {'q':>4} {'MB':>6} {'medium':>7} {'small':>7} "
              f"{'s/b':>5}  over budget")
        over = 0
        for name in sorted(results):
            row = results[name]
            big, medium, small = row.get("big"), row.get("medium1"), row.get("small")
            if big is None:
                continue
            ratio = small["median"] / big["median"] if small else None
            flags = []
            if big["median"] > BUDGET_MEDIAN_MS:
                flags.append("median")
            if big["p95"] > BUDGET_P95_MS:
                flags.append("p95")
            if big["mb"] > BUDGET_MB:
                flags.append("memory")
            if ratio is not None and ratio > BUDGET_RATIO and small["median"] > 10:
                flags.append("small/big")
            over += bool(flags)
            print(f"{name:<34} {big['median']:>8.1f} {big['p95']:>7.1f} {big['queries']:>4} {big['mb']:>6.1f} "
                  f"{medium['median'] if medium else float('nan'):>7.1f} "
                  f"{small['median'] if small else float('nan'):>7.1f} "
                  f"{ratio if ratio is not None else float('nan'):>5.2f}  {' '.join(flags)}")
        print(f"\n{len(results)} pages; {over} over budget (median {BUDGET_MEDIAN_MS:.0f} ms, p95 {BUDGET_P95_MS:.0f} "
              f"ms, {BUDGET_MB:.0f} MB, small/big {BUDGET_RATIO}); /healthz median "
              f"{statistics.median(HEALTHZ_MS or [0]):.1f} ms; load average at the end: "
              f"{os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
