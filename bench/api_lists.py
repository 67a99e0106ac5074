"""Benchmark: the API lists at scale, over HTTP against gunicorn with the production settings.

    make bench-api        # or: .venv/bin/python -m alliance.devenv bench-api [--duration 10]

Loads, into a scratch database (created by the owner role, used by the RLS-bound
application role), one organization with 100,000 tours of 10,000 members and one with
1,000 tours of 100 members, their rows interleaved in time, and a checkpoint per tour.
Then, for each organization with an HR token:

* in-process: the time of ``GET /api/v1/tours/?page_size=50`` through the whole Django
  stack vs the same 50 rows read with raw SQL under the same tenant setting and
  serialized with orjson, its SQL query count, and the ``EXPLAIN`` of its list query;
* over HTTP: gunicorn (deploy/gunicorn.conf.py, production settings) driven by wrk
  (8 connections) on the tours and checkpoints lists: req/s, p50/p95/p99, errors;
* a full sync walk of the big organization (all 100,000 tours, 500 per page, by cursor)
  with its total time and the peak resident memory of the web workers.

wrk comes from the distribution (Debian: ``apt-get install wrk``; installed here when
missing and running as root).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench_api")

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from alliance import tenancy  # noqa: E402
from alliance.models import Membership  # noqa: E402
from alliance.services import api_token_create  # noqa: E402
from alliance.testing import app_role_config, owner_role_config, scratch_database, use_role  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = 8791
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency.max,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


SIZES = (("big", 10_000, 100_000), ("small", 100, 1_000))


def load(now, sizes: tuple[tuple[str, int, int], ...] = SIZES) -> dict[str, int]:
    """Two organizations: ``big`` (10,000 members, 100,000 tours) and ``small`` (100, 1,000), or ``sizes``:
    (slug, members, tours) each, set-based (generate_series)."""
    orgs = {}
    with tenancy.cross_tenant(reason="benchmark: load the API list organizations"):
        for slug, people, tours in sizes:
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO alliance_organization (name, slug, mission, values, time_zone, currency,
                        checkpoint_days_before, agenda_nudge_days_before, overdue_days_after, overdue_max_reminders,
                        tour_ending_days_before, first_conversation_followup_working_days, created_at, updated_at)
                    VALUES (%s, %s, '', '', 'UTC', 'USD', '{7,1}', 2, 1, 3, '{180,90,30}', 2, %s, %s) RETURNING id
                    """,
                    [f"Bench {slug}", f"bench-{slug}", now, now],
                )
                org = cursor.fetchone()[0]
            orgs[slug] = org
            execute(
                """
                INSERT INTO alliance_user (email, full_name, time_zone, password, is_active, is_staff, is_superuser,
                                           date_joined)
                SELECT %(slug)s || g || '@bench.example', 'Person ' || g || ' of ' || %(slug)s, 'UTC', '!', true,
                       false, false, %(now)s
                FROM generate_series(0, %(n)s - 1) AS g
                """,
                {"slug": slug, "n": people, "now": now},
            )
            # Person 0 is HR; every tenth person manages the nine after them.
            execute(
                """
                INSERT INTO alliance_membership (organization_id, user_id, role, status, title, team, aspirations,
                                                 values, employment_started_on, created_at, updated_at)
                SELECT %(org)s, u.id,
                       CASE WHEN n = 0 THEN 'hr' WHEN n %% 10 = 0 THEN 'manager' ELSE 'employee' END,
                       'active', 'Engineer', 'Team ' || (n / 10), '', '', %(today)s, %(now)s, %(now)s
                FROM (SELECT id, (regexp_match(email, '^[a-z]+([0-9]+)@'))[1]::int AS n FROM alliance_user
                      WHERE email LIKE %(like)s) AS u
                """,
                {"org": org, "today": now.date(), "now": now, "like": f"{slug}%@bench.example"},
            )
            execute(
                """
                UPDATE alliance_membership e SET manager_id = m.id
                FROM alliance_membership m, alliance_user ue, alliance_user um
                WHERE e.organization_id = %(org)s AND m.organization_id = %(org)s AND ue.id = e.user_id
                  AND um.id = m.user_id AND e.role = 'employee' AND m.role = 'manager'
                  AND um.email = %(slug)s || ((regexp_match(ue.email, '^[a-z]+([0-9]+)@'))[1]::int / 10 * 10)
                                 || '@bench.example'
                """,
                {"org": org, "slug": slug},
            )
            # Tours spread over the same two years in both organizations, so their updated_at interleave.
            execute(
                """
                WITH people AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(coalesce(manager_id, 0) ORDER BY id)
                                AS managers, count(*)::int AS n
                                FROM alliance_membership WHERE organization_id = %(org)s AND role = 'employee'),
                     hr AS (SELECT id FROM alliance_membership WHERE organization_id = %(org)s AND role = 'hr')
                INSERT INTO tours_tour (organization_id, employee_id, manager_id, kind, title, mission,
                    company_objectives, employee_benefits, success_company, success_employee, alignment_notes,
                    start_date, end_date, cadence_months, next_tour_lead_days, status, closing_note,
                    changes_requested, next_tour_plan, next_tour_plan_notes, created_at, updated_at)
                SELECT %(org)s, p.ids[1 + g %% p.n],
                       CASE WHEN p.managers[1 + g %% p.n] = 0 THEN hr.id ELSE p.managers[1 + g %% p.n] END,
                       (ARRAY['transformational', 'rotational', 'foundational'])[1 + g %% 3],
                       'Tour ' || g || ': rebuild the platform',
                       'Rebuild the data platform so every team can ship weekly.',
                       'A platform that serves 10 teams.', 'Lead a cross-team project.', 'Ten teams on it.',
                       'A conference talk.', '', %(today)s - (g %% 700), %(today)s - (g %% 700) + 1000, 6, 180,
                       CASE WHEN g %% 4 = 0 THEN 'completed' ELSE 'draft' END, '', '', '', '',
                       %(now)s - make_interval(secs => (g * %(spread)s)::int),
                       %(now)s - make_interval(secs => (g * %(spread)s)::int)
                FROM generate_series(0, %(tours)s - 1) AS g, people p, hr
                """,
                {"org": org, "tours": tours, "today": now.date(), "now": now,
                 "spread": 2 * 365 * 86400 / tours},
            )
            execute(
                """
                INSERT INTO tours_checkpoint (organization_id, tour_id, uid, sequence, scheduled_at, duration_minutes,
                    location, status, confirmed, progress, manager_notes, employee_notes, course_corrections,
                    created_at, updated_at)
                SELECT organization_id, id, md5(id::text || 'cp')::uuid, 0, updated_at + interval '30 days', 45,
                       'Room 1', 'scheduled', true, '', 'Notes', '', '', updated_at, updated_at
                FROM tours_tour WHERE organization_id = %(org)s
                """,
                {"org": org},
            )
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for table in ("alliance_organization", "alliance_user", "alliance_membership", "tours_tour",
                      "tours_checkpoint"):
            execute(f"VACUUM ANALYZE {table}")
    finally:
        use_role(app)
    return orgs


def hr_token(org: int) -> str:
    with tenancy.tenant_context(org):
        member = Membership.objects.for_org(org).select_related("organization").get(role="hr")
        return api_token_create(by=member, name="benchmark")[1]


def in_process(token: str, org: int, path: str, repeat: int) -> dict:
    """Mean time through the whole Django stack vs raw SQL + orjson for the same rows."""
    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.get(path)  # warm up; the token's first use records last_used_at
    captured: list[str] = []

    def capture(execute_, sql, params, many, context):
        captured.append(context["cursor"].mogrify(sql, params).decode() if params else sql)
        return execute_(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    list_sql = next(sql for sql in captured if 'FROM "tours_tour"' in sql and "LIMIT" in sql)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        client.get(path)
    django_s = (time.perf_counter() - started) / repeat
    django_cpu_s = (time.process_time() - cpu_started) / repeat

    raw = f"""
        SELECT t.id, t.employee_id, ue.email, ue.full_name, t.manager_id, um.email, um.full_name, t.kind, t.status,
               t.title, t.mission, t.company_objectives, t.employee_benefits, t.success_company,
               t.success_employee, t.alignment_notes, t.start_date, t.end_date, t.cadence_months,
               t.next_tour_lead_days, t.previous_tour_id, t.program_id, t.cohort_id, t.proposed_at, t.accepted_at,
               t.closed_at, t.closing_note, t.changes_requested, t.first_conversation_granted_on,
               t.next_tour_plan, t.next_tour_plan_notes, t.next_tour_plan_recorded_at, t.created_at, t.updated_at
        FROM tours_tour t
        JOIN alliance_membership e ON e.id = t.employee_id JOIN alliance_user ue ON ue.id = e.user_id
        JOIN alliance_membership m ON m.id = t.manager_id JOIN alliance_user um ON um.id = m.user_id
        WHERE t.organization_id = {int(org)} ORDER BY t.updated_at, t.id LIMIT 50
    """  # noqa: S608
    names = ["id", "employee", "employee_email", "employee_name", "manager", "manager_email", "manager_name",
             "kind", "status", "title", "mission", "company_objectives", "employee_benefits", "success_company",
             "success_employee", "alignment_notes", "start_date", "end_date", "cadence_months",
             "next_tour_lead_days", "previous_tour", "program", "cohort", "proposed_at", "accepted_at", "closed_at",
             "closing_note", "changes_requested", "first_conversation_granted_on", "next_tour_plan",
             "next_tour_plan_notes", "next_tour_plan_recorded_at", "created_at", "updated_at"]
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        with transaction.atomic():
            tenancy.set_tenant(org)
            with connection.cursor() as cursor:
                cursor.execute(raw)
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            orjson.dumps({"next": None, "previous": None, "results": rows})
    raw_s = (time.perf_counter() - started) / repeat
    raw_cpu_s = (time.process_time() - cpu_started) / repeat
    with transaction.atomic():
        tenancy.set_tenant(org)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + list_sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return {"django_ms": django_s * 1000, "raw_ms": raw_s * 1000, "queries": len(captured),
            "django_cpu_ms": django_cpu_s * 1000, "raw_cpu_ms": raw_cpu_s * 1000,
            "rows": len(response.json()["results"]), "plan": plan}


def profile(token: str, path: str, repeat: int) -> str:
    """Where the time of ``repeat`` in-process requests goes, as pyinstrument's call tree."""
    from pyinstrument import Profiler

    client = Client(headers={"Authorization": f"Bearer {token}"})
    client.get(path)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(repeat):
            client.get(path)
    return profiler.output_text(unicode=False, color=False, flat=os.environ.get("PROFILE_FLAT") == "1")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk")
    return found


def start_gunicorn() -> subprocess.Popen:
    app = app_role_config()
    host = quote(app["HOST"], safe="") if str(app["HOST"]).startswith("/") else app["HOST"]
    port = f":{app['PORT']}" if app["PORT"] else ""
    url = (f"postgresql://{quote(app['USER'], safe='')}:{quote(app['PASSWORD'] or '', safe='')}@{host}{port}/"
           f"{connection.settings_dict['NAME']}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "alliance.settings.production", "DATABASE_URL": url,
           "SECURE_SSL_REDIRECT": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "GUNICORN_BIND": f"127.0.0.1:{PORT}", "GUNICORN_ACCESS_LOG": "/dev/null",
           # One token drives thousands of requests a second here: the per-token limit (600/min by
           # default) would answer 429 and measure the throttle, not the list.
           "API_TOKEN_THROTTLE_RATE": "10000000/min"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy" / "gunicorn.conf.py"), "alliance.wsgi"],
        env=env, cwd=BASE_DIR, start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    return process


def wrk(binary: str, token: str, path: str, duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        output = subprocess.run(
            [binary, "-t", "2", "-c", "8", "-d", f"{duration}s", "-s", script.name,
             "-H", f"Authorization: Bearer {token}", f"http://127.0.0.1:{PORT}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    fields = re.search(r"RESULT (.+)", output).group(1).split()
    requests, socket_errors, status_errors, duration_us = (int(v) for v in fields[:4])
    return {"rps": requests / (duration_us / 1e6), "errors": socket_errors + status_errors,
            "p50": float(fields[5]), "p95": float(fields[6]), "p99": float(fields[7]), "requests": requests}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, CPU ticks used) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def cpu_snapshot(master: int) -> dict[str, int]:
    """CPU ticks used so far by the web workers (gunicorn's children), PostgreSQL's processes, and
    the whole machine (busy and idle), to split a run's CPU per request."""
    totals = {"web": 0, "postgres": 0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (stat := _proc_stat(entry.name)) is None:
            continue
        if stat[0] == master:
            totals["web"] += stat[1]
        else:
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if command.startswith(b"postgres"):
                totals["postgres"] += stat[1]
    machine = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    totals["idle"] = machine[3] + machine[4]
    totals["machine"] = sum(machine[:8])
    return totals


def connections_per_worker(master: int) -> list[int]:
    """How many of the open connections to the benchmark's port each web worker holds."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == PORT:  # established
                inodes.add(fields[9])
    held = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(entry.name)) is not None and stat[0] == master:
            try:
                links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
            except OSError:
                continue
            held.append(sum(link[8:-1] in inodes for link in links if link.startswith("socket:[")))
    return sorted(held, reverse=True)


def measured_wrk(binary: str, token: str, path: str, duration: int, master: int) -> dict:
    """``wrk``, and what the run cost: CPU per request of the web workers, of PostgreSQL and of the
    whole machine, how idle the machine stayed, and how the connections spread over the workers."""
    spread: list[int] = []
    sampler = threading.Timer(duration / 2, lambda: spread.extend(connections_per_worker(master)))
    before = cpu_snapshot(master)
    sampler.start()
    figures = wrk(binary, token, path, duration)
    sampler.join()
    after = cpu_snapshot(master)
    used = {key: after[key] - before[key] for key in after}
    per_request = 1000 / CLOCK_TICKS / max(figures["requests"], 1)
    figures.update(web_cpu=used["web"] * per_request, postgres_cpu=used["postgres"] * per_request,
                   machine_cpu=(used["machine"] - used["idle"]) * per_request,
                   idle=used["idle"] / max(used["machine"], 1), spread="/".join(map(str, spread)))
    return figures


def load_average(when: str) -> str:
    """The machine's load average (1, 5, 15 min): the benchmark shares the cores with whatever else runs."""
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def worker_peak_rss_mb(master: int) -> float:
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M):
            peak = max(peak, int(re.search(r"^VmHWM:\s+(\d+)", text, re.M).group(1)))
    return peak / 1024


def sync_walk(token: str) -> tuple[int, float, int]:
    url = f"http://127.0.0.1:{PORT}/api/v1/tours/?page_size=500"
    seen, pages, started = 0, 0, time.perf_counter()
    while url:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            body = json.loads(response.read())
        seen += len(body["results"])
        pages += 1
        url = body["next"]
    return seen, time.perf_counter() - started, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint and organization")
    parser.add_argument("--repeat", type=int, default=200, help="in-process requests to average")
    parser.add_argument("--profile", action="store_true",
                        help="print where the in-process time of the big organization's list goes (pyinstrument) "
                             "and stop before the HTTP load")
    args = parser.parse_args()
    binary = ensure_wrk()
    print(load_average("at the start"))
    now = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    with scratch_database():
        started = time.perf_counter()
        orgs = load(now)
        tokens = {slug: hr_token(org) for slug, org in orgs.items()}
        print(f"loaded 101,000 tours and checkpoints of two organizations in {time.perf_counter() - started:.1f} s")
        path = "/api/v1/tours/?page_size=50"
        results = {slug: in_process(tokens[slug], orgs[slug], path, args.repeat) for slug in orgs}
        for slug, figures in results.items():
            print(f"in-process {path} [{slug}]: {figures['django_ms']:.2f} ms vs raw SQL + orjson "
                  f"{figures['raw_ms']:.2f} ms = x{figures['django_ms'] / figures['raw_ms']:.2f}; "
                  f"{figures['queries']} SQL queries; {figures['rows']} rows")
            print(f"    CPU time of this process per request: {figures['django_cpu_ms']:.2f} ms vs "
                  f"{figures['raw_cpu_ms']:.2f} ms = x{figures['django_cpu_ms'] / figures['raw_cpu_ms']:.2f} "
                  "(the rest of the time above is PostgreSQL's, and waiting for a core)")
        ratio = results["small"]["django_ms"] / results["big"]["django_ms"]
        print(f"small organization's list vs the big one's: x{ratio:.2f}")
        for slug in orgs:
            print(f"EXPLAIN of the tours list query [{slug}]:")
            print("    " + results[slug]["plan"].replace("\n", "\n    "))
        print(load_average("after the in-process figures"))
        if args.profile:
            print(profile(tokens["big"], path, args.repeat))
            return
        connection.close()
        server = start_gunicorn()
        try:
            print(f"\nwrk, 8 connections, {args.duration} s each, gunicorn (deploy/gunicorn.conf.py), "
                  "production settings")
            # Warm-up, not counted: every worker thread opens its database connection and fills its
            # per-process caches (compiled SQL fragments, the throttle's script) on its first requests.
            for endpoint in ("/api/v1/tours/?page_size=50", "/api/v1/checkpoints/?page_size=50"):
                wrk(binary, tokens["small"], endpoint, 2)
            print("(CPU ms per request: of the web workers, of PostgreSQL, of the whole machine; the machine's "
                  "idle share; connections per web worker at mid-run)")
            print(f"{'endpoint':<36} {'org':<6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
                  f" {'web':>6} {'pg':>6} {'all':>6} {'idle':>5}  spread")
            for endpoint in ("/api/v1/tours/?page_size=50", "/api/v1/checkpoints/?page_size=50"):
                for slug in orgs:
                    figures = measured_wrk(binary, tokens[slug], endpoint, args.duration, server.pid)
                    print(f"{endpoint:<36} {slug:<6} {figures['rps']:>8.1f} {figures['p50']:>8.1f} "
                          f"{figures['p95']:>8.1f} {figures['p99']:>8.1f} {figures['errors']:>7}"
                          f" {figures['web_cpu']:>6.2f} {figures['postgres_cpu']:>6.2f} {figures['machine_cpu']:>6.2f}"
                          f" {figures['idle']:>5.0%}  {figures['spread']}")
            print(load_average("after wrk"))
            seen, elapsed, pages = sync_walk(tokens["big"])
            print(f"\nsync walk of the big organization: {seen:,} tours in {pages} pages of 500 in {elapsed:.1f} s; "
                  f"peak web worker memory {worker_peak_rss_mb(server.pid):.0f} MB")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
