"""Tours from a spreadsheet: previewed, applied all or nothing as active tours with both sides named and a
history entry saying they were imported; the export in the import's columns reads back; API, rights, 404s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import PeopleImport, Reminder
from alliance.spreadsheets import read_table, table_bytes
from alliance.tenancy import tenant_context
from tours.models import Tour, TourRevision
from tours.selectors import tours_export_rows
from tours.services.imports import HEADERS, IMPORT_MAX_ROWS, tours_import_apply, tours_import_preview

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START, END = (TODAY - timedelta(days=200)).isoformat(), (TODAY + timedelta(days=500)).isoformat()


def upload(rows, fmt="csv", headers=None):
    return SimpleUploadedFile(f"tours.{fmt}", table_bytes(headers or HEADERS, rows, fmt))


def preview(hr, rows, **kwargs):
    with tenant_context(hr.organization_id):
        return tours_import_preview(by=hr, uploaded=upload(rows, **kwargs))


def test_apply_makes_active_tours_with_both_sides_and_an_imported_history(org, hr, manager, employee):
    rows = [["employee@acme.test", "", "Transformational", "Ship the =SUM(app)", START, END],
            ["manager@acme.test", "admin@acme.test", "foundational", "Lead the platform team", START, ""]]
    imported = preview(hr, rows, fmt="xlsx")
    assert (imported.kind, imported.new_count, imported.error_count) == ("tours", 2, 0)
    with tenant_context(org.pk):
        assert not Tour.objects.exists()
        tours_import_apply(tours_import=imported, by=hr)
        tour = Tour.objects.select_related("employee", "manager").get(employee=employee)
        assert (tour.status, tour.manager_id, tour.kind, tour.accepted_at is not None) == (
            "active", manager.pk, "transformational", True)
        revision = TourRevision.objects.get(tour=tour)
        assert revision.action == "imported" and "tours.xlsx" in revision.comment and revision.by_id == hr.pk
        assert sorted(Reminder.objects.filter(kind="tour_imported", subject_id=tour.pk)
                      .values_list("recipient_id", flat=True)) == sorted([employee.pk, manager.pk])
        tours_import_apply(tours_import=imported, by=hr)  # idempotent
        assert Tour.objects.count() == 2
        rows_out = tours_export_rows(organization_id=org.pk)
    for fmt in ("csv", "xlsx"):
        table = read_table(SimpleUploadedFile(f"x.{fmt}", table_bytes(HEADERS, rows_out, fmt)), max_bytes=10**6,
                           max_rows=10)
        assert table.headers == HEADERS
        assert table.rows[0] == ["employee@acme.test", "manager@acme.test", "transformational",
                                 "Ship the =SUM(app)", START, END]
    # Read back as an import, every row is refused only because the tours exist now.
    again = preview(hr, rows_out)
    assert all("active tour already" in entry["errors"][0] for entry in again.preview)


def test_refused_rows_and_nothing_changes(org, hr, manager, employee, admin):
    rows = [["employee@acme.test", "employee@acme.test", "rotational", "M", START, END],
            ["nobody@acme.test", "manager@acme.test", "odd", "", "soon", ""],
            ["manager@acme.test", "admin@acme.test", "rotational", "M", END, START],
            ["admin@acme.test", "manager@acme.test", "rotational", "M", (TODAY + timedelta(days=3)).isoformat(),
             END],
            ["employee@acme.test", "", "rotational", "M", START, ""]]
    imported = preview(hr, rows)
    errors = [" ".join(entry["errors"]) for entry in imported.preview]
    assert imported.error_count == 5
    assert "their own tour" in errors[0]
    assert all(word in errors[1] for word in ("not an active member", "not a tour kind", "mission", "not a date"))
    assert "after the start" in errors[2] and "not started yet" in errors[3]
    assert "more than once" in errors[4] and "needs an end" in errors[4]
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="nothing was changed"):
        tours_import_apply(tours_import=imported, by=hr)
    with tenant_context(org.pk):
        assert not Tour.objects.exists()


def test_bounds_and_rights(org, hr, manager, employee):
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="column"):
        tours_import_preview(by=hr, uploaded=upload([["employee@acme.test"]], headers=["Employee e-mail"]))
    many = [["employee@acme.test", "", "rotational", "M", START, END]] * (IMPORT_MAX_ROWS + 1)
    with tenant_context(org.pk), pytest.raises(ApplicationError, match="more than"):
        tours_import_preview(by=hr, uploaded=upload(many))
    long = preview(hr, [["employee@acme.test", "", "rotational", "M" * 5001, START, END]])
    assert "longer than 5000" in long.preview[0]["errors"][0]
    for member in (manager, employee):
        with tenant_context(org.pk), pytest.raises(NotAllowed):
            tours_import_preview(by=member, uploaded=upload([["employee@acme.test", "", "rotational", "M", START,
                                                              END]]))


def test_api_preview_apply_export_refusals_and_outsider_404(org, hr, manager, employee, outsider, api_for):
    api = api_for(hr)
    created = api.post("/api/v1/imports/tours/", {"file": upload([["employee@acme.test", "", "rotational",
                                                                    "Rotate", START, END]])})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["new"], body["errors"]) == (1, 0)
    assert api.get(f"/api/v1/imports/{body['id']}/").status_code == 404  # not a people import
    assert api_for(employee).post("/api/v1/imports/tours/", {"file": upload([])}).status_code == 403
    assert api_for(manager).get(f"/api/v1/imports/tours/{body['id']}/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/imports/tours/{body['id']}/").status_code == 404
    assert api_for(outsider).post(f"/api/v1/imports/tours/{body['id']}/apply/").status_code == 404
    applied = api.post(f"/api/v1/imports/tours/{body['id']}/apply/")
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    export = api.get("/api/v1/tours/export.csv")
    assert export.status_code == 200 and export.content.decode().startswith(",".join(HEADERS))
    assert api_for(outsider).get("/api/v1/tours/export.csv").content.decode().strip() == ",".join(HEADERS)
    assert api_for(employee).get("/api/v1/tours/export.csv").status_code == 403
    with tenant_context(org.pk):
        assert PeopleImport.objects.get(pk=body["id"]).status == "applied"
