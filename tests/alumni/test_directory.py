"""The opt-in directory: every field's visibility, in the page, the search, the counts, the CSV and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni import selectors, services
from alumni.models import DIRECTORY_FIELDS, AlumniProfile, LeaverStep, Visibility
from tests.alumni.conftest import start
from tests.alumni.network import make_alumnus, set_level
from tests.tours.factories import TourFactory

VISIBILITIES = [Visibility.ALUMNI, Visibility.EVERYONE, Visibility.HIDDEN]
YEARS = {Visibility.ALUMNI: (2001, 2003), Visibility.EVERYONE: (2005, 2007), Visibility.HIDDEN: (2009, 2011)}


def marker(field: str, visibility: str) -> str:
    return f"{field}-{visibility}-mark"


def shown_to(viewer_is_alumnus: bool, visibility: str) -> bool:
    return visibility == Visibility.EVERYONE or (visibility == Visibility.ALUMNI and viewer_is_alumnus)


@pytest.fixture
def matrix(org):
    """One listed alumnus per (field, visibility): that field carries a marker with that visibility,
    every other field is hidden. What each viewer may find is then exactly the markers shown to them."""
    cases = []
    for field in DIRECTORY_FIELDS:
        for visibility in VISIBILITIES:
            card = {f"{name}_visibility": Visibility.HIDDEN for name in DIRECTORY_FIELDS}
            card[f"{field}_visibility"] = visibility
            name = marker("name", visibility) if field == "name" else f"Person {field} {visibility}"
            if field == "company":
                card.update(current_company=marker(field, visibility), current_role="Chief")
            elif field == "city":
                card["city"] = marker(field, visibility)
            elif field == "teams":
                card["teams"] = marker(field, visibility)
            elif field == "tours":
                card["tour_titles"] = f"First tour\n{marker(field, visibility)}"
            elif field == "years":
                first, last = YEARS[visibility]
                card.update(joined_on=date(first, 1, 1), left_on=date(last, 12, 31))
            make_alumnus(org, f"{field}.{visibility}@home.test", name, **card)
            cases.append((field, visibility))
    return cases


def needle(field: str, visibility: str) -> tuple[str, dict]:
    """What appears when the field is shown, and the query that finds it."""
    if field == "years":
        first, last = YEARS[visibility]
        return f"{first}–{last}", {"year": first + 1}
    return marker(field, visibility), {"q": marker(field, visibility)}


@pytest.mark.parametrize("viewer_kind", ["alumnus", "employee", "hr"])
def test_the_visibility_matrix_in_the_page_search_counts_and_csv(org, admin, hr, employee, matrix, client_for,
                                                                 viewer_kind):
    viewer = {"alumnus": make_alumnus(org, "viewer@home.test", "Vera Viewer", listed=False), "employee": employee,
              "hr": hr}[viewer_kind]
    is_alumnus = viewer_kind == "alumnus"
    client = client_for(viewer)
    page = client.get("/o/acme/alumni/directory/").content.decode()
    csv_text = client.get("/o/acme/alumni/directory.csv").getvalue().decode()
    for field, visibility in matrix:
        text, query = needle(field, visibility)
        shown = shown_to(is_alumnus, visibility)
        assert (text in page) is shown, (viewer_kind, field, visibility)
        assert (text in csv_text) is shown, (viewer_kind, field, visibility)
        found = client.get("/o/acme/alumni/directory/", query).content.decode()
        assert ("1 alumnus found" in found) is shown, (viewer_kind, field, visibility)
        assert ("0 alumni found" in found) is not shown, (viewer_kind, field, visibility)
        assert (text in client.get("/o/acme/alumni/directory.csv", query).getvalue().decode()) is shown
    # The counts: a card showing this viewer nothing at all is not listed (nor counted) either.
    expected = sum(1 for _, visibility in matrix if shown_to(is_alumnus, visibility))
    assert f"{expected} alumni" in page


def test_the_visibility_matrix_in_the_api(org, employee, matrix, api_for):
    api = api_for(employee)
    body = api.get("/api/v1/alumni/", {"page_size": 100}).content.decode()
    for field, visibility in matrix:
        text, query = needle(field, visibility)
        if field == "years":
            text = f'"joined_year":{YEARS[visibility][0]}'
        shown = shown_to(False, visibility)
        assert (text in body) is shown, (field, visibility)
        results = api.get("/api/v1/alumni/", query).json()["results"]
        assert len(results) == (1 if shown else 0), (field, visibility)
    for card in api.get("/api/v1/alumni/", {"page_size": 100}).json()["results"]:
        assert card["city"] is None or card["city"] == marker("city", "everyone")


def test_hidden_names_sort_last_and_tell_nothing(org, employee):
    make_alumnus(org, "a@home.test", "Aaron Hidden", name_visibility="hidden", city_visibility="everyone", city="Oslo")
    make_alumnus(org, "z@home.test", "Zoe Open", name_visibility="everyone")
    employee.organization = org
    with tenancy.tenant_context(org.pk):
        cards = selectors.directory_search(viewer=employee).values(*selectors.DIRECTORY_COLUMNS)
        rows = selectors.directory_rows(list(cards), viewer=employee, settings=selectors.network_settings(org))
    assert [(row["name"], row["city"]) for row in rows] == [("Zoe Open", None), (None, "Oslo")]


def test_bad_filters_are_a_400(org, employee, client_for, api_for):
    assert client_for(employee).get("/o/acme/alumni/directory/", {"year": "soon"}).status_code == 400
    response = api_for(employee).get("/api/v1/alumni/", {"year": "1800"})
    assert response.status_code == 400 and "year" in response.json()["errors"]


def test_the_directory_list_api_runs_a_constant_number_of_queries(org, employee, api_for,
                                                                  django_assert_num_queries):
    api = api_for(employee)
    for i in range(3):
        make_alumnus(org, f"few{i}@home.test", f"Few {i}", name_visibility="everyone")
    api.get("/api/v1/me/")
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/alumni/").json()["results"]) == 3
    for i in range(12):
        make_alumnus(org, f"many{i}@home.test", f"Many {i}", name_visibility="everyone")
    with django_assert_num_queries(5):
        assert len(api.get("/api/v1/alumni/").json()["results"]) == 15


def test_the_exit_makes_the_card_and_the_card_is_the_directory_consent(org, hr, manager, long_employee, client_for):
    TourFactory(employee=long_employee, manager=manager, status="active", title="Robotics platform lead")
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.get(process=process)
        services.leaver_step_save(step=step, by=long_employee, data={"city": "Lisbon", "consent_directory": True,
                                                                          "personal_email": "leaver@home.test"})
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        profile = AlumniProfile.objects.get(member=long_employee)
        alumnus = Membership.objects.get(pk=long_employee.pk)
    assert profile.listed and profile.city == "Lisbon" and profile.tour_titles == "Robotics platform lead"
    assert profile.joined_on == date(2020, 1, 1) and profile.left_on == timezone.localdate()
    client = client_for(alumnus)
    assert client.get("/o/acme/alumni/card/").status_code == 200
    saved = client.post("/o/acme/alumni/card/", {
        "listed": "on", "current_company": "Initech", "current_role": "CTO", "city": "Porto",
        "name_visibility": "everyone", "company_visibility": "everyone", "city_visibility": "alumni",
        "years_visibility": "alumni", "teams_visibility": "hidden", "tours_visibility": "everyone"})
    assert saved.status_code == 302
    staff = client_for(hr).get("/o/acme/alumni/directory/").content.decode()
    assert "Initech" in staff and "Robotics platform lead" in staff and "Porto" not in staff
    bad = client.post("/o/acme/alumni/card/", {"listed": "on", "name_visibility": "everybody"})
    assert bad.status_code == 400
    withdrawn = client.post("/o/acme/alumni/card/", {
        "current_company": "Initech", "current_role": "CTO", "city": "Porto", "name_visibility": "everyone",
        "company_visibility": "everyone", "city_visibility": "alumni", "years_visibility": "alumni",
        "teams_visibility": "hidden", "tours_visibility": "everyone"})
    assert withdrawn.status_code == 302
    assert "Initech" not in client_for(hr).get("/o/acme/alumni/directory/").content.decode()
    with tenancy.tenant_context(org.pk):
        step.refresh_from_db()
    assert step.consent_directory is False and step.consented_at is not None


def test_only_the_alumnus_edits_their_card(org, admin, employee):
    alumnus = make_alumnus(org, "own@home.test", "Owen Own")
    other = make_alumnus(org, "other@home.test", "Otto Other")
    set_level(admin, "support")
    with tenancy.tenant_context(org.pk):
        profile = AlumniProfile.objects.get(member=alumnus)
        other.organization = org
        with pytest.raises(NotAllowed):
            services.alumni_profile_update(profile=profile, by=other, data={"city": "Nowhere"})
        profile.refresh_from_db()
    assert profile.city == ""
