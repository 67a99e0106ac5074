"""Stale writes are refused: ETag on every editable resource, If-Match honoured (alliance/etags.py)."""

from __future__ import annotations

from alliance.tenancy import tenant_context
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, TourFactory
from tours.models import Checkpoint, Tour


def test_a_stale_patch_of_checkpoint_notes_is_a_412_with_the_current_version(api_for, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    path = f"/api/v1/checkpoints/{checkpoint.pk}/"
    mine, theirs = api_for(employee), api_for(employee)  # two sessions of the writer of the employee's notes
    read = mine.get(path)
    etag = read["ETag"]
    assert etag.startswith('"') and theirs.get(path)["ETag"] == etag

    saved = theirs.patch_json(path, {"employee_notes": "Theirs"}, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved["ETag"] != etag
    stale = mine.patch_json(path, {"employee_notes": "Mine"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale["Content-Type"] == "application/json"
    assert stale.json()["current"]["employee_notes"] == "Theirs" and stale["ETag"] == saved["ETag"]
    with tenant_context(checkpoint.organization_id):
        assert Checkpoint.objects.get(pk=checkpoint.pk).employee_notes == "Theirs"

    fresh = mine.patch_json(path, {"employee_notes": "Theirs, and mine"}, headers={"If-Match": stale["ETag"]})
    assert fresh.status_code == 200 and fresh.json()["employee_notes"] == "Theirs, and mine"
    assert mine.get(path)["ETag"] == fresh["ETag"]


def test_if_match_star_or_none_writes_as_before(api_for, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    path = f"/api/v1/checkpoints/{checkpoint.pk}/"
    api = api_for(employee)
    assert api.patch_json(path, {"employee_notes": "One"}, headers={"If-Match": "*"}).status_code == 200
    assert api.patch_json(path, {"employee_notes": "Two"}).status_code == 200
    assert api.patch_json(path, {"employee_notes": "Three"}, headers={"If-Match": 'W/"x", "y"'}).status_code == 412


def test_a_stale_patch_of_a_draft_tours_mission_is_refused(api_for, employee, manager):
    tour = TourFactory(employee=employee, manager=manager, status=Tour.Status.DRAFT)
    path = f"/api/v1/tours/{tour.pk}/"
    first, second = api_for(manager), api_for(manager)
    etag = first.get(path)["ETag"]
    assert second.patch_json(path, {"mission": "Theirs"}, headers={"If-Match": etag}).status_code == 200
    stale = first.patch_json(path, {"mission": "Mine"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json()["current"]["mission"] == "Theirs"


def test_an_agenda_item_without_a_get_is_versioned_by_its_patch_answers(api_for, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    item = AgendaItemFactory(checkpoint=checkpoint, added_by=employee)
    path = f"/api/v1/agenda-items/{item.pk}/"
    api = api_for(employee)
    first = api.patch_json(path, {"text": "Growth"})
    assert first.status_code == 200 and first["ETag"]
    assert api.patch_json(path, {"text": "Growth plans"}, headers={"If-Match": first["ETag"]}).status_code == 200
    stale = api.patch_json(path, {"text": "Other"}, headers={"If-Match": first["ETag"]})
    assert stale.status_code == 412 and stale.json()["current"]["text"] == "Growth plans"


def test_the_schema_documents_etag_if_match_and_412(client, db):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for path in ("/api/v1/checkpoints/{id}/", "/api/v1/tours/{id}/", "/api/v1/expenses/{id}/",
                 "/api/v1/contacts/{id}/", "/api/v1/intel-notes/{id}/"):
        item = paths[path]
        assert "ETag" in item["get"]["responses"]["200"]["headers"], path
        patch = item["patch"]
        assert any(p["name"] == "If-Match" for p in patch["parameters"]) and "412" in patch["responses"], path
