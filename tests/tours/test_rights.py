"""Who may do what with tours: every rule is the service's, and each path (service call,
browser, API) refuses the same thing. Refused actions are 403 in the API; an object one may
not see, or may not choose, is answered the same way as one that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance import services as core_services
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import TourFactory
from tests.tours.test_apis import new_tour_body
from tests.tours.test_views import tour_post, url
from tours import rights, services
from tours.models import Tour


@pytest.fixture
def tenant(org):
    with tenant_context(org.pk):
        yield org


def tour_count(org) -> int:
    with tenant_context(org.pk):
        return Tour.objects.count()


# --- An employee-role member is never a tour's manager --------------------------------------

def test_service_refuses_an_employee_role_manager(tenant, manager, employee, colleague):
    with pytest.raises(ApplicationError) as refused:
        services.tour_create(by=manager, employee=employee, manager=colleague, **{
            k: v for k, v in new_tour_body(employee).items() if k not in ("employee",)})
    assert "manager" in refused.value.field_errors
    assert not Tour.objects.exists()


def test_api_refuses_an_employee_role_manager_like_an_unknown_id(api_for, org, manager, employee, colleague):
    client = api_for(manager)
    as_colleague = client.post_json("/api/v1/tours/", new_tour_body(employee, manager=colleague.pk))
    as_unknown = client.post_json("/api/v1/tours/", new_tour_body(employee, manager=2_000_000_017))
    assert as_colleague.status_code == as_unknown.status_code == 400
    assert as_colleague.json() == as_unknown.json()
    assert "manager" in as_colleague.json()["errors"]
    assert tour_count(org) == 0


def test_browser_refuses_an_employee_role_manager(client_for, org, manager, employee, colleague):
    response = client_for(manager).post(url("create", org), tour_post(employee, manager=colleague.pk))
    assert response.status_code == 400
    assert tour_count(org) == 0


def test_members_page_and_service_refuse_an_employee_role_manager(client_for, org, hr, employee, colleague):
    with tenant_context(org.pk):
        with pytest.raises(ApplicationError) as refused:
            core_services.membership_update(membership=employee, by=hr, role="employee", manager=colleague,
                                            title="", team="")
        assert "manager" in refused.value.field_errors
    response = client_for(hr).post(reverse("member_edit", args=[org.slug, employee.pk]),
                                   {"role": "employee", "manager": colleague.pk, "title": "", "team": ""})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with tenant_context(org.pk):
        employee.refresh_from_db()
        assert employee.manager_id != colleague.pk


def test_invitations_refuse_an_employee_role_manager(tenant, hr, colleague):
    with pytest.raises(ApplicationError) as refused:
        core_services.invitation_create(by=hr, email="new@acme.test", role="employee", manager=colleague)
    assert "manager" in refused.value.field_errors


def test_a_manager_with_reports_or_open_tours_keeps_the_manager_role(tenant, hr, manager, employee, other_manager):
    with pytest.raises(ApplicationError, match="direct report"):
        core_services.membership_update(membership=manager, by=hr, role="employee", manager=None, title="", team="")
    lone = MembershipFactory(organization=manager.organization, role="manager", user__email="lone@acme.test")
    TourFactory(employee=MembershipFactory(organization=manager.organization, manager=other_manager),
                manager=lone, status="active")
    with pytest.raises(ApplicationError, match="open tour"):
        core_services.membership_update(membership=lone, by=hr, role="employee", manager=None, title="", team="")
    lone.refresh_from_db()
    assert lone.role == "manager"


def test_a_member_who_lost_the_manager_role_loses_manager_rights(api_for, org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft")
    with tenant_context(org.pk):
        Membership.objects.filter(pk=manager.pk).update(role=Membership.Role.EMPLOYEE)
        manager.refresh_from_db()
        tour = Tour.objects.select_related("employee").get(pk=tour.pk)
        assert not rights.is_manager_side(manager, tour)
    assert api_for(manager).post_json(f"/api/v1/tours/{tour.pk}/propose/").status_code == 403


# --- Drafting -----------------------------------------------------------------------------------

def test_hr_cannot_draft_their_own_tour_on_any_path(api_for, client_for, tenant, hr):
    body = new_tour_body(hr)
    with pytest.raises(NotAllowed):
        services.tour_create(by=hr, **{k: v for k, v in body.items() if k != "employee"}, employee=hr)
    response = api_for(hr).post_json("/api/v1/tours/", body)
    assert response.status_code == 400 and "employee" in response.json()["errors"]  # not one HR may choose
    page = client_for(hr).post(url("create", tenant), tour_post(hr))
    assert page.status_code == 400
    assert tour_count(tenant) == 0


def test_an_employee_may_not_draft_tours_403(api_for, client_for, org, employee, colleague):
    assert api_for(employee).post_json("/api/v1/tours/", new_tour_body(colleague)).status_code == 403
    assert client_for(employee).get(url("create", org)).status_code == 403
    assert tour_count(org) == 0


def test_a_colleague_and_an_unknown_id_get_the_same_answer(api_for, org, manager, colleague):
    client = api_for(manager)
    not_mine = client.post_json("/api/v1/tours/", new_tour_body(colleague))
    unknown = client.post_json("/api/v1/tours/", {**new_tour_body(colleague), "employee": 2_000_000_017})
    assert not_mine.status_code == unknown.status_code == 400
    assert not_mine.json() == unknown.json()


# --- The API refuses what the browser refuses ----------------------------------------------------

@pytest.mark.parametrize(
    ("who", "path", "body"),
    [
        ("manager", "accept/", {}),
        ("manager", "request-changes/", {"comment": "No"}),
        ("hr", "first-conversation/grant/", {}),
        ("employee", "cancel/", {"reason": "Mine"}),
    ],
)
def test_lifecycle_refusals_are_403_in_the_api_and_a_message_in_the_page(
    request, api_for, client_for, org, employee, manager, who, path, body,
):
    tour = TourFactory(employee=employee, manager=manager, status="proposed")
    member = request.getfixturevalue(who)
    response = api_for(member).post_json(f"/api/v1/tours/{tour.pk}/{path}", body)
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    action = path.rstrip("/").replace("-", "_").replace("first_conversation/", "")
    if action in rights.TRANSITIONS:
        page = client_for(member).post(url("transition", org, tour.pk, action), body)
        assert page.status_code in (302, 400, 403)
    with tenant_context(org.pk):
        assert Tour.objects.get(pk=tour.pk).status == tour.status
        assert Tour.objects.get(pk=tour.pk).first_conversation_granted_on is None


def test_an_employee_cannot_even_see_a_draft_of_their_tour(api_for, client_for, org, employee, manager):
    draft = TourFactory(employee=employee, manager=manager, status="draft")
    assert api_for(employee).post_json(f"/api/v1/tours/{draft.pk}/propose/").status_code == 404
    assert client_for(employee).get(url("detail", org, draft.pk)).status_code == 404


def test_program_management_is_hr_only_403(api_for, manager):
    response = api_for(manager).post_json("/api/v1/programs/", {"name": "Grads", "duration_months": 12})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_list_pages_transitions_are_those_of_each_tour(tenant, hr, admin, manager, employee, other_manager,
                                                         colleague):
    """``PageTransitions`` (a list page's memo) answers for every status and relation exactly what
    ``allowed_transitions`` answers for the tour itself."""
    tours = [
        TourFactory(employee=person, manager=boss, status=status)
        for status in Tour.Status.values
        for person, boss in ((employee, manager), (colleague, other_manager), (manager, admin))
    ]
    for member in (hr, admin, manager, employee, other_manager, colleague):
        page = rights.PageTransitions(member)
        for _round in range(2):  # the second round answers from the memo
            for tour in tours:
                assert page(organization_id=tour.organization_id, status=tour.status, employee_id=tour.employee_id,
                            manager_id=tour.manager_id, employee_manager_id=tour.employee.manager_id,
                            ) == rights.allowed_transitions(tour, member), (member, tour.status)
