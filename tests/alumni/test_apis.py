from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alumni.models import ExitProcess, ExitTask
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start


def _post(api, path, data=None):
    return api.post(path, json.dumps(data or {}), content_type="application/json")


def test_hr_starts_lists_updates_and_cancels_an_exit(org, hr, long_employee, checklist, api_for):
    api = api_for(hr)
    day = (timezone.localdate() + timedelta(days=20)).isoformat()
    created = _post(api, "/api/v1/exits/", {"member": long_employee.pk, "kind": "resignation",
                                            "last_working_day": day, "initiated_by": "employee"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tasks_total"] == 3 and body["tasks_done"] == 0 and body["interview_status"] == "not_scheduled"
    again = _post(api, "/api/v1/exits/", {"member": long_employee.pk, "kind": "resignation",
                                          "last_working_day": day, "initiated_by": "employee"})
    assert again.status_code == 400 and "already leaving" in again.json()["detail"]
    patched = api.patch(f"/api/v1/exits/{body['id']}/", json.dumps({"rehire": "not_eligible"}),
                        content_type="application/json")
    assert patched.status_code == 400 and "rehire_reason" in patched.json()["errors"]
    patched = api.patch(f"/api/v1/exits/{body['id']}/", json.dumps({"rehire": "conditional", "regretted": True}),
                        content_type="application/json")
    assert patched.status_code == 200 and patched.json()["rehire"] == "conditional"
    listed = api.get("/api/v1/exits/", {"updated_since": (timezone.now() - timedelta(hours=1)).isoformat()})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    cancelled = _post(api, f"/api/v1/exits/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


def test_a_last_day_before_joining_is_a_400(org, hr, long_employee, api_for):
    response = _post(api_for(hr), "/api/v1/exits/", {"member": long_employee.pk, "kind": "resignation",
                                                     "last_working_day": "2019-01-01", "initiated_by": "employee"})
    assert response.status_code == 400 and "last_working_day" in response.json()["errors"]
    with tenancy.tenant_context(org.pk):
        assert not ExitProcess.objects.exists()


def test_exits_are_hr_only_and_tasks_are_mine(org, hr, manager, long_employee, checklist, api_for):
    process = start(hr, long_employee)
    assert api_for(manager).get("/api/v1/exits/").status_code == 403
    assert api_for(manager).get(f"/api/v1/exits/{process.pk}/").status_code == 403
    assert _post(api_for(manager), f"/api/v1/exits/{process.pk}/cancel/").status_code == 403
    mine = api_for(long_employee).get("/api/v1/exit-tasks/").json()["results"]
    assert [row["title"] for row in mine] == ["Return laptop"]
    assert len(api_for(hr).get("/api/v1/exit-tasks/").json()["results"]) == 3
    with tenancy.tenant_context(org.pk):
        handover = ExitTask.objects.get(title="Handover plan")
        laptop = ExitTask.objects.get(title="Return laptop")
    assert _post(api_for(long_employee), f"/api/v1/exit-tasks/{handover.pk}/complete/").status_code == 404
    done = _post(api_for(long_employee), f"/api/v1/exit-tasks/{laptop.pk}/complete/")
    assert done.status_code == 200 and done.json()["done"] is True
    assert _post(api_for(long_employee), f"/api/v1/exit-tasks/{laptop.pk}/complete/").status_code == 400


def test_exit_lists_run_a_constant_number_of_queries(org, hr, checklist, api_for, django_assert_num_queries):
    api = api_for(hr)
    people = [MembershipFactory(organization=org, user__email=f"p{i}@acme.test") for i in range(6)]
    with tenancy.tenant_context(org.pk):
        from alliance.models import Membership

        Membership.objects.filter(pk__in=[p.pk for p in people]).update(joined_on="2020-01-01")
    for person in people[:2]:
        person.joined_on = timezone.localdate() - timedelta(days=999)
        start(hr, person)
    api.get("/api/v1/me/")  # the token's first use is recorded once
    with django_assert_num_queries(6):
        assert len(api.get("/api/v1/exits/").json()["results"]) == 2
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/exit-tasks/").json()["results"]) == 6
    for person in people[2:]:
        person.joined_on = timezone.localdate() - timedelta(days=999)
        start(hr, person)
    with django_assert_num_queries(6):
        assert len(api.get("/api/v1/exits/").json()["results"]) == 6
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/exit-tasks/").json()["results"]) == 18
