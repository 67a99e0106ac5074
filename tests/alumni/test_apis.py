from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alumni import services
from alumni.models import AlumniSettings, CustomerLead, ExitProcess, ExitTask
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.alumni.engage import event
from tests.alumni.network import set_level


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

        Membership.objects.filter(pk__in=[p.pk for p in people]).update(employment_started_on="2020-01-01")
    for person in people[:2]:
        person.employment_started_on = timezone.localdate() - timedelta(days=999)
        start(hr, person)
    api.get("/api/v1/me/")  # the token's first use is recorded once
    with django_assert_num_queries(6):
        assert len(api.get("/api/v1/exits/").json()["results"]) == 2
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/exit-tasks/").json()["results"]) == 6
    for person in people[2:]:
        person.employment_started_on = timezone.localdate() - timedelta(days=999)
        start(hr, person)
    with django_assert_num_queries(6):
        assert len(api.get("/api/v1/exits/").json()["results"]) == 6
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/exit-tasks/").json()["results"]) == 18


# --- Schema conformance (issue #22, item 11) and money currencies (item 9) ---------------------------------

def test_an_exit_answers_null_for_a_rehire_and_an_outcome_not_decided(org, hr, long_employee, checklist, api_for):
    """They were ``""``, outside the enums the schema gives."""
    process = start(hr, long_employee)
    api = api_for(hr)
    body = api.get(f"/api/v1/exits/{process.pk}/").json()
    assert body["rehire"] is None and body["outcome"] is None
    assert api.get("/api/v1/exits/").json()["results"][0]["rehire"] is None
    decided = api.patch_json(f"/api/v1/exits/{process.pk}/", {"rehire": "eligible"})
    assert decided.status_code == 200 and decided.json()["rehire"] == "eligible"
    undecided = api.patch_json(f"/api/v1/exits/{process.pk}/", {"rehire": ""})
    assert undecided.status_code == 200 and undecided.json()["rehire"] is None


def test_an_event_without_a_link_answers_null_and_no_answer_is_null(org, admin, hr, employee, api_for):
    """``link: ""`` where the schema promises a URI; ``my_state: ""`` outside its values."""
    set_level(admin, "invest")
    on_site = event(org, hr)
    online = event(org, hr, "Webinar", place="", link="https://meet.example.com/a")
    api = api_for(employee)
    assert api.get(f"/api/v1/events/{on_site.pk}/").json()["link"] is None
    assert api.get(f"/api/v1/events/{online.pk}/").json()["link"] == "https://meet.example.com/a"
    listed = {row["id"]: row for row in api.get("/api/v1/events/").json()["results"]}
    assert listed[on_site.pk]["link"] is None and listed[on_site.pk]["my_state"] is None


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_boolean_is_true_or_false_only(org, hr, long_employee, checklist, api_for, value):
    process = start(hr, long_employee)
    refused = api_for(hr).patch_json(f"/api/v1/exits/{process.pk}/", {"alumni_despite": value})
    assert refused.status_code == 400 and refused.json()["errors"]["alumni_despite"], refused.content
    with tenancy.tenant_context(org.pk):
        assert ExitProcess.objects.get(pk=process.pk).alumni_despite is False


def test_a_lead_with_an_unknown_field_is_refused_and_nothing_is_saved(org, admin, employee, api_for):
    set_level(admin, "support")
    api = api_for(employee)
    refused = api.post_json("/api/v1/leads/", {"company": "Hooli", "contact_name": "Gavin", "need": "Robots",
                                               "value": "1000"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"value": ["Unknown field: this operation does not take it."]}
    with tenancy.tenant_context(org.pk):
        assert not CustomerLead.objects.exists()


def test_every_write_refuses_unknown_fields_the_same_way(org, admin, hr, long_employee, checklist, api_for):
    """A body, a PATCH, and an action that takes no body at all."""
    process = start(hr, long_employee)
    api = api_for(hr)
    for response in (api.patch_json(f"/api/v1/exits/{process.pk}/", {"rehire": "eligible", "rehired": "yes"}),
                     api.post_json(f"/api/v1/exits/{process.pk}/cancel/", {"reason": "changed their mind"})):
        assert response.status_code == 400, response.content
        assert list(response.json()["errors"]) in (["rehired"], ["reason"])
    with tenancy.tenant_context(org.pk):
        kept = ExitProcess.objects.get(pk=process.pk)
        assert kept.rehire == "" and kept.state == ExitProcess.State.IN_PROGRESS
    assert api.post(f"/api/v1/exits/{process.pk}/cancel/").status_code == 200  # no body at all is fine


@pytest.mark.parametrize("code", ["AAA", "XXX", "XTS", "XAU"])
def test_a_lead_in_a_currency_that_is_not_money_is_refused_by_the_api_and_the_page(org, admin, employee, api_for,
                                                                                   client_for, code):
    set_level(admin, "support")
    refused = api_for(employee).post_json("/api/v1/leads/", {"company": "Hooli", "contact_name": "Gavin",
                                                             "need": "Robots", "currency": code})
    assert refused.status_code == 400 and "ISO 4217" in refused.json()["errors"]["currency"][0]
    page = client_for(employee).post("/o/acme/alumni/leads/new/", {"company": "Hooli", "contact_name": "Gavin",
                                                                   "need": "Robots", "currency": code})
    assert page.status_code == 400 and "ISO 4217" in page.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not CustomerLead.objects.exists()
    taken = api_for(employee).post_json("/api/v1/leads/", {"company": "Hooli", "contact_name": "Gavin",
                                                           "need": "Robots", "currency": " jpy "})
    assert taken.status_code == 201 and taken.json()["currency"] == "JPY"


def test_the_bonus_currency_follows_the_same_rule(org, admin, client_for):
    refused = client_for(admin).post("/o/acme/alumni-network/", {
        "level": "invest", "referral_bonus_for": "nobody", "referral_bonus_amount": "0", "lead_bonus_for": "nobody",
        "lead_bonus_amount": "0", "bonus_currency": "XTS"})
    assert refused.status_code == 400 and "ISO 4217" in refused.content.decode()
    admin.organization = org
    with pytest.raises(ApplicationError) as error, tenancy.tenant_context(org.pk):
        services.network_settings_save(by=admin, data={"level": "invest", "bonus_currency": "XXX"})
    assert "bonus_currency" in error.value.field_errors
    with tenancy.tenant_context(org.pk):
        assert not AlumniSettings.objects.exists()
