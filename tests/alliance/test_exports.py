"""alliance.exports: CSV streamed row by row, read in keyset batches in the organization's tenant context."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliance import exports
from tests.tours.factories import TourFactory
from tours.models import Tour


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_cell_a_spreadsheet_would_run_is_defused():
    lines = "".join(exports.csv_lines(["a", "b", "c"], [["=1+1", "+33 1", 7], ["@SUM(A1)", "\t=x", "plain"]]))
    assert lines.splitlines() == ["a,b,c", "'=1+1,'+33 1,7", "'@SUM(A1),'\t=x,plain"]


@pytest.mark.django_db
def test_batches_are_read_in_id_order_each_in_its_tenant_context_outside_any_request(org, other_org, manager,
                                                                                       employee):
    today = timezone.localdate()
    made = [TourFactory(employee=employee, manager=manager, title=f"Tour {n}", start_date=today - timedelta(days=n))
            for n in range(7)]
    rows = exports.keyset_rows(Tour.objects.all(), organization_id=org.pk, batch_size=3,
                               to_rows=lambda batch: ([tour.pk, tour.title] for tour in batch))
    # Consumed here, with no tenant set (as a streaming response is, after the request): each batch sets its own.
    with CaptureQueriesContext(connection) as queries:
        read = list(rows)
    assert read == [[tour.pk, tour.title] for tour in sorted(made, key=lambda t: t.pk)]
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and "tours_tour" in q["sql"]]
    assert len(reads) == 3  # 3 + 3 + 1: never one query per row, never more than a batch in memory
    assert all("LIMIT 3" in sql and "ORDER BY" in sql for sql in reads)
    assert list(exports.keyset_rows(Tour.objects.all(), organization_id=other_org.pk,
                                    to_rows=lambda batch: batch)) == []  # another organization's rows stay unseen


@pytest.mark.django_db
def test_the_tours_export_streams_every_tour_in_batches(client_for, org, hr, manager, employee, monkeypatch):
    monkeypatch.setattr(exports, "BATCH_SIZE", 4)
    today = timezone.localdate()
    for n in range(10):
        TourFactory(employee=employee, manager=manager, title=f"Tour {n:02}", start_date=today - timedelta(days=n))
    response = client_for(hr).get(reverse("tours:list", args=[org.slug]), {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse) and response["Cache-Control"] == "private, no-store"
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(response)
    assert sorted(row["title"] for row in rows) == [f"Tour {n:02}" for n in range(10)]
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)
    assert rows[0]["employee_email"] == employee.user.email
    # 3 batches, each a bounded number of statements (the batch, its consents, the tenant setting).
    assert len(queries.captured_queries) <= 3 * 6


@pytest.mark.django_db
def test_the_notes_export_streams_every_note_in_batches(client_for, org, employee, monkeypatch):
    from alliance import tenancy
    from network_intel import services as intel_services

    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    with tenancy.tenant_context(org.pk):
        for n in range(5):
            intel_services.intel_note_create(by=employee, title=f"Note {n}", body="=cmd|' /C calc'!A0")
    response = client_for(employee).get(reverse("network_intel:notes_csv", args=[org.slug]))
    rows = rows_of(response)
    assert sorted(row["title"] for row in rows) == [f"Note {n}" for n in range(5)]
    assert {row["body"] for row in rows} == {"'=cmd|' /C calc'!A0"}
