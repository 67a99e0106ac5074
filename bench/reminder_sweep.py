"""Benchmark: the checkpoint-reminder sweep over 1,000,000 checkpoints in 1,000 organizations,
and the same due set claimed in 10,000 organizations.

    make bench            # or: .venv/bin/python -m alliance.devenv bench

Loads, into a scratch database (created by the owner role, used by the RLS-bound
application role), organizations with a manager and ten employees each, one active
tour per employee, and checkpoints spread over the past and the future; exactly
``--due`` of them are scheduled inside the reminder window. It then times the
sweep's selection and its ledger claim (rows inserted, delivery tasks enqueued on
a private queue that is purged afterwards) and counts its SQL queries. To show
that the selection does not grow with checkpoints that are not due, it measures
once with a tenth of the checkpoints loaded and again with all of them, on the
same due set. Then it claims the same number of due reminders spread over 10,000
organizations (``--scale-orgs``): the claim is one statement, so its query count
stays the same. The machine may be shared, so it prints the load average with the
figures, and the CPU time the claim cost in this process and in its database server
process (read from /proc when the server runs on this machine).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from alliance import reminders as alliance_reminders  # noqa: E402
from alliance import tenancy  # noqa: E402
from alliance.celery import app as celery_app  # noqa: E402
from alliance.reminders import reminders_claim  # noqa: E402
from alliance.testing import app_role_config, owner_role_config, scratch_database, use_role  # noqa: E402
from tours import reminders  # noqa: E402

EMPLOYEES_PER_ORG = 10


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def load_people(orgs: int, now) -> None:
    with tenancy.cross_tenant(reason="benchmark: load organizations and people"):
        execute(
            """
            INSERT INTO alliance_organization (name, slug, mission, values, time_zone, currency,
                checkpoint_days_before, agenda_nudge_days_before, overdue_days_after, overdue_max_reminders,
                tour_ending_days_before, first_conversation_followup_working_days, created_at, updated_at)
            SELECT 'Bench ' || g, 'bench-' || g, '', '', 'UTC', 'USD', '{7,1}', 2, 1, 3, '{180,90,30}', 2,
                   %(now)s, %(now)s
            FROM generate_series(1, %(orgs)s) AS g
            """,
            {"orgs": orgs, "now": now},
        )
        per_org = EMPLOYEES_PER_ORG + 1
        execute(
            """
            INSERT INTO alliance_user (email, full_name, time_zone, password, is_active, is_staff, is_superuser,
                                       date_joined)
            SELECT 'bench' || g || '@example.com', 'Bench person ' || g, 'UTC', '!', true, false, false, %(now)s
            FROM generate_series(1, %(n)s) AS g
            """,
            {"n": orgs * per_org, "now": now},
        )
        # Person k of organization o: k = 0 is the manager.
        execute(
            """
            INSERT INTO alliance_membership (organization_id, user_id, role, status, title, team, aspirations,
                                             values, employment_started_on, created_at, updated_at)
            SELECT o.id, u.id, CASE WHEN (u.rn - 1) %% %(per)s = 0 THEN 'manager' ELSE 'employee' END, 'active',
                   '', '', '', '', %(today)s, %(now)s, %(now)s
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM alliance_user
                  WHERE email LIKE 'bench%%') AS u
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM alliance_organization) AS o
              ON o.rn = (u.rn - 1) / %(per)s + 1
            """,
            {"per": per_org, "now": now, "today": now.date()},
        )
        execute(
            """
            UPDATE alliance_membership e SET manager_id = m.id
            FROM alliance_membership m
            WHERE m.organization_id = e.organization_id AND m.role = 'manager' AND e.role = 'employee'
            """
        )
        execute(
            """
            INSERT INTO tours_tour (organization_id, employee_id, manager_id, kind, title, mission,
                company_objectives, employee_benefits, success_company, success_employee, alignment_notes,
                start_date, end_date, cadence_months, next_tour_lead_days, status, closing_note,
                changes_requested, next_tour_plan, next_tour_plan_notes, created_at, updated_at)
            SELECT e.organization_id, e.id, e.manager_id, 'transformational', 'Bench tour', 'm', 'c', 'e', '', '',
                   '', %(start)s, %(end)s, 6, 180, 'active', '', '', '', '', %(now)s, %(now)s
            FROM alliance_membership e WHERE e.role = 'employee'
            """,
            {"start": now.date() - timedelta(days=365), "end": now.date() + timedelta(days=1000), "now": now},
        )


def load_checkpoints(*, first: int, count: int, due: int, now) -> None:
    """Checkpoints number ``first``..``first+count-1``; numbers below ``due`` fall inside the window."""
    with tenancy.cross_tenant(reason="benchmark: load checkpoints"):
        execute(
            """
            WITH tours AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(organization_id ORDER BY id) AS orgs,
                                  count(*)::int AS n FROM tours_tour)
            INSERT INTO tours_checkpoint (organization_id, tour_id, uid, sequence, scheduled_at, duration_minutes,
                location, status, confirmed, progress, manager_notes, employee_notes, course_corrections,
                created_at, updated_at)
            SELECT t.orgs[1 + (CASE WHEN g < %(due)s THEN g * %(per_org)s ELSE g END) %% t.n],
                   t.ids[1 + (CASE WHEN g < %(due)s THEN g * %(per_org)s ELSE g END) %% t.n],
                   md5(g::text || 'cp')::uuid, 0,
                   CASE
                     WHEN g < %(due)s THEN %(now)s + make_interval(mins => 30 + (g %% 9000))
                     WHEN g %% 2 = 0 THEN %(now)s - make_interval(days => 1 + (g %% 700))
                     ELSE %(now)s + make_interval(days => 61 + (g %% 900))
                   END,
                   45, '',
                   CASE WHEN g < %(due)s THEN 'scheduled' WHEN g %% 2 = 0 THEN 'completed' ELSE 'scheduled' END,
                   true, '', '', '', '', %(now)s, %(now)s
            FROM generate_series(%(first)s, %(last)s) AS g CROSS JOIN tours t
            """,
            # Due checkpoints go to every EMPLOYEES_PER_ORG-th tour: one organization after another.
            {"first": first, "last": first + count - 1, "due": due, "now": now, "per_org": EMPLOYEES_PER_ORG},
        )
    vacuum_analyze()


def vacuum_analyze() -> None:
    """What autovacuum does after a bulk load; only the owner of the tables may."""
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for table in ("alliance_organization", "alliance_membership", "tours_tour", "tours_checkpoint",
                      "alliance_reminder"):
            execute(f"VACUUM ANALYZE {table}")
    finally:
        use_role(app)


def backend_cpu_s(pid: int) -> float | None:
    """CPU seconds used so far by the database server process ``pid``, when it runs on this machine.

    On a shared machine the elapsed time of the claim depends on the other processes; the CPU
    time it costs (here and in the database) does not, or much less.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a remote database server
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(now) -> dict:
    plan = explain(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    top_buffers = next(line for line in plan.splitlines() if "Buffers:" in line)  # the root node's
    buffers = sum(int(count) for count in re.findall(r"(?:hit|read)=(\d+)", top_buffers))
    queries = 0
    insert_s = 0.0

    def count(execute_, sql, params, many, context):
        nonlocal queries, insert_s
        queries += 1
        started = time.perf_counter()
        try:
            return execute_(sql, params, many, context)
        finally:
            if "INSERT INTO alliance_reminder" in sql:
                insert_s += time.perf_counter() - started

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        with tenancy.cross_tenant(reason="benchmark: reminder sweep selection"):
            due = reminders.due_checkpoint_reminders(now)
        selected = time.perf_counter()
        enqueue_s = 0.0
        messages = 0
        publish = alliance_reminders._enqueue_deliveries

        def timed_publish(batches):
            nonlocal enqueue_s, messages
            messages += len(batches)
            started_publish = time.perf_counter()
            publish(batches)
            enqueue_s += time.perf_counter() - started_publish

        alliance_reminders._enqueue_deliveries = timed_publish
        claim_started = time.perf_counter()
        python_cpu, database_cpu = time.process_time(), backend_cpu_s(backend)
        try:
            with transaction.atomic():
                claimed = reminders_claim(due)
        finally:
            alliance_reminders._enqueue_deliveries = publish
        finished = time.perf_counter()
        python_cpu = time.process_time() - python_cpu
        if database_cpu is not None:
            database_cpu = backend_cpu_s(backend) - database_cpu
    return {
        "load": os.getloadavg()[0],  # the machine is shared: the figures mean little without it
        "due_reminders": len(due),
        "due_orgs": len({item.organization_id for item in due}),
        "claimed": len(claimed),
        "select_s": selected - started,
        "claim_s": finished - claim_started,
        "queries": queries,
        "insert_s": insert_s,
        "enqueue_s": enqueue_s,
        "messages": messages,
        "python_cpu_s": python_cpu,
        "database_cpu_s": database_cpu,
        "buffers": buffers,
        "plan": plan,
    }


def explain(now) -> str:
    """The selection's plan with buffer counts: what it reads, not only how long it takes."""
    captured: list[tuple[str, dict]] = []

    def capture(execute_, sql, params, many, context):
        captured.append((sql, params))
        return execute_(sql, params, many, context)

    with connection.execute_wrapper(capture), tenancy.cross_tenant(reason="benchmark: capture the sweep query"):
        reminders.due_checkpoint_reminders(now)
    sql, params = next((q, p) for q, p in captured if "tours_checkpoint" in q)
    with tenancy.cross_tenant(reason="benchmark: explain the sweep query"), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def report(label: str, figures: dict, checkpoints: int) -> None:
    print(
        f"{label:<34} checkpoints={checkpoints:>9,} due reminders={figures['due_reminders']:>6,} "
        f"claimed={figures['claimed']:>6,} select={figures['select_s'] * 1000:8.1f} ms "
        f"ledger+enqueue={figures['claim_s'] * 1000:8.1f} ms (insert {figures['insert_s'] * 1000:.0f} ms, "
        f"enqueue {figures['enqueue_s'] * 1000:.0f} ms) queries={figures['queries']} "
        f"pages read by the selection={figures['buffers']:,} load average={figures['load']:.2f}"
    )


def cpu_ms(figures: dict) -> str:
    database = figures["database_cpu_s"]
    return f"{figures['python_cpu_s'] * 1000:.0f} + " + ("n/a" if database is None else f"{database * 1000:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--scale-orgs", type=int, nargs="*", default=[10_000],
                        help="more organization counts to claim the same due set in (query count and time)")
    parser.add_argument("--checkpoints", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--explain", action="store_true", help="print the selection's query plan")
    args = parser.parse_args()

    queue = f"bench-{os.getpid()}"
    celery_app.conf.task_default_queue = queue
    now = timezone.now().replace(microsecond=0)
    print(f"load average at the start (1, 5, 15 min): {', '.join(f'{load:.2f}' for load in os.getloadavg())}; "
          f"{os.cpu_count()} cores")
    claims = []
    with scratch_database():
        started = time.perf_counter()
        load_people(args.orgs, now)
        first_part = max(args.checkpoints // 10, args.due)
        load_checkpoints(first=0, count=first_part, due=args.due, now=now)
        print(f"loaded {args.orgs:,} organizations and {first_part:,} checkpoints "
              f"in {time.perf_counter() - started:.1f} s")
        small = measure(now)
        report("sweep, 1/10 of the checkpoints", small, first_part)
        execute("TRUNCATE alliance_reminder CASCADE")
        started = time.perf_counter()
        load_checkpoints(first=first_part, count=args.checkpoints - first_part, due=args.due, now=now)
        print(f"loaded {args.checkpoints - first_part:,} more checkpoints (none due) "
              f"in {time.perf_counter() - started:.1f} s")
        full = measure(now)
        report("sweep, all checkpoints", full, args.checkpoints)
        claims.append((args.orgs, full))
        if args.explain:
            print(full["plan"])
        vacuum_analyze()
        again = measure(now)
        report("second sweep (all in the ledger)", again, args.checkpoints)
        purge(queue)
        print(f"with 10x the checkpoints the selection reads x{full['buffers'] / small['buffers']:.2f} the pages "
              f"and takes x{full['select_s'] / small['select_s']:.2f} the time")
    for orgs in args.scale_orgs:
        with scratch_database():
            load_people(orgs, now)
            first_part = max(args.checkpoints // 10, args.due)
            load_checkpoints(first=0, count=first_part, due=args.due, now=now)
            figures = measure(now)
            report(f"sweep, {orgs:,} organizations", figures, first_part)
            claims.append((orgs, figures))
            purge(queue)
    print("\nclaim of the due reminders by number of organizations (one INSERT … SELECT for all of them):")
    print(f"{'organizations':>14} {'organizations due':>18} {'reminders':>10} {'claim ms':>9} {'insert ms':>10} "
          f"{'enqueue ms':>11} {'messages':>9} {'SQL queries':>12} {'CPU ms (app + db)':>18} {'load average':>13}")
    for orgs, figures in claims:
        print(f"{orgs:>14,} {figures['due_orgs']:>18,} {figures['claimed']:>10,} "
              f"{figures['claim_s'] * 1000:>9.1f} {figures['insert_s'] * 1000:>10.1f} "
              f"{figures['enqueue_s'] * 1000:>11.1f} {figures['messages']:>9,} {figures['queries']:>12} "
              f"{cpu_ms(figures):>18} {figures['load']:>13.2f}")
    print(f"load average now (1, 5, 15 min): {', '.join(f'{load:.2f}' for load in os.getloadavg())}; "
          f"{os.cpu_count()} cores")


def purge(queue: str) -> None:
    with celery_app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge(queue) or 0
    print(f"purged {purged:,} delivery tasks from the private queue {queue}")


if __name__ == "__main__":
    main()
