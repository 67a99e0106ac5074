"""Lists sort people by a stored key (``Membership.sort_name`` and its copy on tours), kept up to date by the
services that name people: a rename, an address change of a nameless person, an import, an erasure."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance import services
from alliance.models import Membership, User, person_sort_name
from alliance.services.imports import people_import_apply, people_import_preview
from alliance.tenancy import cross_tenant, tenant_context
from tests.alliance.factories import MembershipFactory, UserFactory
from tests.alliance.test_people_import import TEAM, csv_file
from tests.tours.factories import TourFactory
from tours import services as tour_services
from tours.models import Tour

pytestmark = pytest.mark.django_db


def keys_of(user: User) -> tuple[set[str], set[str]]:
    """The user's membership keys in every organization, and their tours' copies."""
    with cross_tenant(reason="test: read a person's keys everywhere"):
        members = set(Membership.objects.filter(user=user).values_list("sort_name", flat=True))
        tours = set(Tour.objects.filter(employee__user=user).values_list("employee_sort_name", flat=True))
    return members, tours


def test_the_key_is_the_name_lowercased_or_the_address():
    assert person_sort_name("  Zoë Ångström ", "z@x.test") == "zoë ångström"
    assert person_sort_name("", "Nameless@X.test") == "nameless@x.test"
    assert len(person_sort_name("a" * 500, "x@x.test")) == 200


def test_a_rename_updates_the_key_in_every_organization_and_on_the_tours(org, other_org, employee, manager):
    TourFactory(employee=employee, manager=manager)
    elsewhere = MembershipFactory(organization=other_org, user=employee.user)
    with tenant_context(other_org.pk):
        TourFactory(employee=elsewhere, manager=MembershipFactory(organization=other_org))
    with tenant_context(org.pk):
        services.profile_update(membership=employee, full_name="Zed Zimmer", time_zone="UTC", aspirations="",
                                values="")
    assert keys_of(employee.user) == ({"zed zimmer"}, {"zed zimmer"})


def test_an_address_change_keeps_a_named_persons_key(org, employee):
    user = User.objects.get(pk=employee.user_id)
    services.user_email_change_keeping_alias(user=user, new_email="aaron@acme.test")
    assert keys_of(user)[0] == {person_sort_name(user.full_name, "")} != {"aaron@acme.test"}


def test_a_new_tour_copies_its_employees_key(org, hr, manager, employee):
    with tenant_context(org.pk):
        tour = tour_services.tour_create(by=hr, employee=employee, manager=manager, kind="transformational",
                                         title="Platform", mission="Ship", company_objectives="A",
                                         employee_benefits="B", start_date=date(2026, 1, 5),
                                         end_date=date(2028, 1, 5))
        assert Tour.objects.get(pk=tour.pk).employee_sort_name == employee.sort_name != ""


def test_imported_people_get_their_keys_and_a_person_known_elsewhere_keeps_their_name(org, other_org, admin,
                                                                                    hr):
    known = UserFactory(email="dev2@acme.test", full_name="Deva Known")
    MembershipFactory(organization=other_org, user=known)
    with tenant_context(org.pk):
        people_import_apply(people_import=people_import_preview(by=hr, uploaded=csv_file(TEAM)), by=hr)
        keys = dict(Membership.objects.filter(user__email__in=["boss@acme.test", "dev2@acme.test"])
                    .values_list("user__email", "sort_name"))
    assert keys == {"boss@acme.test": "bea boss", "dev2@acme.test": "deva known"}


def test_renaming_through_an_invitation_of_an_imported_person_updates_the_key(org, admin, hr):
    with tenant_context(org.pk):
        people_import_apply(people_import=people_import_preview(by=hr, uploaded=csv_file(TEAM)), by=hr)
        member = Membership.objects.select_related("user").get(user__email="dev1@acme.test")
        invitation, _link = services.invitation_create(by=hr, email="dev1@acme.test", role="employee")
        services.invitation_accept(invitation=invitation, user=None, full_name="Adele One",
                                   password="correct-horse-9")
    assert keys_of(member.user)[0] == {"adele one"}


# --- Lists sorted by the key ----------------------------------------------------------------------


def make_people(org, manager, names):
    for name in names:
        person = MembershipFactory(organization=org, manager=manager, user__full_name=name)
        TourFactory(employee=person, manager=manager, status="active")


def test_the_tours_page_sorts_by_person_with_a_constant_number_of_queries(client_for, org, hr, manager,
                                                                          django_assert_num_queries):
    make_people(org, manager, ["Carla Cole", "anna Able"])
    client = client_for(hr)
    page = reverse("tours:list", args=[org.slug]) + "?sort=person"
    client.get(page)
    with CaptureQueriesContext(connection) as small:
        body = client.get(page).content.decode()
    assert body.index("anna Able") < body.index("Carla Cole")
    assert any('ORDER BY "tours_tour"."employee_sort_name" ASC' in q["sql"] for q in small.captured_queries)
    make_people(org, manager, ["Bert Bloom", "Dora Dune", "Ezra East"])
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(page).content.decode()
    names = ["anna Able", "Bert Bloom", "Carla Cole", "Dora Dune", "Ezra East"]
    assert [body.index(name) for name in names] == sorted(body.index(name) for name in names)


def test_an_unknown_sort_of_the_tours_page_falls_back_to_its_default(client_for, org, hr):
    assert client_for(hr).get(reverse("tours:list", args=[org.slug]) + "?sort=salary").status_code == 200


def statements(request) -> tuple[object, int]:
    """The response of ``request()`` and how many SQL statements it ran."""
    seen = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = request()
    return response, len(seen)


def test_the_tours_api_orders_by_employee_name_through_its_pages(api_for, org, hr, manager):
    make_people(org, manager, ["Carla Cole", "anna Able", "Bert Bloom"])
    client = api_for(hr)
    client.get("/api/v1/tours/")
    response, small = statements(lambda: client.get("/api/v1/tours/", {"ordering": "employee_name", "page_size": 2}))
    first = response.json()
    assert [row["employee_name"] for row in first["results"]] == ["anna Able", "Bert Bloom"]
    second = client.get(first["next"]).json()
    assert [row["employee_name"] for row in second["results"]] == ["Carla Cole"]
    backwards = client.get("/api/v1/tours/", {"ordering": "-employee_name"}).json()
    assert [row["employee_name"] for row in backwards["results"]] == ["Carla Cole", "Bert Bloom", "anna Able"]
    make_people(org, manager, ["Dora Dune", "Ezra East", "Fay Fern"])
    response, big = statements(lambda: client.get("/api/v1/tours/", {"ordering": "employee_name", "page_size": 2}))
    assert response.status_code == 200 and big == small


@pytest.mark.parametrize("ordering", ["salary", "employee__user__full_name", ""])
def test_an_unknown_api_ordering_is_a_400_naming_the_choices(api_for, hr, ordering):
    response = api_for(hr).get("/api/v1/tours/", {"ordering": ordering})
    assert response.status_code == 400
    assert "employee_name" in response.json()["errors"]["ordering"][0]


def test_an_edited_cursor_of_a_name_order_is_a_400(api_for, hr):
    import base64

    cursor = base64.b64encode(b"p=" + b"x" * 400).decode()
    response = api_for(hr).get("/api/v1/tours/", {"ordering": "employee_name", "cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_the_members_page_sorts_by_the_key(client_for, org, hr):
    for name in ["Quinn Quill", "paula Pond"]:
        MembershipFactory(organization=org, user__full_name=name)
    body = client_for(hr).get(reverse("member_list", args=[org.slug])).content.decode()
    assert body.index("paula Pond") < body.index("Quinn Quill")
