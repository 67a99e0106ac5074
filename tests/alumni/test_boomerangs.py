"""Boomerangs: an eligible alumnus comes back, and the career ledger spans both stays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni import selectors, services
from alumni.models import Boomerang, ExitProcess
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.alumni.network import deliver_all, set_level
from tests.tours.factories import TourFactory

REHIRE = {"role": "employee", "title": "Senior engineer", "team": "Robotics", "tour_kind": "transformational",
          "tour_title": "Second stay: the warehouse fleet", "mission": "Lead the warehouse fleet rewrite.",
          "company_objectives": "A fleet that ships weekly.", "employee_benefits": "Leading a team of five.",
          "end_date": ""}


@pytest.fixture
def left(org, hr, manager, long_employee):
    """An alumnus whose last tour ended with their exit; HR recorded the rehire eligibility."""
    tour = TourFactory(employee=long_employee, manager=manager, status="active", title="First stay: the arm",
                       start_date=date(2021, 1, 1), end_date=timezone.localdate() + timedelta(days=200))
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        services.exit_update(process=process, by=hr, data={"good_standing": True, "rehire": "eligible"})
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.select_related("user").get(pk=long_employee.pk)
    member.organization = org
    assert member.status == "alumnus"
    return member, tour, process


def _form(manager, **extra):
    start_day = timezone.localdate() + timedelta(days=30)
    return {**REHIRE, "manager": manager.pk, "start_date": start_day.isoformat(),
            "end_date": (start_day + timedelta(days=700)).isoformat(), **extra}


def test_hr_rehires_an_eligible_alumnus_and_the_ledger_spans_both_stays(org, hr, manager, left, client_for):
    alumnus, first_tour, _ = left
    client = client_for(hr)
    page = client.get("/o/acme/alumni-network/boomerangs/").content.decode()
    assert alumnus.user.full_name in page and "Eligible" in page
    assert client.get(f"/o/acme/alumni-network/boomerangs/rehire/{alumnus.pk}/").status_code == 200
    response = client.post(f"/o/acme/alumni-network/boomerangs/rehire/{alumnus.pk}/", _form(manager))
    assert response.status_code == 302, response.content.decode()[:2000]
    from tours import selectors as tour_selectors

    with tenancy.tenant_context(org.pk):
        member = Membership.objects.get(pk=alumnus.pk)
        boomerang = Boomerang.objects.get()
        hr.organization = org
        ledger = tour_selectors.career_ledger(member=hr, subject=member)
    assert (member.status, member.role, member.manager_id, member.team) == ("active", "employee", manager.pk,
                                                                            "Robotics")
    assert [tour.title for tour in ledger] == ["First stay: the arm", "Second stay: the warehouse fleet"]
    assert ledger[1].status == "draft" and ledger[1].previous_tour_id == first_tour.pk
    assert (boomerang.state, boomerang.last_tour_ref, boomerang.new_tour_ref) == ("rehired", first_tour.pk,
                                                                                 ledger[1].pk)
    delivered = deliver_all(org)
    assert any(r.kind == "alumni_boomerang_rehired" and r.status == "sent" for r in delivered)
    # Back in: they reach the organization's pages again; their card left the directory.
    assert client_for(member).get("/o/acme/").status_code == 200
    rates = selectors.boomerang_rate_by_year(hr)
    assert rates[-1]["rehires"] == 1 and rates[-1]["alumni"] == 1 and rates[-1]["rate"] == 100.0


def test_a_rehire_of_someone_not_eligible_is_refused_and_changes_nothing(org, hr, manager, left, api_for):
    alumnus, _, process = left
    with tenancy.tenant_context(org.pk):
        ExitProcess.objects.filter(pk=process.pk).update(rehire="not_eligible", rehire_reason="Breach of trust")
    response = api_for(hr).post_json("/api/v1/boomerangs/", {**_form(manager), "member": alumnus.pk,
                                                             "end_date": None, "tour_kind": "foundational"})
    assert response.status_code == 400 and "not eligible" in response.json()["detail"]
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=alumnus.pk).status == "alumnus"
        assert not Boomerang.objects.exists()


def test_bad_rehires_are_400s_and_change_nothing(org, hr, manager, left, api_for):
    alumnus, _, process = left
    employee = MembershipFactory(organization=org, user__email="colleague@acme.test")
    api = api_for(hr)
    before = _form(manager, start_date=(process.last_working_day - timedelta(days=3)).isoformat())
    assert api.post_json("/api/v1/boomerangs/", {**before, "member": alumnus.pk}).status_code == 400
    not_a_manager = api.post_json("/api/v1/boomerangs/", {**_form(manager), "member": alumnus.pk,
                                                          "manager": employee.pk})
    assert not_a_manager.status_code == 400 and "manager" in not_a_manager.json()["errors"]
    active = api.post_json("/api/v1/boomerangs/", {**_form(manager), "member": employee.pk})
    assert active.status_code == 400 and "member" in active.json()["errors"]
    no_end = api.post_json("/api/v1/boomerangs/", {**_form(manager), "member": alumnus.pk, "end_date": None})
    assert no_end.status_code == 400 and "end_date" in no_end.json()["errors"]
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=alumnus.pk).status == "alumnus"
        assert not Boomerang.objects.exists()
    assert api_for(employee).post_json("/api/v1/boomerangs/", {**_form(manager), "member": alumnus.pk}
                                       ).status_code == 403
    ok = api.post_json("/api/v1/boomerangs/", {**_form(manager), "member": alumnus.pk})
    assert ok.status_code == 201 and ok.json()["previous_tour"] and ok.json()["new_tour"]
    assert api.get("/api/v1/boomerangs/rate/").json()[-1]["rehires"] == 1


def test_i_would_like_to_come_back(org, admin, hr, manager, left, client_for, api_for):
    alumnus, _, _ = left
    client = client_for(alumnus)
    assert client.post("/o/acme/alumni/come-back/", {"message": ""}).status_code == 400
    assert client.post("/o/acme/alumni/come-back/", {"message": "I miss the robots."}).status_code == 302
    again = client.post("/o/acme/alumni/come-back/", {"message": "Really."})
    assert again.status_code == 400 and "asked already" in again.content.decode()
    assert "You asked on" in client.get("/o/acme/alumni/come-back/").content.decode()
    deliver_all(org)
    from alliance.models import Notification

    with tenancy.tenant_context(org.pk):
        request = Boomerang.objects.get()
        assert Notification.objects.filter(recipient=hr, kind="alumni_boomerang_requested").exists()
    assert request.state == "requested" and "I miss the robots." in client_for(hr).get(
        "/o/acme/alumni-network/boomerangs/").content.decode()
    listed = api_for(hr).get("/api/v1/boomerangs/", {"state": "requested"}).json()["results"]
    assert [row["id"] for row in listed] == [request.pk]
    # Rehiring them answers the request.
    response = client_for(hr).post(f"/o/acme/alumni-network/boomerangs/rehire/{alumnus.pk}/", _form(manager))
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert list(Boomerang.objects.values_list("pk", "state")) == [(request.pk, "rehired")]
    set_level(admin, "ignore")


def test_hr_declines_a_request_and_at_ignore_nobody_can_ask(org, admin, hr, left, client_for):
    alumnus, _, _ = left
    with tenancy.tenant_context(org.pk):
        request = services.boomerang_request(by=alumnus, message="Can I come back?")
    client = client_for(hr)
    no_reason = client.post(f"/o/acme/alumni-network/boomerangs/{request.pk}/decline/", {"decline_note": ""})
    assert no_reason.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert Boomerang.objects.get().state == "requested"
    client.post(f"/o/acme/alumni-network/boomerangs/{request.pk}/decline/", {"decline_note": "No opening now."})
    with tenancy.tenant_context(org.pk):
        assert Boomerang.objects.get().state == "declined"
    set_level(admin, "ignore")
    assert client_for(alumnus).post("/o/acme/alumni/come-back/", {"message": "Please"}).status_code == 404


def test_a_new_stay_starts_on_its_own_day_and_the_history_keeps_the_first(org, hr, manager, left, client_for):
    from alliance.models import MembershipChange

    alumnus, _tour, _process = left
    first_start = alumnus.employment_started_on
    form = _form(manager)
    client_for(hr).post(f"/o/acme/alumni-network/boomerangs/rehire/{alumnus.pk}/", form)
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.get(pk=alumnus.pk)
        change = MembershipChange.objects.get(membership=member, field="employment_started_on")
    assert member.employment_started_on.isoformat() == form["start_date"]
    assert (change.old_value, change.new_value, change.source) == (first_start.isoformat(), form["start_date"],
                                                                   "rehire")
