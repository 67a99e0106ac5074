"""Benchmark: intel-note search and "who knows" over 1,000,000 notes in 1,000 organizations.

    make bench ARGS="intel"            # or: .venv/bin/python -m alliance.devenv bench intel [options]

Loads, into a scratch database (created by the owner role, used by the RLS-bound
application role), 1,000 organizations; one of them (the "big" one) holds 200,000
notes and 500 members, the others share the remaining 800,000 (about 800 each, 5
members each). Each organization has 40 companies; every note names one. Titles and
bodies are drawn from a 3,000-word vocabulary with a skewed (Zipf-like)
frequency, so some words are common and most are rare. The big organization has a
company with 1,000 contacts.

It then times, in the big organization and in a small one next to it, as a member
without reports (so every visibility rule applies), through the same selector the
search page uses (``network_intel.selectors.search_notes``: ranked page of 20 with
highlighted snippets, total count):

* single-word queries (words of middling frequency),
* multi-word queries (two or three such words),
* company-name typos (trigram match on the company, plus full text),

and prints p50/p95 per kind; the facet counts the page adds are timed separately.
Then "who knows someone at X" for the company with 1,000 contacts.

With ``--reuse`` the scratch database stays after the run, and the next run with
``--reuse`` and the same sizes skips the load (its migrations still run, so a changed
search function or vector reaches the loaded notes); other sizes, or a load that did
not finish, are loaded again from empty tables.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench_intel")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from alliance import tenancy  # noqa: E402
from alliance.models import Membership  # noqa: E402
from alliance.testing import app_role_config, owner_role_config, scratch_database, use_role  # noqa: E402
from network_intel import selectors, services  # noqa: E402
from network_intel.demo import COMPANIES  # noqa: E402
from network_intel.models import Company, IntelNote  # noqa: E402
from network_intel.text import company_key  # noqa: E402

VOCABULARY = 3000
SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "qui", "dan", "fe", "gor", "hal", "jin", "mur", "nes",
             "pol", "ris", "ul", "bar", "cen"]


def vocabulary(n: int) -> list[str]:
    rng = random.Random(11)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3, 3, 4])))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def as_owner(*statements: str) -> None:
    app = app_role_config()
    use_role(owner_role_config())
    try:
        for statement in statements:
            execute(statement)
    finally:
        use_role(app)


def load(*, orgs: int, notes: int, big_notes: int, words: list[str], now) -> None:
    names = [name for name, _, _ in COMPANIES]
    keys = [company_key(name) for name in names]
    with tenancy.cross_tenant(reason="benchmark: load organizations, people and companies"):
        execute(
            """
            INSERT INTO alliance_organization (name, slug, mission, values, time_zone, currency,
                checkpoint_days_before, agenda_nudge_days_before, overdue_days_after, overdue_max_reminders,
                tour_ending_days_before, first_conversation_followup_working_days, created_at, updated_at)
            SELECT 'Bench ' || g, 'bench-' || g, '', '', 'UTC', 'USD', '{7,1}', 2, 1, 3, '{180,90,30}', 2,
                   %(now)s, %(now)s
            FROM generate_series(1, %(orgs)s) AS g
            """, {"orgs": orgs, "now": now})
        people = 500 + (orgs - 1) * 5
        execute(
            """
            INSERT INTO alliance_user (email, full_name, time_zone, password, is_active, is_staff, is_superuser,
                                       date_joined)
            SELECT 'bench' || g || '@example.com', 'Bench person ' || g, 'UTC', '!', true, false, false, %(now)s
            FROM generate_series(1, %(n)s) AS g
            """, {"n": people, "now": now})
        execute(
            """
            INSERT INTO alliance_membership (organization_id, user_id, role, status, title, team, aspirations,
                                             values, employment_started_on, created_at, updated_at)
            SELECT o.id, u.id, 'employee', 'active', '', 'Team ' || (u.rn %% 10), '', '', %(today)s, %(now)s, %(now)s
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM alliance_user
                  WHERE email LIKE 'bench%%') AS u
            JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM alliance_organization) AS o
              ON o.rn = CASE WHEN u.rn <= 500 THEN 1 ELSE 2 + (u.rn - 501) / 5 END
            """, {"now": now, "today": now.date()})
        execute(
            """
            INSERT INTO network_intel_company (organization_id, name, name_key, domain, industry, created_at,
                                               updated_at)
            SELECT o.id, n.name, n.key, '', '', %(now)s, %(now)s
            FROM alliance_organization o CROSS JOIN unnest(%(names)s::text[], %(keys)s::text[]) AS n(name, key)
            ORDER BY o.id
            """, {"now": now, "names": names, "keys": keys})
    # The GIN index is built once after the load (as its owner), as one would for a bulk import.
    as_owner("DROP INDEX IF EXISTS intel_note_search_idx")
    started = time.perf_counter()
    with tenancy.cross_tenant(reason="benchmark: load notes"):
        load_notes(notes=notes, big_notes=big_notes, words=words, now=now)
    print(f"  notes and links: {time.perf_counter() - started:.0f} s", flush=True)
    with tenancy.cross_tenant(reason="benchmark: load contacts"):
        # Contacts: 1,000 at the big organization's first company, five per member elsewhere.
        execute(
            """
            WITH big AS (SELECT id FROM alliance_organization ORDER BY id LIMIT 1),
            c AS (SELECT min(id) AS id FROM network_intel_company WHERE organization_id = (SELECT id FROM big)),
            p AS (SELECT array_agg(id ORDER BY id) AS ids FROM alliance_membership
                  WHERE organization_id = (SELECT id FROM big))
            INSERT INTO network_intel_contact (organization_id, owner_id, name, company_id, title, met_where,
                strength, last_talked_on, email, phone, personal_notes, created_at, updated_at)
            SELECT (SELECT id FROM big), p.ids[1 + g %% cardinality(p.ids)], 'Contact ' || g, c.id, 'Engineer', '',
                   1 + g %% 3, %(today)s - (g %% 400), '', '', '', %(now)s, %(now)s
            FROM generate_series(1, 1000) AS g, c, p
            """, {"now": now, "today": now.date()})
        execute(
            """
            INSERT INTO network_intel_contact (organization_id, owner_id, name, company_id, title, met_where,
                strength, last_talked_on, email, phone, personal_notes, created_at, updated_at)
            SELECT m.organization_id, m.id, 'Contact', c.id, 'Manager', '', 2, %(today)s, '', '', '', %(now)s, %(now)s
            FROM alliance_membership m
            JOIN network_intel_company c ON c.organization_id = m.organization_id
            WHERE (c.id + m.id) %% 8 = 0
            """, {"now": now, "today": now.date()})
    started = time.perf_counter()
    as_owner(*INDEX_STATEMENTS, *[f"VACUUM ANALYZE {table}" for table in (
        "alliance_organization", "alliance_membership", "network_intel_company", "network_intel_contact",
        "network_intel_intelnote", "network_intel_intelnotecompany")])
    print(f"  compaction, GIN index, statistics: {time.perf_counter() - started:.0f} s", flush=True)


# The search index the migrations define, built once after a load (and again on a reused
# load, should it be missing): the same name and definition as in the migrations.
INDEX_STATEMENTS = (
    "SET maintenance_work_mem = '512MB'",
    "CREATE INDEX IF NOT EXISTS intel_note_search_idx ON network_intel_intelnote USING gin (search_vector)",
)

NOTE_COLUMNS = ("id", "organization_id", "author_id", "company_id", "company_name", "title", "body", "learned_on",
                "visibility", "created_at")
VISIBILITIES = ["private", "team", "team", "leadership"] + ["organization"] * 6


def load_notes(*, notes: int, big_notes: int, words: list[str], now) -> None:
    """Notes and their company links: generated here, streamed with COPY, inserted set-based.

    Note g (1-based): the first ``big_notes`` belong to the big organization, the rest go
    round-robin to the others. Its author is one of that organization's members, its
    company one of the organization's 40 (by g), and its title starts with the company's name.
    Its stored search vector is the one ``services.notes_reindex`` would store (the same
    SQL function, ``intel_note_vector``, of the same organization, company, title, company
    name and body; no tags, the organization's default language).
    Row-level security refuses COPY into the note table itself, so the rows go to a
    temporary table first and from there, in one statement each, into the notes and the
    links (as the application role, so the policy's WITH CHECK holds for every row).
    """
    rng = random.Random(7)
    size = len(words)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT o.id, (SELECT array_agg(m.id ORDER BY m.id) FROM alliance_membership m
                          WHERE m.organization_id = o.id),
                   (SELECT array_agg(c.id ORDER BY c.id) FROM network_intel_company c WHERE c.organization_id = o.id),
                   (SELECT array_agg(c.name ORDER BY c.id) FROM network_intel_company c
                    WHERE c.organization_id = o.id)
            FROM alliance_organization o ORDER BY o.id""")
        orgs = cursor.fetchall()
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_note (id bigint, organization_id bigint, author_id bigint,"
            " company_id bigint, company_name text, title text, body text, learned_on date, visibility text,"
            " created_at timestamptz) ON COMMIT DROP")
    today = now.date()

    def text(count: int) -> str:
        # A skewed (Zipf-like) choice: low indexes are common words, high ones rare.
        return " ".join(words[int(rng.random() ** 2.2 * size)] for _ in range(count))

    step = 50_000
    raw = connection.connection  # the psycopg2 connection under Django's, in the same transaction
    for first in range(1, notes + 1, step):
        buffer = io.StringIO()
        for g in range(first, min(notes, first + step - 1) + 1):
            org_id, authors, companies, names = orgs[0 if g <= big_notes else 1 + (g - big_notes) % (len(orgs) - 1)]
            k = g % len(companies)
            row = (g, org_id, authors[g % len(authors)], companies[k], names[k], f"{names[k]} {text(5)}", text(35),
                   today - timedelta(days=g % 365), VISIBILITIES[g % 10], now - timedelta(minutes=g % 500_000))
            buffer.write("\t".join(str(value) for value in row) + "\n")
        buffer.seek(0)
        with raw.cursor() as cursor:
            cursor.copy_expert(f"COPY bench_note ({', '.join(NOTE_COLUMNS)}) FROM STDIN", buffer)
    execute("""
        INSERT INTO network_intel_intelnote (id, organization_id, author_id, title, body, body_html, source_kind,
            learned_on, visibility, useful_until, search_vector, created_at, updated_at)
        SELECT id, organization_id, author_id, title, body, '', 'coffee', learned_on, visibility, NULL,
               intel_note_vector(%(config)s::regconfig, organization_id, ARRAY[company_id], title, NULL,
                                 company_name, body), created_at, %(now)s
        FROM bench_note ORDER BY id
        """, {"now": now, "config": "english"})
    execute("""
        INSERT INTO network_intel_intelnotecompany (organization_id, note_id, company_id, created_at, updated_at)
        SELECT organization_id, id, company_id, %(now)s, %(now)s FROM bench_note ORDER BY id
        """, {"now": now})


def loaded_sizes() -> tuple[int, int, int]:
    """Organizations, notes and the big organization's notes already in the scratch database."""
    with tenancy.cross_tenant(reason="benchmark: sizes of a reused load"), connection.cursor() as cursor:
        cursor.execute("""
            SELECT (SELECT count(*) FROM alliance_organization),
                   (SELECT count(*) FROM network_intel_intelnote),
                   (SELECT count(*) FROM network_intel_intelnote
                    WHERE organization_id = (SELECT min(id) FROM alliance_organization))""")
        return cursor.fetchone()


def check_vectors(org_id: int) -> None:
    """The loaded vectors are the application's: recompute one organization's with notes_reindex, compare."""
    def vectors() -> list[tuple[int, str]]:
        return list(IntelNote.objects.for_org(org_id).order_by("id").values_list("id", "search_vector"))

    with tenancy.tenant_context(org_id):
        loaded = vectors()
        services.notes_reindex(organization_id=org_id)
        if vectors() != loaded:
            raise SystemExit(f"organization {org_id}: the loaded search vectors differ from notes_reindex's")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, runs) -> list[float]:
    times = []
    for arguments in runs:
        started = time.perf_counter()
        fn(*arguments)
        times.append((time.perf_counter() - started) * 1000)
    return times


def typo(name: str, rng: random.Random) -> str:
    word = name.split()[0]
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def bench_org(label: str, org_id: int, words: list[str], *, runs: int, rng: random.Random) -> None:
    with tenancy.tenant_context(org_id):
        viewer = (Membership.objects.for_org(org_id).select_related("user").order_by("id")[1:2].get())
        names = list(Company.objects.for_org(org_id).values_list("name", flat=True))
        middling = words[150:1500]
        kinds = {
            "single word": [(rng.choice(middling),) for _ in range(runs)],
            "multi-word": [(" ".join(rng.sample(middling, rng.choice([2, 3]))),) for _ in range(runs)],
            "company typo": [(typo(rng.choice(names), rng),) for _ in range(runs)],
        }
        totals = {}

        def search(q: str) -> None:
            result = selectors.search_notes(viewer, selectors.SearchFilters(q=q), with_facets=False)
            totals.setdefault(kind, []).append(result.total)

        def facets(q: str) -> None:
            selectors.search_notes(viewer, selectors.SearchFilters(q=q), with_facets=True)

        notes = selectors.notes_visible_to(viewer).count()
        if os.environ.get("BENCH_PROFILE"):
            def show(execute_, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute_(sql, params, many, context)
                finally:
                    print(f"    {(time.perf_counter() - started) * 1000:7.1f} ms  {sql[:150]}")
            for q in (kinds["single word"][0][0], kinds["company typo"][0][0]):
                print("  profile of", q, selectors.company_matches(organization_id=org_id, text=q))
                with connection.execute_wrapper(show):
                    selectors.search_notes(viewer, selectors.SearchFilters(q=q), with_facets=False)
                captured = []

                def keep(execute_, sql, params, many, context, captured=captured):
                    captured.append((sql, params))
                    return execute_(sql, params, many, context)

                with connection.execute_wrapper(keep):
                    selectors.search_notes(viewer, selectors.SearchFilters(q=q), with_facets=False)
                for sql, params in captured[1:]:  # the page statement (the company match is the first)
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
                        print("\n".join(row[0] for row in cursor.fetchall()))
        print(f"\n{label}: organization {org_id}, {notes:,} notes visible to the viewer")
        for kind, queries in kinds.items():
            search(*queries[0])  # warm the caches the first query of a kind would pay
            times = timed(search, queries)
            matches = statistics.median(totals[kind])
            print(f"  {kind:<13} p50={percentile(times, 0.5):7.1f} ms  p95={percentile(times, 0.95):7.1f} ms  "
                  f"(median {matches:,.0f} matches, {runs} queries)")
        times = timed(facets, kinds["single word"][: max(5, runs // 4)])
        print(f"  {'+ facets':<13} p50={percentile(times, 0.5):7.1f} ms  p95={percentile(times, 0.95):7.1f} ms  "
              f"(single word, with the page's company/tag/source/author counts)")


def bench_who_knows(org_id: int, runs: int) -> None:
    with tenancy.tenant_context(org_id):
        viewer = Membership.objects.for_org(org_id).select_related("user").order_by("id")[1:2].get()
        company = Company.objects.for_org(org_id).order_by("id").first()
        rows = selectors.who_knows(member=viewer, company=company)
        contacts = sum(r.contact_count for r in rows)
        times = timed(lambda: selectors.who_knows(member=viewer, company=company), [()] * runs)
        by_name = timed(lambda: selectors.company_from_param(viewer, "Initeck"), [()] * runs)
    print(f"\nwho knows someone at {company.name}: {contacts:,} contacts of {len(rows)} members  "
          f"p50={percentile(times, 0.5):.1f} ms  p95={percentile(times, 0.95):.1f} ms; "
          f"resolving the typo 'Initeck' p50={percentile(by_name, 0.5):.1f} ms p95={percentile(by_name, 0.95):.1f} ms")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=200_000, help="notes of the big organization")
    parser.add_argument("--runs", type=int, default=60, help="queries per kind")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the scratch database after the run and reuse it next time: it is migrated to "
                             "the current schema, and loaded again only when it does not hold these sizes")
    args = parser.parse_args(argv)
    words = vocabulary(VOCABULARY)
    now = timezone.now().replace(microsecond=0)
    with scratch_database(keep=args.reuse):
        if args.reuse and loaded_sizes() == (args.orgs, args.notes, args.big):
            print(f"reusing the loaded scratch database: {args.orgs:,} organizations and {args.notes:,} notes "
                  f"({args.big:,} in the big one)")
            as_owner(*INDEX_STATEMENTS)
        else:
            if args.reuse:
                # Another size, or a load that did not finish: start from empty tables.
                as_owner("TRUNCATE alliance_organization, alliance_user RESTART IDENTITY CASCADE")
            started = time.perf_counter()
            load(orgs=args.orgs, notes=args.notes, big_notes=args.big, words=words, now=now)
            print(f"loaded {args.orgs:,} organizations and {args.notes:,} notes ({args.big:,} in the big one) "
                  f"in {time.perf_counter() - started:.0f} s")
        with tenancy.cross_tenant(reason="benchmark: pick the organizations"):
            big, small = list(Membership.objects.order_by("organization_id").values_list(
                "organization_id", flat=True).distinct()[:2])
        check_vectors(small)
        rng = random.Random(5)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                           "current_setting('shared_buffers')")
            size, buffers = cursor.fetchone()
        # A search reads a few thousand notes of the big organization: from PostgreSQL's cache when
        # it holds them (shared_buffers; the embedded server's is set by alliance/devenv.py from the
        # server's next start), else from the operating system's, several times slower.
        print(f"database {size}, PostgreSQL shared_buffers {buffers}")
        load_before = os.getloadavg()
        bench_org("big organization", big, words, runs=args.runs, rng=rng)
        bench_org("small organization", small, words, runs=args.runs, rng=rng)
        bench_who_knows(big, args.runs)
        print("\nload average (1, 5, 15 min) before the timings: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f} "
              "({} cores)".format(*load_before, *os.getloadavg(), os.cpu_count()))


if __name__ == "__main__":
    main(sys.argv[1:])
