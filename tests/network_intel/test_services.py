from __future__ import annotations

import pytest
from django.http import Http404

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Notification
from network_intel import rights, selectors, services
from network_intel.models import Company, Contact, Follow, IntelNote, IntelNoteRevision, IntroductionRequest
from tests.network_intel.factories import company, contact, note

pytestmark = pytest.mark.django_db

AUDIENCES = {
    # visibility: who of (author, teammate, manager, admin (manager's manager), hr, stranger) sees it
    "private": {"employee"},
    "team": {"employee", "teammate", "manager", "admin"},
    "leadership": {"employee", "manager", "admin", "hr"},
    "organization": {"employee", "teammate", "manager", "admin", "hr", "stranger"},
}


@pytest.fixture
def people(employee, teammate, manager, admin, hr, stranger):
    with tenancy.tenant_context(hr.organization_id):
        hr.team = "People"
        hr.save(update_fields=["team"])
    return {"employee": employee, "teammate": teammate, "manager": manager, "admin": admin, "hr": hr,
            "stranger": stranger}


@pytest.mark.parametrize("visibility", list(AUDIENCES))
def test_visibility_matrix_for_notes_search_counts_and_snippets(people, outsider, visibility):
    acme = company(people["employee"], "Initech")
    made = note(people["employee"], title="Initech pricing", body="Initech raises prices", companies=[acme],
                visibility=visibility)
    for name, member in people.items():
        sees = name in AUDIENCES[visibility]
        with tenancy.tenant_context(member.organization_id):
            assert selectors.notes_visible_to(member).filter(pk=made.pk).exists() is sees, name
            results = selectors.search_notes(member, selectors.SearchFilters(q="prices"))
            assert results.total == (1 if sees else 0), name
            assert [n.pk for n in results.notes] == ([made.pk] if sees else []), name
            facet_counts = sum(item["count"] for item in results.facets["company"])
            assert facet_counts == (1 if sees else 0), name
            if not sees:
                with pytest.raises(Http404):
                    rights.access_note(member, made.pk)
    with tenancy.tenant_context(outsider.organization_id):
        assert not selectors.notes_visible_to(outsider).filter(pk=made.pk).exists()
        with pytest.raises(Http404):
            rights.access_note(outsider, made.pk)


def test_company_names_are_matched_without_case_accents_legal_form_or_web_suffix(employee):
    acme = company(employee, "ACME Inc.")
    with tenancy.tenant_context(employee.organization_id):
        for typed in ("Acme", "acme.com", "ÁCME GmbH", "https://www.acme.com/"):
            assert services.company_resolve(by=employee, name=typed) == acme, typed
            with pytest.raises(ApplicationError):
                services.company_create(by=employee, name=typed)
        assert Company.objects.for_org(employee.organization_id).count() == 1


def test_a_typo_is_offered_the_existing_company_instead_of_a_duplicate(employee):
    globex = company(employee, "Globex Corporation")
    with tenancy.tenant_context(employee.organization_id):
        assert selectors.company_matches(organization_id=employee.organization_id, text="Globx") == [globex]
        with pytest.raises(ApplicationError) as refused:
            services.company_resolve(by=employee, name="Globexx")
        assert "Globex Corporation" in refused.value.message
        assert services.company_create(by=employee, name="Globexx", allow_similar=True).name == "Globexx"


def test_a_typo_in_one_word_of_a_longer_name_finds_the_company_and_its_notes(employee):
    stark, umbrella = company(employee, "Stark Industries"), company(employee, "Umbrella Robotics")
    about = note(employee, title="Quarterly plans", body="Nothing here names them.", companies=[stark])
    org = employee.organization_id
    with tenancy.tenant_context(org):
        assert selectors.company_matches(organization_id=org, text="Strk") == [stark]
        assert selectors.company_matches(organization_id=org, text="Indstries") == [stark]
        assert selectors.company_matches(organization_id=org, text="Robotcs") == [umbrella]
        # De-duplication compares whole names: a new company sharing one word is not taken for it.
        assert selectors.company_matches(organization_id=org, text="Stark Foods", by_word=False) == []
        results = selectors.search_notes(employee, selectors.SearchFilters(q="Strk"))
        assert [n.pk for n in results.notes] == [about.pk]
        assert results.did_you_mean == [stark]


def test_hr_merges_companies_and_notes_contacts_follows_follow(employee, hr):
    real, dup = company(employee, "Hooli"), company(employee, "Hooli Labs")
    both = note(employee, title="Hooli roadmap", companies=[real, dup])
    one = note(employee, title="A roadmap", body="More", companies=[dup])
    person = contact(employee, dup)
    with tenancy.tenant_context(employee.organization_id):
        services.follow_set(by=employee, following=True, company=dup)
        services.follow_set(by=hr, following=True, company=dup)
        services.follow_set(by=hr, following=True, company=real)
        with pytest.raises(NotAllowed):
            services.company_merge(by=employee, source=dup, target=real)
        services.company_merge(by=hr, source=dup, target=real)
        assert not Company.objects.for_org(employee.organization_id).filter(pk=dup.pk).exists()
        assert list(both.companies.all()) == [real] and list(one.companies.all()) == [real]
        assert Contact.objects.for_org(employee.organization_id).get(pk=person.pk).company_id == real.pk
        assert Follow.objects.for_org(employee.organization_id).filter(company=real).count() == 2
        # the merged-away name no longer matches, the kept one does, through the stored vector
        assert selectors.search_notes(hr, selectors.SearchFilters(q="roadmap")).total == 2


def test_bad_input_is_refused_and_nothing_is_saved(employee, manager):
    with tenancy.tenant_context(employee.organization_id):
        for kwargs, field in (({"title": " ", "body": "x"}, "title"), ({"title": "x", "body": ""}, "body")):
            with pytest.raises(ApplicationError) as refused:
                services.intel_note_create(by=employee, **kwargs)
            assert field in refused.value.field_errors
        with pytest.raises(ApplicationError) as refused:
            services.tag_resolve(by=employee, name="x" * 41)
        assert "tags" in refused.value.field_errors
        with pytest.raises(NotAllowed):
            services.intel_note_create(by=employee, author=manager, title="t", body="b")
        assert not IntelNote.objects.for_org(employee.organization_id).exists()


def test_markdown_is_rendered_safely(employee):
    made = note(employee, body="**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>")
    assert "<strong>bold</strong>" in made.body_html
    assert "<script" not in made.body_html and "javascript:" not in made.body_html and "onerror" not in made.body_html


def test_only_the_author_edits_and_every_edit_is_kept(employee, manager):
    made = note(employee, title="Old title")
    with tenancy.tenant_context(employee.organization_id):
        with pytest.raises(NotAllowed):
            services.intel_note_update(by=manager, note=made, data={"title": "Hijacked"})
        services.intel_note_update(by=employee, note=made, data={"title": "New title"}, tags=[
            services.tag_resolve(by=employee, name="Hiring")])
        revision = IntelNoteRevision.objects.for_org(employee.organization_id).get(note=made)
        assert revision.by == employee
        assert revision.changes == {"title": ["Old title", "New title"], "tags": [[], ["Hiring"]]}
        assert selectors.search_notes(employee, selectors.SearchFilters(q="hiring")).total == 1


def test_search_ranks_title_above_body_and_finds_accents(employee):
    body_hit = note(employee, title="Quarterly update", body="Mentions the café expansion")
    title_hit = note(employee, title="Cafe expansion plans", body="Details inside")
    with tenancy.tenant_context(employee.organization_id):
        results = selectors.search_notes(employee, selectors.SearchFilters(q="café"))
        assert [n.pk for n in results.notes] == [title_hit.pk, body_hit.pk]
        assert "\x02" in results.notes[0].title_snippet


def test_who_knows_counts_strength_and_hides_names(employee, teammate, stranger):
    globex = company(employee, "Globex")
    contact(employee, globex, strength=Contact.Strength.CLOSE, title="CTO")
    contact(employee, globex, name="Second", strength=Contact.Strength.ACQUAINTANCE)
    contact(teammate, globex, strength=Contact.Strength.WORKED_TOGETHER)
    with tenancy.tenant_context(employee.organization_id):
        rows = selectors.who_knows(member=stranger, company=globex)
        assert [(r.member.pk, r.contact_count, r.strongest) for r in rows] == [
            (employee.pk, 2, Contact.Strength.CLOSE), (teammate.pk, 1, Contact.Strength.WORKED_TOGETHER)]
        with pytest.raises(Http404):
            rights.access_own_contact(stranger, rows[0].contacts[0].pk)


def test_introduction_request_accept_and_decline_notify_the_requester(employee, stranger):
    globex = company(employee, "Globex")
    person = contact(employee, globex)
    with tenancy.tenant_context(employee.organization_id):
        with pytest.raises(ApplicationError):
            services.introduction_request(by=stranger, contact=person, message=" ")
        intro = services.introduction_request(by=stranger, contact=person, message="We want to partner")
        assert Notification.objects.for_org(employee.organization_id).filter(recipient=employee).count() == 1
        with pytest.raises(ApplicationError):
            services.introduction_request(by=stranger, contact=person, message="again")
        with pytest.raises(NotAllowed):
            services.introduction_respond(by=stranger, introduction=intro, accept=True)
        services.introduction_respond(by=employee, introduction=intro, accept=True, note="Mailed you both")
        assert intro.status == IntroductionRequest.Status.ACCEPTED
        told = Notification.objects.for_org(employee.organization_id).get(recipient=stranger)
        assert "accepted" in told.title
        with pytest.raises(ApplicationError):
            services.introduction_respond(by=employee, introduction=intro, accept=False)
        second = services.introduction_request(by=stranger, contact=person, message="Once more")
        services.introduction_respond(by=employee, introduction=second, accept=False)
        assert Notification.objects.for_org(employee.organization_id).filter(recipient=stranger).count() == 2


def test_useful_marks_most_useful_and_team_sharing_counts(employee, teammate, manager, hr):
    from datetime import timedelta

    from django.utils import timezone

    shared = note(employee, title="Shared")
    note(employee, title="Private", visibility="private")
    with tenancy.tenant_context(employee.organization_id):
        with pytest.raises(NotAllowed):
            services.note_mark_useful(by=employee, note=shared)
        services.note_mark_useful(by=teammate, note=shared)
        services.note_mark_useful(by=teammate, note=shared)
        now = timezone.now()
        top = selectors.most_useful(member=hr, since=now - timedelta(days=30), until=now + timedelta(seconds=1))
        assert [(n.pk, n.marks_in_period) for n in top] == [(shared.pk, 1)]
        rows = selectors.team_sharing(manager=manager, since=now - timedelta(days=1))
        assert [(r["member"], r["total"], r["organization"]) for r in rows] == [(employee, 1, 1)]
