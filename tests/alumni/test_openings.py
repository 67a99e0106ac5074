"""Job openings (``invest``): the board, HR's lifecycle, referring a friend from an opening (a closed
one is refused, nothing saved) and applying to come back (the rehire eligibility decides), in the
pages and the API, with the level gate on every new route."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone

from alliance import tenancy
from alumni import services
from alumni.models import Boomerang, Opening, Referral
from tests.alliance.routes import UNKNOWN_ID, iter_routes
from tests.alumni.conftest import start
from tests.alumni.network import make_alumnus, set_level

REACH_ROUTES = [route for route in iter_routes(get_resolver())
                if route.name and (route.name.startswith(("alumni_opening", "opening_", "api_opening_"))
                                   or route.route.endswith("alumni-network/dashboard/"))]


def _post(api, path, data=None):
    return api.post(path, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def alumnus(org):
    return make_alumnus(org, "alum@home.test", "Ada Alumna", current_company="Initech")


@pytest.fixture
def opening(org, admin, hr):
    set_level(admin, "invest")
    hr.organization = org
    with tenancy.tenant_context(org.pk):
        return services.opening_create(by=hr, title="Robotics engineer", team="Robotics", location="Lisbon",
                                             description="Build the arms of the next fleet.")


def _ids(opening) -> dict:
    return {"opening_id": opening.pk, "pk": opening.pk}


def test_the_sweep_finds_the_new_routes():
    names = {route.name for route in REACH_ROUTES}
    assert {"alumni_openings", "alumni_opening", "alumni_opening_refer", "alumni_opening_apply", "opening_new",
            "opening_edit", "opening_close", "api_opening_list", "api_opening_detail", "api_opening_close",
            "dashboard"} <= names


@pytest.mark.parametrize("level", ["ignore", "support"])
def test_below_invest_every_opening_route_is_a_404_for_everyone(org, admin, hr, employee, alumnus, opening,
                                                                 client_for, api_for, level):
    set_level(admin, level)
    for person in (hr, employee, alumnus):
        client, api = client_for(person), api_for(person)
        for route in REACH_ROUTES:
            path = route.build({"org_slug": "acme", **{name: _ids(opening)[name] for name in route.int_kwargs}})
            data = {"title": "X", "description": "Y", "message": "Hi", "candidate_name": "C",
                    "candidate_email": "c@x.test", "why": "Good"}
            if path.startswith("/api/"):
                # API tokens are members' (an alumnus's is refused at the door: 401).
                expected = (401,) if person is alumnus else (404, 405)
                assert api.get(path).status_code in expected, (person, path)
                assert _post(api, path, data).status_code in expected, (person, path)
                continue
            got = client.get(path)
            assert got.status_code in (404, 405) or (got.status_code == 302 and path.startswith(got["Location"])), \
                (person, path)
            response = client.post(path, data)
            assert response.status_code in (404, 405), (person, path, response.status_code)
    with tenancy.tenant_context(org.pk):
        assert not Referral.objects.exists() and not Boomerang.objects.exists()
        assert Opening.objects.get().title == "Robotics engineer"  # nothing deleted going down
    set_level(admin, "invest")
    assert client_for(alumnus).get("/o/acme/alumni/openings/").status_code == 200
    assert api_for(employee).get("/api/v1/openings/").json()["results"][0]["title"] == "Robotics engineer"


def test_hr_posts_changes_and_closes_an_opening_in_the_pages(org, admin, hr, employee, alumnus, client_for):
    set_level(admin, "invest")
    client = client_for(hr)
    assert client.get("/o/acme/alumni-network/openings/new/").status_code == 200
    bad = client.post("/o/acme/alumni-network/openings/new/", {"title": "", "description": "x"})
    assert bad.status_code == 400
    made = client.post("/o/acme/alumni-network/openings/new/", {"title": "Data engineer", "team": "Data",
                                                                "location": "Remote", "description": "Pipelines."})
    assert made.status_code == 302
    with tenancy.tenant_context(org.pk):
        opening = Opening.objects.get()
    edited = client.post(f"/o/acme/alumni-network/openings/{opening.pk}/edit/", {
        "title": "Senior data engineer", "team": "Data", "location": "Remote", "description": "Pipelines."})
    assert edited.status_code == 302
    board = client_for(alumnus).get("/o/acme/alumni/openings/").content.decode()
    assert "Senior data engineer" in board
    assert client_for(employee).get("/o/acme/alumni-network/openings/new/").status_code == 403
    assert client_for(employee).post(f"/o/acme/alumni-network/openings/{opening.pk}/close/").status_code == 403
    asked = client.post(f"/o/acme/alumni-network/openings/{opening.pk}/close/")
    assert asked.status_code == 200 and "Close it" in asked.content.decode()  # it asks first
    assert client.post(f"/o/acme/alumni-network/openings/{opening.pk}/close/", {"confirmed": "1"}).status_code == 302
    assert "Senior data engineer" not in client_for(alumnus).get("/o/acme/alumni/openings/").content.decode()
    assert "Senior data engineer" in client.get("/o/acme/alumni/openings/?state=closed").content.decode()
    again = client.post(f"/o/acme/alumni-network/openings/{opening.pk}/close/", follow=True)
    assert "closed already" in again.content.decode()


def test_hr_runs_openings_through_the_api_and_others_may_not(org, admin, hr, employee, alumnus, api_for):
    set_level(admin, "invest")
    api = api_for(hr)
    made = _post(api, "/api/v1/openings/", {"title": "Designer", "description": "Fleet tools", "team": "Design"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert _post(api, "/api/v1/openings/", {"title": 5, "description": "x"}).status_code == 400
    refused = _post(api_for(employee), "/api/v1/openings/", {"title": "Mine", "description": "x"})
    assert refused.status_code == 403 and "Only HR" in refused.json()["detail"]
    patched = api.patch(f"/api/v1/openings/{pk}/", json.dumps({"location": "Berlin"}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["location"] == "Berlin"
    assert api_for(employee).patch(f"/api/v1/openings/{pk}/", json.dumps({"title": "x"}),
                                   content_type="application/json").status_code == 403
    assert _post(api, f"/api/v1/openings/{pk}/close/").json()["state"] == "closed"
    assert _post(api, f"/api/v1/openings/{pk}/close/").status_code == 400
    assert api_for(employee).get("/api/v1/openings/").json()["results"] == []  # closed: off the board
    assert [row["id"] for row in api.get("/api/v1/openings/", {"state": "closed"}).json()["results"]] == [pk]
    with tenancy.tenant_context(org.pk):
        assert Opening.objects.get().created_by_id == hr.pk


def test_refer_a_friend_from_an_opening_and_a_closed_one_saves_nothing(org, hr, employee, alumnus, opening,
                                                                       client_for, api_for):
    page = client_for(alumnus).get(f"/o/acme/alumni/openings/{opening.pk}/")
    assert page.status_code == 200 and "Refer a friend" in page.content.decode()
    sent = client_for(alumnus).post(f"/o/acme/alumni/openings/{opening.pk}/refer/", {
        "candidate_name": "Bo Friend", "candidate_email": "bo@friend.test", "why": "Great engineer"})
    assert sent.status_code == 302
    by_api = _post(api_for(employee), "/api/v1/referrals/", {
        "candidate_name": "Cy Friend", "candidate_email": "cy@friend.test", "why": "Solid", "opening": opening.pk})
    assert by_api.status_code == 201 and by_api.json()["opening"] == opening.pk
    assert by_api.json()["role"] == "Robotics engineer"
    with tenancy.tenant_context(org.pk):
        rows = list(Referral.objects.order_by("pk").values_list("opening_id", "role", "referrer_was_alumnus"))
        hr.organization = org
        services.opening_close(by=hr, opening=opening)
    assert rows == [(opening.pk, "Robotics engineer", True), (opening.pk, "Robotics engineer", False)]
    closed = client_for(alumnus).post(f"/o/acme/alumni/openings/{opening.pk}/refer/", {
        "candidate_name": "Di Friend", "candidate_email": "di@friend.test", "why": "Great"})
    assert closed.status_code == 400 and "is closed" in closed.content.decode()
    by_api = _post(api_for(employee), "/api/v1/referrals/", {
        "candidate_name": "Di Friend", "candidate_email": "di@friend.test", "why": "Great", "opening": opening.pk})
    assert by_api.status_code == 400 and "is closed" in by_api.json()["errors"]["opening"][0]
    unknown = _post(api_for(employee), "/api/v1/referrals/", {
        "candidate_name": "Di Friend", "candidate_email": "di@friend.test", "why": "Great", "opening": UNKNOWN_ID})
    assert unknown.status_code == 400 and unknown.json()["errors"]["opening"] == ["No such opening."]
    with tenancy.tenant_context(org.pk):
        assert Referral.objects.count() == 2
    # HR sees who was referred for the opening; the alumnus sees only theirs.
    assert "Cy Friend" in client_for(hr).get(f"/o/acme/alumni/openings/{opening.pk}/").content.decode()
    mine = client_for(alumnus).get(f"/o/acme/alumni/openings/{opening.pk}/").content.decode()
    assert "Bo Friend" in mine and "Cy Friend" not in mine


def _alumnus_with_exit(org, admin, hr, member, *, rehire: str):
    process = start(hr, member, days=0)
    with tenancy.tenant_context(org.pk):
        services.exit_update(process=process, by=hr, data={
            "rehire": rehire, "rehire_reason": "Left mid-project." if rehire == "not_eligible" else ""})
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        member.refresh_from_db()
    member.organization = org
    return member


def test_apply_to_come_back_follows_the_rehire_eligibility(org, admin, hr, long_employee, opening, client_for):
    from tests.alliance.factories import MembershipFactory

    eligible = _alumnus_with_exit(org, admin, hr, long_employee, rehire="eligible")
    other = MembershipFactory(organization=org, user__email="not.eligible@acme.test", team="Robotics")
    with tenancy.tenant_context(org.pk):
        type(other).objects.filter(pk=other.pk).update(employment_started_on="2020-01-01")
    other.employment_started_on = timezone.localdate() - timedelta(days=2000)
    refused_person = _alumnus_with_exit(org, admin, hr, other, rehire="not_eligible")
    assert eligible.status == refused_person.status == "alumnus"
    page = client_for(refused_person).get(f"/o/acme/alumni/openings/{opening.pk}/").content.decode()
    assert "does not allow a rehire" in page
    refused = client_for(refused_person).post(f"/o/acme/alumni/openings/{opening.pk}/apply/", {"message": "Me!"})
    assert refused.status_code == 400 and "does not allow a rehire" in refused.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not Boomerang.objects.exists()
    applied = client_for(eligible).post(f"/o/acme/alumni/openings/{opening.pk}/apply/", {"message": "I miss it"})
    assert applied.status_code == 302
    with tenancy.tenant_context(org.pk):
        boomerang = Boomerang.objects.get()
    assert (boomerang.member_id, boomerang.state, boomerang.opening_id) == (eligible.pk, "requested", opening.pk)
    assert "Robotics engineer" in boomerang.message
    again = client_for(eligible).post(f"/o/acme/alumni/openings/{opening.pk}/apply/", {"message": "Again"})
    assert again.status_code == 400 and "asked already" in again.content.decode()
    # Employees refer; they do not apply to come back (the form is not offered, the service refuses).
    assert "Come back for this job" not in client_for(hr).get(f"/o/acme/alumni/openings/{opening.pk}/").content.decode()
    assert client_for(hr).post(f"/o/acme/alumni/openings/{opening.pk}/apply/", {"message": "x"}).status_code == 400
    with tenancy.tenant_context(org.pk):
        assert Boomerang.objects.count() == 1


def _count(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_the_board_and_the_api_list_run_a_constant_number_of_queries(org, hr, employee, opening, client_for,
                                                                      api_for):
    api, client = api_for(employee), client_for(hr)
    api.get("/api/v1/me/")
    few_api = _count(lambda: api.get("/api/v1/openings/"))
    few_page = _count(lambda: client.get("/o/acme/alumni/openings/"))
    with tenancy.tenant_context(org.pk):
        for index in range(12):
            made = services.opening_create(by=hr, title=f"Job {index}", description="x")
            services.referral_submit(by=employee, opening=made, candidate_name=f"C {index}",
                                           candidate_email=f"c{index}@x.test", why="Good")
    assert len(api.get("/api/v1/openings/").json()["results"]) == 13
    assert _count(lambda: api.get("/api/v1/openings/")) == few_api
    assert _count(lambda: client.get("/o/acme/alumni/openings/")) == few_page
