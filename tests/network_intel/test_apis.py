from __future__ import annotations

import pytest

from alliance import tenancy
from network_intel.models import IntelNote, IntroductionRequest
from tests.network_intel.factories import company, contact, note

pytestmark = pytest.mark.django_db


def test_notes_list_respects_visibility_and_filters(api_for, employee, stranger, hr, outsider):
    globex = company(employee, "Globex")
    shared = note(employee, title="Globex hires", body="ten robotics engineers", companies=[globex], tags=["hiring"])
    note(employee, title="Private Globex", body="robotics secret", companies=[globex], visibility="private")
    leader = note(employee, title="Leadership only", body="robotics budget", visibility="leadership")
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    assert ids(api_for(stranger).get("/api/v1/intel-notes/", {"q": "robotics"})) == [shared.pk]
    assert sorted(ids(api_for(hr).get("/api/v1/intel-notes/", {"q": "robotics"}))) == [shared.pk, leader.pk]
    assert ids(api_for(stranger).get("/api/v1/intel-notes/", {"company": globex.pk})) == [shared.pk]
    assert ids(api_for(stranger).get("/api/v1/intel-notes/", {"tag": "Hiring"})) == [shared.pk]
    assert ids(api_for(stranger).get("/api/v1/intel-notes/", {"author": employee.pk,
                                                               "visibility": "organization"})) == [shared.pk]
    row = api_for(stranger).get("/api/v1/intel-notes/", {"q": "robotics"}).json()["results"][0]
    assert "<mark>robotics</mark>" in row["snippet"]
    assert api_for(outsider).get("/api/v1/intel-notes/").json()["results"] == []
    assert api_for(stranger).get(f"/api/v1/intel-notes/{leader.pk}/").status_code == 404
    assert api_for(outsider).get(f"/api/v1/intel-notes/{shared.pk}/").status_code == 404


def test_notes_list_query_count_is_constant_and_updated_since_works(api_for, employee, django_assert_num_queries):
    globex = company(employee, "Globex")
    note(employee, title="First", companies=[globex], tags=["a"])
    api = api_for(employee)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get("/api/v1/me/")  # the token's first use records itself
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/intel-notes/")
    for i in range(10):
        note(employee, title=f"Note {i}", companies=[globex], tags=[f"t{i}"])
    with django_assert_num_queries(len(one)):
        response = api.get("/api/v1/intel-notes/", {"page_size": 5})
    assert len(response.json()["results"]) == 5 and response.json()["next"]
    with tenancy.tenant_context(employee.organization_id):
        latest = IntelNote.objects.for_org(employee.organization_id).latest("updated_at").updated_at
    assert len(api.get("/api/v1/intel-notes/", {"updated_since": latest.isoformat()}).json()["results"]) == 1
    from tests.alliance.factories import MembershipFactory

    colleague = MembershipFactory(organization=employee.organization, user__email="colleague@acme.test")

    made = iter(range(1000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(made)
            person = contact(employee, company(employee, f"Firm number {i} {'x' * i}"), name=f"Person {i}")
            with tenancy.tenant_context(employee.organization_id):
                from network_intel import services

                services.introduction_request(by=colleague, contact=person, message="Hello")

    grow(1)
    for path, client in (("/api/v1/companies/", api), ("/api/v1/contacts/", api),
                         ("/api/v1/introductions/", api), ("/api/v1/intel-tags/", api)):
        with CaptureQueriesContext(connection) as first:
            assert len(client.get(path).json()["results"]) >= 1
        grow(3)
        with django_assert_num_queries(len(first)):
            assert client.get(path).status_code == 200


def test_create_note_bad_input_and_another_author(api_for, employee, manager, outsider):
    api = api_for(employee)
    globex = company(employee, "Globex")
    foreign = company(outsider, "Elsewhere")
    for payload, status, field in (
        ({"title": "", "body": "b"}, 400, "title"),
        ({"title": "t", "body": ""}, 400, "body"),
        ({"title": "t", "body": "b", "companies": [foreign.pk]}, 400, "companies"),
        ({"title": "t", "body": "b", "tags": ["x" * 41]}, 400, "tags"),
        ({"title": "t", "body": "b", "companies": ["abc"]}, 400, "companies"),
        ({"title": "t", "body": "b", "author": manager.pk}, 403, None),
    ):
        response = api.post_json("/api/v1/intel-notes/", payload)
        assert response.status_code == status, (payload, response.content)
        if field:
            body = response.json()
            assert field in body or field in body.get("errors", {}), body
    with tenancy.tenant_context(employee.organization_id):
        assert not IntelNote.objects.for_org(employee.organization_id).exists()
    response = api.post_json("/api/v1/intel-notes/", {"title": "Globex pricing", "body": "Up 10%",
                                                      "companies": [globex.pk], "tags": ["pricing"]})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["companies"] == [{"id": globex.pk, "name": "Globex"}]
    assert api_for(manager).patch_json(f"/api/v1/intel-notes/{made['id']}/", {"title": "x"}).status_code == 403
    response = api.patch_json(f"/api/v1/intel-notes/{made['id']}/", {"title": "Globex pricing, again"})
    assert response.json()["title"] == "Globex pricing, again"


def test_companies_api_deduplicates_and_merges(api_for, employee, hr):
    api = api_for(employee)
    assert api.post_json("/api/v1/companies/", {"name": "ACME Inc."}).status_code == 201
    refused = api.post_json("/api/v1/companies/", {"name": "acme.com"})
    assert refused.status_code == 400 and "already here" in refused.json()["detail"]
    assert api.post_json("/api/v1/companies/", {"name": "Acmee"}).status_code == 400
    dup = api.post_json("/api/v1/companies/", {"name": "Acmee", "allow_similar": True}).json()
    found = api.get("/api/v1/companies/", {"q": "acm"}).json()["results"]
    assert {row["name"] for row in found} == {"ACME Inc.", "Acmee"}
    real = next(row for row in found if row["name"] == "ACME Inc.")
    assert api.post_json(f"/api/v1/companies/{dup['id']}/merge/", {"into": real["id"]}).status_code == 403
    assert api_for(hr).post_json(f"/api/v1/companies/{dup['id']}/merge/", {"into": real["id"]}).status_code == 200
    assert api.get(f"/api/v1/companies/{dup['id']}/").status_code == 404


def test_contacts_are_their_owners_and_who_knows_shows_no_names(api_for, employee, stranger):
    globex = company(employee, "Globex")
    response = api_for(employee).post_json("/api/v1/contacts/", {
        "name": "Jane Outside", "company": globex.pk, "title": "CTO", "strength": "close", "email": "j@x.example"})
    assert response.status_code == 201, response.content
    contact_id = response.json()["id"]
    assert api_for(stranger).get(f"/api/v1/contacts/{contact_id}/").status_code == 404
    assert api_for(stranger).get("/api/v1/contacts/").json()["results"] == []
    answer = api_for(stranger).get("/api/v1/who-knows/", {"company": "Globx"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["acquaintances"][0]["strongest"] == "close" and body["acquaintances"][0]["contact_count"] == 1
    assert "Jane" not in answer.content.decode() and "j@x.example" not in answer.content.decode()
    assert api_for(stranger).get("/api/v1/who-knows/", {"company": str(globex.pk)}).json()["company"]["id"] == \
        globex.pk
    assert api_for(stranger).get("/api/v1/who-knows/").status_code == 400
    assert api_for(stranger).get("/api/v1/who-knows/", {"company": "zzzzqqq"}).status_code == 404


def test_introductions_api_accept_and_decline(api_for, employee, stranger):
    person = contact(employee, company(employee, "Globex"), title="CTO")
    api = api_for(stranger)
    assert api.post_json("/api/v1/introductions/", {"contact": person.pk, "message": ""}).status_code == 400
    created = api.post_json("/api/v1/introductions/", {"contact": person.pk, "message": "Partnership"})
    assert created.status_code == 201 and created.json()["contact_name"] is None
    intro_id = created.json()["id"]
    assert api.post_json(f"/api/v1/introductions/{intro_id}/accept/", {}).status_code == 403
    accepted = api_for(employee).post_json(f"/api/v1/introductions/{intro_id}/accept/", {"note": "Done"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert api.get("/api/v1/introductions/").json()["results"][0]["contact_name"] == person.name
    assert api_for(employee).post_json(f"/api/v1/introductions/{intro_id}/decline/", {}).status_code == 400
    second = api.post_json("/api/v1/introductions/", {"contact": person.pk, "message": "Again"}).json()
    declined = api_for(employee).post_json(f"/api/v1/introductions/{second['id']}/decline/", {})
    assert declined.json()["status"] == IntroductionRequest.Status.DECLINED


def test_most_useful_api_is_for_hr(api_for, employee, stranger, hr):
    made = note(employee, title="Gold")
    assert api_for(stranger).post_json(f"/api/v1/intel-notes/{made.pk}/useful/", {}).json() == {"useful": True}
    assert api_for(employee).post_json(f"/api/v1/intel-notes/{made.pk}/useful/", {}).status_code == 403
    assert api_for(stranger).get("/api/v1/intel-notes/most-useful/").status_code == 403
    rows = api_for(hr).get("/api/v1/intel-notes/most-useful/", {"days": "30"}).json()
    assert [(r["id"], r["marks_in_period"]) for r in rows] == [(made.pk, 1)]


def test_schema_documents_the_endpoints(api_for, employee):
    schema = api_for(employee).get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/intel-notes/", "/api/v1/who-knows/", "/api/v1/introductions/{id}/accept/",
                 "/api/v1/companies/{id}/merge/", "/api/v1/contacts/"):
        assert path in schema["paths"], path


def test_who_knows_api_answers_a_page_strongest_first_with_the_total(api_for, org, employee, admin, stranger):
    from django.db import connection

    from network_intel.models import Contact
    from network_intel.selectors import WHO_KNOWS_PER_PAGE
    from tests.alliance.factories import MembershipFactory
    from tests.network_intel.factories import contact

    globex = company(employee, "Globex")
    contact(employee, globex, title="Close friend", strength=Contact.Strength.CLOSE)
    client = api_for(stranger)

    def statements(params) -> tuple[dict, int]:
        seen = []

        def count(execute, sql, sql_params, many, context):
            seen.append(sql)
            return execute(sql, sql_params, many, context)

        with connection.execute_wrapper(count):
            response = client.get("/api/v1/who-knows/", params)
        assert response.status_code == 200, response.content
        return response.json(), len(seen)

    client.get("/api/v1/who-knows/", {"company": globex.pk})
    _body, few = statements({"company": globex.pk})
    for colleague in MembershipFactory.create_batch(WHO_KNOWS_PER_PAGE + 4, organization=org, manager=admin):
        contact(colleague, globex, title="Met once")
    first, many = statements({"company": globex.pk})
    assert many == few  # the same statements whatever the number of colleagues
    assert first["total"] == WHO_KNOWS_PER_PAGE + 5 and len(first["acquaintances"]) == WHO_KNOWS_PER_PAGE
    assert first["acquaintances"][0]["strongest"] == "close" and first["next_offset"] == WHO_KNOWS_PER_PAGE
    rest, _ = statements({"company": globex.pk, "offset": first["next_offset"], "limit": 100})
    assert len(rest["acquaintances"]) == 5 and rest["next_offset"] is None and rest["total"] == first["total"]
    seen = {row["member"] for row in first["acquaintances"]} | {row["member"] for row in rest["acquaintances"]}
    assert len(seen) == WHO_KNOWS_PER_PAGE + 5
    small, _ = statements({"company": globex.pk, "limit": 2})
    assert len(small["acquaintances"]) == 2 and small["next_offset"] == 2
    for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"offset": -1}, {"offset": "1e3"}):
        answer = client.get("/api/v1/who-knows/", {"company": globex.pk, **bad})
        assert answer.status_code == 400 and set(answer.json()["errors"]) == set(bad)
