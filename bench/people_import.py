"""Benchmark: a people import of 5,000 rows with managers — preview, apply, preview again, apply again.

    make bench ARGS=people        # or: .venv/bin/python -m alliance.devenv bench people [--rows 5000]

In a scratch database (as the application role, under row-level security), an organization with its
administrator imports a CSV of ``--rows`` people: one head of the company, 50 managers under them, and
everyone else under one of the managers. It prints the seconds each step takes; the second preview must
find every row unchanged and the second apply must change nothing. Goals: preview < 10 s, apply < 30 s.
The machine may be shared, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings.test")
os.environ.setdefault("TEST_DB_SUFFIX", "_bench")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402

from alliance import tenancy  # noqa: E402
from alliance.models import Membership, MembershipChange  # noqa: E402
from alliance.services import organization_create  # noqa: E402
from alliance.services.imports import HEADERS, people_import_apply, people_import_preview  # noqa: E402
from alliance.spreadsheets import table_bytes  # noqa: E402
from alliance.testing import scratch_database  # noqa: E402

MANAGERS = 50


def people_file(rows: int) -> bytes:
    people = [["head@bench.example", "Head of Company", "CEO", "Board", "manager", "admin@bench.example",
               "2010-01-04", "Europe/London"]]
    for m in range(MANAGERS):
        people.append([f"manager{m}@bench.example", f"Manager {m}", "Engineering Manager", f"Team {m}", "manager",
                       "head@bench.example", "2014-05-01", "Europe/Berlin"])
    for e in range(rows - len(people)):
        people.append([f"person{e}@bench.example", f"Person {e}", "Engineer", f"Team {e % MANAGERS}", "employee",
                       f"manager{e % MANAGERS}@bench.example", f"{2015 + e % 10}-0{1 + e % 9}-1{e % 9}", ""])
    return table_bytes(HEADERS, people, "csv")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def timed(label: str, work):
    started = time.perf_counter()
    with transaction.atomic():
        result = work()
    seconds = time.perf_counter() - started
    print(f"{label:<28} {seconds:6.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    content = people_file(args.rows)
    print(f"{args.rows:,} rows, {len(content) / 1024:.0f} KB of CSV; {load_average()}")
    with scratch_database():
        _org, admin = organization_create(name="Bench", slug="bench", admin_email="admin@bench.example",
                                          admin_password=None, admin_name="Admin")
        with tenancy.tenant_context(admin.organization_id):
            admin = Membership.objects.select_related("user", "organization").get(pk=admin.pk)
            upload = lambda: SimpleUploadedFile("people.csv", content)  # noqa: E731
            first, preview_s = timed("preview (all new)", lambda: people_import_preview(by=admin, uploaded=upload()))
            assert (first.new_count, first.error_count) == (args.rows, 0), (first.new_count, first.error_count)
            _, apply_s = timed("apply (all new)", lambda: people_import_apply(people_import=first, by=admin))
            assert Membership.objects.count() == args.rows + 1
            changes = MembershipChange.objects.count()
            second, again_s = timed("preview again (unchanged)",
                                    lambda: people_import_preview(by=admin, uploaded=upload()))
            assert (second.unchanged_count, second.new_count, second.changed_count) == (args.rows, 0, 0)
            _, reapply_s = timed("apply again (no change)", lambda: people_import_apply(people_import=second, by=admin))
            assert Membership.objects.count() == args.rows + 1 and MembershipChange.objects.count() == changes
    verdict = "met" if preview_s < 10 and apply_s < 30 else "NOT met"
    print(f"goals (preview < 10 s, apply < 30 s): {verdict}; {load_average()}")


if __name__ == "__main__":
    main()
