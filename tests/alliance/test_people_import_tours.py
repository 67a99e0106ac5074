"""One people file brings each person's current tour along (the optional tour columns the tours app adds
to the people import): previewed with the people, applied in the same all-or-nothing transaction, idempotent,
a bad tour row refuses the whole file; a file without the columns behaves as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services.imports import HEADERS
from alliance.spreadsheets import table_bytes
from alliance.tenancy import tenant_context
from tests.alliance.test_people_import import TEAM, apply, person, preview, snapshot
from tours.models import Tour, TourRevision

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START, END = (TODAY - timedelta(days=200)).isoformat(), (TODAY + timedelta(days=500)).isoformat()
BEFORE = (TODAY - timedelta(days=300)).isoformat()
TOUR_HEADERS = [*HEADERS, "Tour kind", "Tour mission", "Tour start", "Tour end"]


def upload(rows, fmt="csv", headers=None):
    return SimpleUploadedFile(f"people.{fmt}", table_bytes(headers or TOUR_HEADERS, rows, fmt))


def with_tour(row, kind="", mission="", start="", end=""):
    return [*row, kind, mission, start, end]


def tours(org) -> list[tuple]:
    with tenant_context(org.pk):
        return list(Tour.objects.order_by("employee__user__email").values_list(
            "employee__user__email", "manager__user__email", "kind", "mission", "start_date", "end_date", "status"))


def file_rows():
    boss, lead, dev1, dev2 = TEAM
    return [with_tour(boss), with_tour(lead),
            with_tour(dev1, "Transformational", "Ship the =SUM(app) platform", START, END),
            with_tour(dev2, "foundational", "Learn the platform", START, ""),
            with_tour(person("employee@acme.test", role="employee", manager="manager@acme.test"),
                      "rotational", "Run the support rotation", START, END)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_and_their_tours_preview_then_apply_then_reapply_changes_nothing(fmt, org, admin, hr, manager,
                                                                                 employee):
    people_before = snapshot(org)
    imported = preview(hr, upload(file_rows(), fmt))
    assert (imported.new_count, imported.error_count) == (4, 0)
    extras = {entry["row"]: entry.get("extras") for entry in imported.preview}
    assert extras[2] is None and extras[3] is None
    assert [extras[row] for row in (4, 5, 6)] == [[{"label": "Tour", "kind": "new", "errors": []}]] * 3
    assert snapshot(org) == people_before and tours(org) == []  # a preview changes nothing

    apply(hr, imported)
    start, end = TODAY - timedelta(days=200), TODAY + timedelta(days=500)
    assert tours(org) == [
        ("dev1@acme.test", "lead@acme.test", "transformational", "Ship the =SUM(app) platform", start, end, "active"),
        ("dev2@acme.test", "lead@acme.test", "foundational", "Learn the platform", start, None, "active"),
        ("employee@acme.test", "manager@acme.test", "rotational", "Run the support rotation", start, end, "active"),
    ]
    with tenant_context(org.pk):
        revisions = list(TourRevision.objects.values_list("action", "comment", "by_id"))
        assert Tour.objects.filter(accepted_at__isnull=False, proposed_at__isnull=False).count() == 3
    assert revisions == [("imported", f"Imported from people.{fmt}.", hr.pk)] * 3

    people_after, tours_after = snapshot(org), tours(org)
    again = preview(hr, upload(file_rows(), fmt))
    assert (again.new_count, again.changed_count, again.error_count) == (0, 0, 0)
    assert all(extra["kind"] == "unchanged" for entry in again.preview for extra in entry.get("extras", []))
    apply(hr, again)
    assert snapshot(org) == people_after and tours(org) == tours_after
    with tenant_context(org.pk):
        assert TourRevision.objects.count() == 3


def test_a_bad_tour_row_refuses_the_whole_file_with_its_row_number(org, admin, hr, manager, employee):
    rows = file_rows()
    rows[3] = with_tour(TEAM[3], "transformational", "Backwards", START, BEFORE)  # row 5: end before start
    rows[4][-4] = "sabbatical"  # row 6: not a tour kind
    before = snapshot(org)
    imported = preview(hr, upload(rows))
    errors = {entry["row"]: entry.get("errors", []) for entry in imported.preview}
    assert errors[5] == ["Tour: The end must be after the start."]
    assert errors[6] == ["Tour: “sabbatical” is not a tour kind (rotational, transformational or foundational)."]
    assert imported.error_count == 2
    tour_part = next(entry for entry in imported.preview if entry["row"] == 5)["extras"]
    assert tour_part == [{"label": "Tour", "kind": "error", "errors": ["The end must be after the start."]}]
    with pytest.raises(ApplicationError, match=r"2 rows have errors \(row 5: Tour: The end must be after"):
        apply(hr, imported)
    assert snapshot(org) == before and tours(org) == []


def test_a_different_active_tour_is_an_error_and_the_apply_checks_again(org, admin, hr, manager, employee):
    row = with_tour(person("employee@acme.test", role="employee", manager="manager@acme.test"),
                    "rotational", "Run the support rotation", START, END)
    first = preview(hr, upload([row]))
    assert first.preview[0]["extras"][0]["kind"] == "new"
    # Meanwhile the same person's tour arrives another way: the apply checks again and refuses everything.
    other = with_tour(person("employee@acme.test", role="employee", manager="manager@acme.test"),
                      "rotational", "Another mission", START, END)
    apply(hr, preview(hr, upload([other])))
    people_before, tours_before = snapshot(org), tours(org)
    with pytest.raises(ApplicationError, match=r"row 2: Tour: employee@acme.test is on an active tour already"):
        apply(hr, first)
    assert snapshot(org) == people_before and tours(org) == tours_before
    again = preview(hr, upload([row]))
    assert again.error_count == 1 and "with another kind, mission, start or end" in again.preview[0]["errors"][0]


def test_the_tour_manager_is_the_manager_the_file_names(org, admin, hr, manager, employee):
    """A person moved to a new manager (new in the file) starts the tour with that manager as the other side;
    a manager the file demotes to employee cannot be the tour's manager side."""
    rows = [with_tour(person("newlead@acme.test", "New Lead", role="manager", manager="admin@acme.test")),
            with_tour(person("employee@acme.test", role="employee", manager="newlead@acme.test"),
                      "transformational", "Grow the team", START, END)]
    apply(hr, preview(hr, upload(rows)))
    assert tours(org)[0][:2] == ("employee@acme.test", "newlead@acme.test")
    demoted = [with_tour(person("newlead@acme.test", "New Lead", role="employee", manager="admin@acme.test")),
               with_tour(person("dev@acme.test", "Dev", role="employee", manager="newlead@acme.test"),
                         "transformational", "Grow", START, END)]
    refused = preview(hr, upload(demoted))
    assert refused.error_count >= 1 and any("not a manager" in error or "not an active manager" in error
                                            for entry in refused.preview for error in entry.get("errors", []))


def test_a_file_without_tour_columns_behaves_as_before(org, admin, hr, manager, employee):
    imported = preview(hr, SimpleUploadedFile("people.csv", table_bytes(HEADERS, TEAM, "csv")))
    assert (imported.new_count, imported.error_count, imported.unknown_columns) == (4, 0, [])
    assert all("extras" not in entry for entry in imported.preview)
    apply(hr, imported)
    assert tours(org) == []
    with tenant_context(org.pk):
        assert Membership.objects.filter(user__email="dev1@acme.test", manager__user__email="lead@acme.test").exists()


def test_empty_tour_cells_bring_no_tour(org, admin, hr, manager, employee):
    imported = preview(hr, upload([with_tour(row) for row in TEAM]))
    assert imported.error_count == 0 and all("extras" not in entry for entry in imported.preview)
    apply(hr, imported)
    assert tours(org) == []


def test_the_import_page_shows_the_tour_part_of_each_row(org, admin, hr, manager, employee, client_for):
    client = client_for(hr)
    rows = file_rows()
    rows[3] = with_tour(TEAM[3], "transformational", "Backwards", START, BEFORE)
    response = client.post("/o/acme/members/import/", {"file": upload(rows)})
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "Tour: new tour" in detail and "Tour: The end must be after the start." in detail
    assert "Apply:" not in detail
    response = client.post("/o/acme/members/import/", {"file": upload(file_rows())})
    assert client.post(response.url + "apply/", {}).status_code == 302
    assert len(tours(org)) == 3
    again = client.post("/o/acme/members/import/", {"file": upload(file_rows())})
    assert "Every row is as the organization already has it." in client.get(again.url).content.decode()
    # A person unchanged but for a new tour is shown, with the tour.
    with tenant_context(org.pk):
        Tour.objects.filter(employee__user__email="employee@acme.test").delete()
    third = client.post("/o/acme/members/import/", {"file": upload(file_rows())})
    detail = client.get(third.url).content.decode()
    assert "employee@acme.test" in detail and "Tour: new tour" in detail and "dev1@acme.test" not in detail


def test_the_api_gives_the_tour_part_and_applies_it(org, admin, hr, manager, employee, api_for):
    api = api_for(hr)
    response = api.post("/api/v1/imports/people/", {"file": upload(file_rows())})
    assert response.status_code == 201, response.content
    rows = {row["row"]: row for row in response.json()["rows"]}
    assert rows[6]["extras"] == [{"label": "Tour", "kind": "new", "errors": []}]
    applied = api.post_json(f"/api/v1/imports/{response.json()['id']}/apply/", {})
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert len(tours(org)) == 3
    again = api.post("/api/v1/imports/people/", {"file": upload(file_rows())}).json()
    assert (again["new"], again["changed"], again["errors"], again["rows"]) == (0, 0, 0, [])
