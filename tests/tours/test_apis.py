from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.serializers import UNKNOWN_FIELD
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory, started
from tours import services
from tours.models import Checkpoint, PrivateNote, Tour, TourRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, admin, hr, manager, employee, other_manager, colleague, outsider):
    """Two teams in ``org`` and a tour in another organization."""
    mine = TourFactory(employee=employee, manager=manager, status="active")
    theirs = TourFactory(employee=colleague, manager=other_manager, status="proposed")
    foreign_employee = MembershipFactory(organization=outsider.organization, manager=outsider)
    foreign = TourFactory(employee=foreign_employee, manager=outsider, status="active")
    return {"mine": mine, "theirs": theirs, "foreign": foreign}


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Permissions matrix ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "visible"),
    [("employee", {"mine"}), ("manager", {"mine"}), ("other_manager", {"theirs"}), ("colleague", {"theirs"}),
     ("hr", {"mine", "theirs"}), ("admin", {"mine", "theirs"}), ("outsider", {"foreign"})],
)
def test_tour_visibility_matrix(request, api_for, world, who, visible):
    member = request.getfixturevalue(who)
    client = api_for(member)
    assert ids(client.get("/api/v1/tours/")) == {world[name].pk for name in visible}
    for name, tour in world.items():
        expected = 200 if name in visible else 404
        assert client.get(f"/api/v1/tours/{tour.pk}/").status_code == expected, (who, name)


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("manager", "propose", 400), ("employee", "accept", 400),  # visible, but not allowed in this state
        ("colleague", "accept", 404), ("outsider", "accept", 404), ("other_manager", "cancel", 404),
        ("hr", "accept", 403),  # HR sees every tour, but only the employee accepts: refused, 403
    ],
)
def test_action_matrix(request, api_for, world, who, action, status):
    client = api_for(request.getfixturevalue(who))
    response = client.post_json(f"/api/v1/tours/{world['mine'].pk}/{action}/")
    assert response.status_code == status
    with tenant_context(world["mine"].organization_id):
        assert Tour.objects.get(pk=world["mine"].pk).status == "active"


def test_unauthenticated_and_bad_tokens_are_401(client, world):
    assert client.get("/api/v1/tours/").status_code == 401
    assert client.get("/api/v1/tours/", HTTP_AUTHORIZATION="Bearer alli_1_" + "x" * 40).status_code == 401


# --- Lifecycle through the API ------------------------------------------------------


def new_tour_body(person, **overrides):
    today = timezone.localdate()
    body = {
        "employee": person.pk, "kind": "transformational", "title": "Own the SDK",
        "mission": "Make the SDK a joy.", "company_objectives": "Adoption by 50 customers.",
        "employee_benefits": "Product leadership.", "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=1000)).isoformat(),
    }
    body.update(overrides)
    return body


def test_draft_propose_accept_through_the_api(api_for, org, manager, employee):
    created = api_for(manager).post_json("/api/v1/tours/", new_tour_body(employee))
    assert created.status_code == 201, created.json()
    tour = created.json()
    assert (tour["status"], tour["manager"], tour["allowed_actions"]) == ("draft", manager.pk, ["propose", "cancel"])
    assert tour["updated_at"] and tour["warnings"] == []
    proposed = api_for(manager).post_json(f"/api/v1/tours/{tour['id']}/propose/")
    assert proposed.json()["status"] == "proposed"
    accepted = api_for(employee).post_json(f"/api/v1/tours/{tour['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    checkpoints = api_for(employee).get(f"/api/v1/checkpoints/?tour={tour['id']}").json()["results"]
    assert len(checkpoints) == 5  # months 6 to 30 of a 1000-day tour, proposed from the cadence


def test_request_changes_and_amend_with_history(api_for, org, manager, employee, tour):
    empty = api_for(employee).post_json(f"/api/v1/tours/{tour.pk}/request-changes/", {"comment": " "})
    assert empty.status_code == 400 and "comment" in empty.json()["errors"]
    response = api_for(employee).post_json(f"/api/v1/tours/{tour.pk}/request-changes/", {"comment": "Remote days"})
    assert response.json()["status"] == "draft" and response.json()["changes_requested"] == "Remote days"
    patched = api_for(manager).patch_json(f"/api/v1/tours/{tour.pk}/", {"cadence_months": 3, "comment": "Closer"})
    assert patched.status_code == 200 and patched.json()["cadence_months"] == 3
    with tenant_context(org.pk):
        revision = TourRevision.objects.get(tour=tour, action="amended")
        assert revision.changes["cadence_months"]["to"] == "3" and revision.comment == "Closer"
    # While it is a draft again, the tour is the manager side's: the employee does not see it.
    assert api_for(employee).get(f"/api/v1/tours/{tour.pk}/").status_code == 404
    assert tour.pk not in {row["id"] for row in api_for(employee).get("/api/v1/tours/").json()["results"]}


def test_first_conversation_and_next_plan_through_the_api(api_for, org, manager, employee, active_tour):
    base = f"/api/v1/tours/{active_tour.pk}"
    assert api_for(employee).post_json(f"{base}/first-conversation/grant/").json()["first_conversation_granted_on"]
    assert api_for(employee).post_json(f"{base}/first-conversation/exercise/", {"note": "PM?"}).status_code == 200
    bad = api_for(manager).post_json(f"{base}/first-conversation/outcome/", {"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.json()["errors"]
    assert api_for(manager).post_json(f"{base}/first-conversation/outcome/",
                                      {"outcome": "stayed"}).status_code == 200
    plan = api_for(manager).post_json(f"{base}/next-tour-plan/",
                                      {"next_tour_plan": "outside_transition", "notes": "Startup"})
    assert plan.json()["next_tour_plan"] == "outside_transition"
    assert api_for(employee).post_json(f"{base}/next-tour-plan/", {"next_tour_plan": "undecided"}).status_code == 403


# --- Bad input: 400 with field errors, nothing changed ------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"title": ""}, "title"), ({"end_date": None}, "end_date"), ({"kind": "sabbatical"}, "kind"),
     ({"start_date": "next week"}, "start_date"), ({"cadence_months": 0}, "cadence_months"),
     ({"employee": 999999}, "employee")],
)
def test_bad_tour_input_is_a_400_with_field_errors(api_for, org, manager, employee, overrides, field):
    response = api_for(manager).post_json("/api/v1/tours/", new_tour_body(employee, **overrides))
    assert response.status_code == 400
    body = response.json()
    assert field in body or field in body.get("errors", {})
    with tenant_context(org.pk):
        assert not Tour.objects.exists()


def test_another_organizations_member_cannot_be_named(api_for, org, manager, outsider):
    response = api_for(manager).post_json("/api/v1/tours/", new_tour_body(outsider))
    assert response.status_code == 400 and "employee" in response.json()["errors"]


def test_malformed_json_is_a_400(api_for, manager):
    client = api_for(manager)
    response = client.post("/api/v1/tours/", "{not json", content_type="application/json")
    assert response.status_code == 400


# --- Filters and pagination ------------------------------------------------------------


def test_filters(api_for, org, hr, manager, employee, colleague, other_manager):
    today = timezone.localdate()
    a = TourFactory(employee=employee, manager=manager, status="active", kind="rotational",
                    start_date=today - timedelta(days=300), end_date=today + timedelta(days=100))
    b = TourFactory(employee=colleague, manager=other_manager, status="draft", kind="foundational", end_date=None)
    c = TourFactory(employee=employee, manager=manager, status="completed",
                    start_date=today - timedelta(days=1000), end_date=today - timedelta(days=301))
    client = api_for(hr)
    assert ids(client.get("/api/v1/tours/?kind=rotational")) == {a.pk}
    assert ids(client.get("/api/v1/tours/?status=draft")) == {b.pk}
    assert ids(client.get(f"/api/v1/tours/?employee={employee.pk}")) == {a.pk, c.pk}
    assert ids(client.get(f"/api/v1/tours/?manager={other_manager.pk}")) == {b.pk}
    assert ids(client.get(f"/api/v1/tours/?ends_before={today.isoformat()}")) == {c.pk}
    assert ids(client.get(f"/api/v1/tours/?ends_after={today.isoformat()}")) == {a.pk}
    with tenant_context(org.pk):
        Tour.objects.filter(pk=b.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    since = (timezone.now() + timedelta(minutes=30)).isoformat()
    assert ids(client.get("/api/v1/tours/", {"updated_since": since})) == {b.pk}
    assert client.get("/api/v1/tours/?kind=nonsense").status_code == 400
    assert client.get("/api/v1/tours/?ends_before=soon").status_code == 400


def test_cursor_pagination_walks_every_tour_once(api_for, org, hr, manager):
    for _ in range(5):
        TourFactory(employee=MembershipFactory(organization=org, manager=manager), manager=manager)
    client = api_for(hr)
    seen, url = [], "/api/v1/tours/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    with tenant_context(org.pk):
        assert sorted(seen) == sorted(Tour.objects.values_list("id", flat=True)) and len(seen) == 5


# --- Query counts ---------------------------------------------------------------


def grow(org, manager, count):
    for _ in range(count):
        person = MembershipFactory(organization=org, manager=manager)
        tour = TourFactory(employee=person, manager=manager, status="active")
        checkpoint = CheckpointFactory(tour=tour)
        AgendaItemFactory(checkpoint=checkpoint)
        with tenant_context(org.pk):
            services.private_note_save(checkpoint=checkpoint, by=manager, body="mine")


@pytest.mark.parametrize("endpoint", ["/api/v1/tours/", "/api/v1/checkpoints/", "/api/v1/programs/"])
def test_list_endpoints_run_a_constant_number_of_queries(api_for, org, manager, endpoint,
                                                         django_assert_num_queries):
    ProgramFactory(organization=org)
    grow(org, manager, 2)
    client = api_for(manager)
    client.get(endpoint)  # the token's first use records last_used_at once
    with CaptureQueriesContext(connection) as small:
        assert client.get(endpoint).status_code == 200
    grow(org, manager, 8)
    ProgramFactory(organization=org)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(endpoint)
    assert len(response.json()["results"]) >= 2


# --- Checkpoints ----------------------------------------------------------------


def test_schedule_reschedule_cancel_through_the_api(api_for, org, manager, employee, active_tour):
    when = timezone.now() + timedelta(days=7)
    created = api_for(manager).post_json("/api/v1/checkpoints/", {"tour": active_tour.pk,
                                                                  "scheduled_at": when.isoformat()})
    assert created.status_code == 201
    cp = created.json()
    moved = api_for(manager).post_json(f"/api/v1/checkpoints/{cp['id']}/reschedule/",
                                       {"scheduled_at": (when + timedelta(days=1)).isoformat()})
    assert (moved.json()["uid"], moved.json()["sequence"]) == (cp["uid"], 1)
    assert api_for(employee).post_json(f"/api/v1/checkpoints/{cp['id']}/cancel/").status_code == 403
    cancelled = api_for(manager).post_json(f"/api/v1/checkpoints/{cp['id']}/cancel/")
    assert (cancelled.json()["status"], cancelled.json()["sequence"]) == ("cancelled", 2)
    past = api_for(manager).post_json("/api/v1/checkpoints/", {"tour": active_tour.pk,
                                                               "scheduled_at": "2001-01-01T10:00:00Z"})
    assert past.status_code == 400 and "scheduled_at" in past.json()["errors"]


def test_agenda_outcome_and_carry_over_through_the_api(api_for, org, manager, employee, active_tour):
    first = CheckpointFactory(tour=active_tour)
    second = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() + timedelta(days=100))
    added = api_for(employee).post_json(f"/api/v1/checkpoints/{first.pk}/agenda-items/", {"text": "Budget"})
    assert added.status_code == 201 and added.json()["agenda"][0]["text"] == "Budget"
    early = api_for(manager).post_json(f"/api/v1/checkpoints/{first.pk}/record-outcome/", {"progress": "on_track"})
    assert early.status_code == 400 and "not started" in early.json()["detail"]
    started(first)
    outcome = api_for(manager).post_json(f"/api/v1/checkpoints/{first.pk}/record-outcome/", {
        "progress": "on_track", "action_items": [{"text": "Send the plan", "owner": employee.pk}],
    })
    assert outcome.status_code == 200 and outcome.json()["status"] == "completed"
    nxt = api_for(employee).get(f"/api/v1/checkpoints/{second.pk}/").json()
    assert [a["text"] for a in nxt["agenda"]] == ["Budget"]
    assert [a["text"] for a in nxt["action_items"]] == ["Send the plan"]
    done = api_for(employee).patch_json(f"/api/v1/action-items/{nxt['action_items'][0]['id']}/", {"done": True})
    assert done.json()["done"] is True
    bad = api_for(manager).post_json(f"/api/v1/checkpoints/{second.pk}/record-outcome/", {"progress": "meh"})
    assert bad.status_code == 400 and "progress" in bad.json()["errors"]


def test_private_notes_never_reach_anyone_but_their_author(api_for, org, manager, employee, hr, admin,
                                                            active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    response = api_for(employee).patch_json(f"/api/v1/checkpoints/{checkpoint.pk}/",
                                            {"private_note": "Thinking of leaving", "employee_notes": "Shared"})
    assert response.json()["private_note"] == "Thinking of leaving"
    for other in (manager, hr, admin):
        for body in (api_for(other).get(f"/api/v1/checkpoints/{checkpoint.pk}/").json(),
                     api_for(other).get("/api/v1/checkpoints/").json()["results"][0]):
            assert body["private_note"] == "" and body["employee_notes"] == "Shared"
            assert "Thinking of leaving" not in str(body)
    # HR is no participant: it cannot write a private note either.
    assert api_for(hr).patch_json(f"/api/v1/checkpoints/{checkpoint.pk}/",
                                  {"private_note": "x"}).status_code == 403


def test_checkpoints_of_another_organization_are_404(api_for, org, outsider, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    client = api_for(outsider)
    assert client.get(f"/api/v1/checkpoints/{checkpoint.pk}/").status_code == 404
    assert client.post_json(f"/api/v1/checkpoints/{checkpoint.pk}/cancel/").status_code == 404
    assert client.post_json("/api/v1/checkpoints/", {"tour": active_tour.pk,
                                                     "scheduled_at": timezone.now().isoformat()}).status_code == 400
    assert client.get("/api/v1/checkpoints/").json()["results"] == []
    with tenant_context(org.pk):
        assert Checkpoint.objects.get(pk=checkpoint.pk).status == "scheduled"


# --- Programs -------------------------------------------------------------------


def test_programs_hr_writes_everyone_reads(api_for, org, hr, employee, manager, outsider):
    assert api_for(employee).post_json("/api/v1/programs/", {"name": "X", "duration_months": 12}).status_code == 403
    created = api_for(hr).post_json("/api/v1/programs/", {"name": "Graduate rotation", "duration_months": 12})
    assert created.status_code == 201
    program_id = created.json()["id"]
    assert api_for(employee).get(f"/api/v1/programs/{program_id}/").status_code == 200
    assert api_for(outsider).get(f"/api/v1/programs/{program_id}/").status_code == 404
    too_long = api_for(hr).patch_json(f"/api/v1/programs/{program_id}/", {"duration_months": 30})
    assert too_long.status_code == 400 and "duration_months" in too_long.json()["errors"]
    cohort = api_for(hr).post_json(f"/api/v1/programs/{program_id}/start-cohort/", {
        "start_date": (timezone.localdate() + timedelta(days=7)).isoformat(), "members": [employee.pk]})
    assert cohort.status_code == 201 and len(cohort.json()["tours"]) == 1
    foreign = api_for(hr).post_json(f"/api/v1/programs/{program_id}/start-cohort/", {
        "start_date": timezone.localdate().isoformat(), "members": [outsider.pk]})
    assert foreign.status_code == 400 and "members" in foreign.json()["errors"]


def test_schema_documents_the_tours_api(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    for path in ("/api/v1/tours/{id}/accept/", "/api/v1/tours/{id}/request-changes/", "/api/v1/checkpoints/",
                 "/api/v1/checkpoints/{id}/record-outcome/", "/api/v1/programs/{id}/start-cohort/",
                 "updated_since", "ends_before"):
        assert path in schema, path


# --- Bounded dates, whole-request atomicity, strict ids ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"start_date": "0001-01-01"}, "start_date"), ({"end_date": "9999-12-31"}, "end_date"),
     ({"end_date": "2999-12-31", "cadence_months": 1}, "end_date")],
)
def test_tour_dates_out_of_bounds_are_a_400_and_nothing_is_saved(api_for, org, manager, employee, overrides, field):
    response = api_for(manager).post_json("/api/v1/tours/", new_tour_body(employee, **overrides))
    assert response.status_code == 400 and field in response.json()["errors"]
    with tenant_context(org.pk):
        assert not Tour.objects.exists() and not Checkpoint.objects.exists()


def test_amending_dates_out_of_bounds_is_a_400_and_nothing_changes(api_for, org, manager, tour):
    response = api_for(manager).patch_json(f"/api/v1/tours/{tour.pk}/", {"start_date": "0001-01-01"})
    assert response.status_code == 400 and "start_date" in response.json()["errors"]
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert tour.start_date.year > 1900 and not TourRevision.objects.filter(tour=tour).exists()


def test_checkpoint_and_cohort_dates_out_of_bounds_are_a_400(api_for, org, hr, manager, employee):
    open_ended = TourFactory(employee=employee, manager=manager, status="active", kind="foundational", end_date=None)
    for when in ("9999-12-31T23:00:00Z", "2101-01-01T10:00:00Z", "9999-12-31T23:00:00-05:00"):
        response = api_for(manager).post_json("/api/v1/checkpoints/", {"tour": open_ended.pk, "scheduled_at": when})
        assert response.status_code == 400, when
        assert "scheduled_at" in response.json()["errors"], when
    program = ProgramFactory(organization=org)
    cohort = api_for(hr).post_json(f"/api/v1/programs/{program.pk}/start-cohort/",
                                   {"start_date": "0001-01-01", "members": [employee.pk]})
    assert cohort.status_code == 400 and "start_date" in cohort.json()["errors"]
    with tenant_context(org.pk):
        assert not Checkpoint.objects.filter(tour=open_ended).exists() and not program.cohorts.exists()


def test_a_refused_part_of_a_checkpoint_patch_undoes_the_rest(api_for, org, hr, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour, manager_notes="Before", course_corrections="Keep")
    # HR is on the manager side (may write the shared notes) but no participant (no private note).
    response = api_for(hr).patch_json(f"/api/v1/checkpoints/{checkpoint.pk}/", {
        "manager_notes": "Overwritten", "course_corrections": "Changed", "private_note": "Mine",
    })
    assert response.status_code == 403
    with tenant_context(org.pk):
        checkpoint.refresh_from_db()
        assert (checkpoint.manager_notes, checkpoint.course_corrections) == ("Before", "Keep")
        assert not PrivateNote.objects.filter(checkpoint=checkpoint).exists()


@pytest.mark.parametrize("value", ["1e9999999", "1.5", "²", "-"])
def test_id_filters_take_whole_numbers_only(api_for, manager, value):
    # A Decimal filter would hand 1e9999999 to int() in the lookup: ten million digits, one stuck worker.
    client = api_for(manager)
    for path in (f"/api/v1/tours/?employee={value}", f"/api/v1/tours/?manager={value}",
                 f"/api/v1/checkpoints/?tour={value}"):
        assert client.get(path).status_code == 400, path


@pytest.mark.parametrize("query", [
    "tours/?employee=99999999999999999999", "tours/?ends_before=0001-01-01", "tours/?ends_after=9999-12-31",
    "tours/?updated_since=0001-01-01T00:00:00%2B05:00", "checkpoints/?scheduled_before=9999-12-31T23:59:59-05:00",
    "checkpoints/?tour=99999999999999999999",
])
def test_extreme_but_well_formed_filters_answer_instead_of_failing(api_for, manager, active_tour, query):
    response = api_for(manager).get(f"/api/v1/{query}")
    assert response.status_code == 200


def test_a_list_field_error_is_json_keyed_by_the_items_position(api_for, manager, active_tour):
    """DRF keys a list field's errors by the item's index (an int); the answer is still JSON (it was a 500)."""
    checkpoint = started(CheckpointFactory(tour=active_tour))
    bad = api_for(manager).post_json(f"/api/v1/checkpoints/{checkpoint.pk}/record-outcome/",
                                     {"progress": "on_track", "discussed_agenda_items": [1, "x"]})
    assert bad.status_code == 400
    assert bad.json()["errors"]["discussed_agenda_items"] == {"1": ["A valid integer is required."]}
    checkpoint.refresh_from_db()
    assert checkpoint.status == "scheduled"


# --- Schema conformance (issue #22, item 11) ----------------------------------------------------------------

def test_a_talking_point_is_measured_as_stored_after_trimming(api_for, org, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour)
    api = api_for(employee)
    padded = api.post_json(f"/api/v1/checkpoints/{checkpoint.pk}/agenda-items/", {"text": "  " + "x" * 500 + "\n"})
    assert padded.status_code == 201, padded.content
    item = padded.json()["agenda"][0]
    assert item["text"] == "x" * 500
    too_long = api.post_json(f"/api/v1/checkpoints/{checkpoint.pk}/agenda-items/", {"text": "x" * 501})
    assert too_long.status_code == 400 and "text" in too_long.json()["errors"]
    reworded = api.patch_json(f"/api/v1/agenda-items/{item['id']}/", {"text": "y" * 500 + "   "})
    assert reworded.status_code == 200 and reworded.json()["text"] == "y" * 500
    assert api.patch_json(f"/api/v1/agenda-items/{item['id']}/", {"text": "y" * 501}).status_code == 400
    with tenant_context(org.pk):
        assert [i.text for i in checkpoint.agenda_items.all()] == ["y" * 500]


@pytest.mark.parametrize("value", [1, 0, "true", "1"])
def test_a_boolean_takes_true_or_false_only(api_for, org, manager, employee, active_tour, value):
    checkpoint = CheckpointFactory(tour=active_tour)
    item = AgendaItemFactory(checkpoint=checkpoint, added_by=employee)
    refused = api_for(manager).patch_json(f"/api/v1/agenda-items/{item.pk}/", {"discussed": value})
    assert refused.status_code == 400 and refused.json()["errors"]["discussed"] == ["Give true or false."]
    assert api_for(manager).patch_json(f"/api/v1/agenda-items/{item.pk}/", {"discussed": True}).status_code == 200


def test_unknown_fields_are_refused_on_bodies_and_on_actions_without_one(api_for, org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft", previous_tour=None)
    api = api_for(manager)
    patched = api.patch_json(f"/api/v1/tours/{tour.pk}/", {"title": "New", "status": "active"})
    assert patched.status_code == 400
    assert patched.json()["errors"] == {"status": [UNKNOWN_FIELD]}
    proposed = api.post_json(f"/api/v1/tours/{tour.pk}/propose/", {"force": True})
    assert proposed.status_code == 400 and list(proposed.json()["errors"]) == ["force"]
    checkpoint = CheckpointFactory(tour=TourFactory(employee=MembershipFactory(organization=org, manager=manager),
                                                    manager=manager, status="active"))
    started(checkpoint)
    nested = api.post_json(f"/api/v1/checkpoints/{checkpoint.pk}/record-outcome/", {
        "progress": "on_track", "action_items": [{"text": "Send the plan", "colour": "red"}]})
    assert nested.status_code == 400
    assert nested.json()["errors"] == {"action_items": {"0": {"colour": [UNKNOWN_FIELD]}}}
    with tenant_context(org.pk):
        tour.refresh_from_db()
        assert (tour.title, tour.status) != ("New", "active") and tour.status == "draft"
    assert api.post_json(f"/api/v1/tours/{tour.pk}/propose/").status_code in (200, 400)


def test_the_schema_says_every_request_body_refuses_other_fields(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    bodies = {name: item for name, item in schema["components"]["schemas"].items() if name.endswith("Request")}
    assert len(bodies) >= 40
    assert {name for name, item in bodies.items() if item.get("additionalProperties") is not False} == set()
