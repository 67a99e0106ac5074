from __future__ import annotations

import pytest
from django.urls import reverse

from alliance import tenancy
from network_intel.models import Company, IntelNote
from tests.network_intel.factories import company, contact, note

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"network_intel:{name}", args=[org.slug, *args])


def test_every_page_opens_for_its_audience(client_for, org, employee, hr, manager):
    globex = company(employee, "Globex")
    made = note(employee, title="Globex pricing", companies=[globex], tags=["pricing"])
    person = contact(employee, globex)
    with tenancy.tenant_context(org.pk):
        tag = made.tags.get()
    pages = {
        employee: ["search", "my_notes", "note_new", "companies", "contacts", "introductions", "follows", "who_knows",
                   "notes_csv", "suggest_companies", "suggest_tags", ("note_detail", made.pk),
                   ("note_edit", made.pk), ("company_detail", globex.pk), ("tag_detail", tag.pk),
                   ("contact_edit", person.pk)],
        hr: ["vocabulary", "most_useful", ("introduction_new", person.pk)],
        manager: ["team_sharing"],
    }
    for member, names in pages.items():
        client = client_for(member)
        for name in names:
            name, args = (name, ()) if isinstance(name, str) else (name[0], name[1:])
            response = client.get(url(name, org, *args))
            assert response.status_code == 200, (name, response.status_code)


def test_empty_states_explain_what_to_do(client_for, org, employee):
    body = client_for(employee).get(url("search", org)).content.decode()
    assert "write down what you learned" in body
    assert "Add the people you know" in client_for(employee).get(url("contacts", org)).content.decode()


def test_write_a_note_then_find_it_highlighted(client_for, org, employee, stranger):
    client = client_for(employee)
    response = client.post(url("note_new", org), {
        "title": "Umbrella shifts to usage pricing", "body": "Their **enterprise** customers pay per robot hour.",
        "companies": "Umbrella Robotics, umbrella-robotics.com", "tags": "pricing, Pricing", "source_kind": "lunch",
        "learned_on": "2026-11-30", "visibility": "organization",
    })
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        made = IntelNote.objects.for_org(org).get()
        assert [c.name for c in made.companies.all()] == ["Umbrella Robotics"]
        assert [t.name for t in made.tags.all()] == ["pricing"]
    page = client_for(stranger).get(url("search", org), {"q": "robot hour"}).content.decode()
    assert "<mark>robot</mark> <mark>hour</mark>" in page
    partial = client_for(stranger).get(url("search", org), {"q": "Umbrela"}, headers={"HX-Request": "true"})
    assert "Umbrella shifts" in partial.content.decode() and "<html" not in partial.content.decode()


def test_bad_note_input_shows_errors_and_saves_nothing(client_for, org, employee):
    response = client_for(employee).post(url("note_new", org), {
        "title": "", "body": "", "tags": "x" * 50, "source_kind": "lunch", "learned_on": "2026-11-30",
        "visibility": "organization"})
    assert response.status_code == 400
    response = client_for(employee).post(url("note_new", org), {
        "title": "T", "body": "B", "tags": "x" * 50, "source_kind": "lunch", "learned_on": "2026-11-30",
        "visibility": "organization"})
    assert response.status_code == 400 and "too long" in response.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not IntelNote.objects.for_org(org).exists()
        assert not Company.objects.for_org(org).exists()


def test_private_note_pages_are_404_for_others_and_edit_is_403_for_readers(client_for, org, employee, stranger, hr):
    private = note(employee, title="Mine only", visibility="private")
    shared = note(employee, title="For all")
    for member in (stranger, hr):
        assert client_for(member).get(url("note_detail", org, private.pk)).status_code == 404
        assert client_for(member).get(url("note_edit", org, private.pk)).status_code == 404
        assert "Mine only" not in client_for(member).get(url("search", org), {"q": "mine"}).content.decode()
        assert "Mine only" not in client_for(member).get(url("notes_csv", org)).getvalue().decode()
    assert client_for(stranger).get(url("note_edit", org, shared.pk)).status_code == 403
    assert client_for(stranger).post(url("note_delete", org, shared.pk)).status_code == 403


def test_hr_pages_are_refused_to_employees(client_for, org, employee):
    for name in ("vocabulary", "most_useful"):
        assert client_for(employee).get(url(name, org)).status_code == 403
    assert client_for(employee).get(url("team_sharing", org)).status_code == 403


def test_hr_merges_from_the_company_page(client_for, org, employee, hr):
    real, dup = company(employee, "Hooli"), company(employee, "Hooli Labs")
    note(employee, companies=[dup])
    assert client_for(employee).post(url("company_merge", org, dup.pk), {"into": real.pk}).status_code == 403
    preview = client_for(hr).post(url("company_merge", org, dup.pk), {"into": real.pk})
    assert preview.status_code == 200 and "Merge “Hooli Labs” into “Hooli”?" in preview.content.decode()
    response = client_for(hr).post(url("company_merge", org, dup.pk), {"into": real.pk, "confirmed": "1"})
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        assert list(Company.objects.for_org(org).values_list("name", flat=True)) == ["Hooli"]


def test_follow_and_useful_through_htmx(client_for, org, employee, stranger):
    globex = company(employee, "Globex")
    made = note(employee, companies=[globex])
    client = client_for(stranger)
    response = client.post(url("company_follow", org, globex.pk), {"follow": "1"}, headers={"HX-Request": "true"})
    assert "Following" in response.content.decode()
    response = client.post(url("note_useful", org, made.pk), {"useful": "1"}, headers={"HX-Request": "true"})
    assert "1 colleague found this useful" in response.content.decode()
    assert "Globex" in client.get(url("follows", org)).content.decode()


def test_search_page_runs_a_constant_number_of_queries(client_for, org, employee, django_assert_max_num_queries):
    client = client_for(employee)
    globex = company(employee, "Globex")
    note(employee, title="Globex first", companies=[globex], tags=["a"])
    client.get(url("search", org), {"q": "globex"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("search", org), {"q": "globex"})
    for i in range(15):
        note(employee, title=f"Globex note {i}", companies=[globex], tags=[f"t{i}", "a"])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("search", org), {"q": "globex"}).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as listing:
        client.get(url("my_notes", org))
    note(employee, title="One more", companies=[globex], tags=["b"])
    with django_assert_max_num_queries(len(listing)):
        client.get(url("my_notes", org))


def test_who_knows_page_and_introduction_flow(client_for, org, employee, stranger):
    globex = company(employee, "Globex")
    person = contact(employee, globex, name="Secret Name", title="CTO")
    page = client_for(stranger).get(url("who_knows", org), {"company": "Globx"}).content.decode()
    assert "CTO" in page and "Secret Name" not in page and "jane@outside.example" not in page
    response = client_for(stranger).post(url("introduction_new", org, person.pk), {"message": "Partnership"})
    assert response.status_code == 302
    with tenancy.tenant_context(org.pk):
        intro = person.introduction_requests.get()
    assert client_for(stranger).post(url("introduction_answer", org, intro.pk, "accept")).status_code == 403
    assert client_for(employee).post(url("introduction_answer", org, intro.pk, "accept"),
                                     {"note": "Done"}).status_code == 302
    assert "Secret Name" in client_for(stranger).get(url("introductions", org)).content.decode()
    assert client_for(stranger).get(url("contact_edit", org, person.pk)).status_code == 404


@pytest.mark.parametrize("visibility,audience", [
    ("private", {"employee"}),
    ("team", {"employee", "teammate", "manager", "admin"}),
    ("leadership", {"employee", "manager", "admin", "hr"}),
    ("organization", {"employee", "teammate", "manager", "admin", "hr", "stranger"}),
])
def test_visibility_matrix_on_pages(client_for, org, employee, teammate, manager, admin, hr, stranger, outsider,
                                    visibility, audience):
    with tenancy.tenant_context(org.pk):
        hr.team = "People"
        hr.save(update_fields=["team"])
    globex = company(employee, "Globex")
    made = note(employee, title="Zanzibar findings", body="zanzibar details", companies=[globex],
                visibility=visibility)
    people = {"employee": employee, "teammate": teammate, "manager": manager, "admin": admin, "hr": hr,
              "stranger": stranger}
    for name, member in people.items():
        client = client_for(member)
        sees = name in audience
        assert client.get(url("note_detail", org, made.pk)).status_code == (200 if sees else 404), name
        search = client.get(url("search", org), {"q": "zanzibar"}).content.decode()
        assert (url("note_detail", org, made.pk) in search) is sees, name
        assert (">1 note<" in search) is sees, name
        assert ("Zanzibar findings" in client.get(url("company_detail", org, globex.pk)).content.decode()) is sees
        assert ("Zanzibar findings" in client.get(url("notes_csv", org)).getvalue().decode()) is sees, name
    assert client_for(outsider).get(url("note_detail", org, made.pk)).status_code == 404


def test_who_knows_shows_the_strongest_first_a_page_at_a_time_with_the_total(client_for, org, employee, admin,
                                                                             outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alliance.models import Membership
    from network_intel.models import Contact
    from network_intel.selectors import WHO_KNOWS_PER_PAGE
    from tests.alliance.factories import MembershipFactory

    globex = company(employee, "Globex")
    contact(employee, globex, title="Close friend", strength=Contact.Strength.CLOSE)
    client = client_for(employee)

    def queries(path, params, **headers) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, params, headers=headers).status_code == 200
        return len(captured)

    few = queries(url("who_knows", org), {"company": globex.pk})
    few_company = queries(url("company_detail", org, globex.pk), {})
    colleagues = MembershipFactory.create_batch(WHO_KNOWS_PER_PAGE + 4, organization=org, manager=admin,
                                                status=Membership.Status.ACTIVE)
    for colleague in colleagues:
        contact(colleague, globex, title="Met once")
    assert queries(url("who_knows", org), {"company": globex.pk}) == few
    assert queries(url("company_detail", org, globex.pk), {}) == few_company

    for page in (client.get(url("who_knows", org), {"company": globex.pk}).content.decode(),
                 client.get(url("company_detail", org, globex.pk)).content.decode()):
        assert f"{WHO_KNOWS_PER_PAGE + 5} colleagues know someone there" in page
        assert page.count("Met once") == WHO_KNOWS_PER_PAGE - 1  # the strongest (close) first, then a page
        assert page.index("Close friend") < page.index("Met once")
        assert f"offset={WHO_KNOWS_PER_PAGE}" in page and "Show more" in page
    more = client.get(url("who_knows", org), {"company": globex.pk, "offset": WHO_KNOWS_PER_PAGE},
                      headers={"HX-Request": "true"}).content.decode()
    assert more.count("Met once") == 5 and "Show more" not in more and "<html" not in more
    # Without JavaScript the link opens the next page; nonsense is the first page; another organization
    # has no such company.
    assert client.get(url("who_knows", org), {"company": globex.pk, "offset": "x"}).status_code == 200
    assert client_for(outsider).get(url("company_detail", outsider.organization, globex.pk)).status_code == 404
    assert "Met once" not in client_for(outsider).get(url("who_knows", outsider.organization),
                                                      {"company": globex.pk}).content.decode()
