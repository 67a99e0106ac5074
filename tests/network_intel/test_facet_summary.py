"""The search without words reads its count and facets from the maintained summary: they must equal the
exact counts over what each viewer may see, after every kind of write, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection

from alliance import tenancy
from alliance.models import Membership
from network_intel import selectors, services
from network_intel.models import IntelNote, NoteFacetCount
from network_intel.selectors.search import FACET_SIZE, SearchFilters, _facets
from tests.network_intel.factories import company, note

pytestmark = pytest.mark.django_db


def exact(member: Membership) -> tuple[int, dict]:
    """The count and facets read from every visible note (the path taken with a filter)."""
    with tenancy.tenant_context(member.organization_id):
        notes = selectors.notes_visible_to(member)
        return notes.count(), _facets(member, notes)


def summarized(member: Membership) -> tuple[int, dict]:
    with tenancy.tenant_context(member.organization_id):
        results = selectors.search_notes(member, SearchFilters(sort="newest"))
    return results.total, results.facets


@pytest.fixture
def notes_everywhere(org, admin, hr, manager, employee, teammate, stranger):
    """Notes of every visibility by people at every place of the hierarchy, with companies and tags."""
    globex, initech = company(hr, "Globex"), company(hr, "Initech")
    made = []
    for author in (admin, hr, manager, employee, teammate, stranger):
        for visibility in ("organization", "team", "leadership", "private"):
            made.append(note(author, f"{visibility} by {author.pk}", visibility=visibility,
                             companies=[globex] if visibility != "private" else [globex, initech],
                             tags=["hiring"] if author.pk % 2 else ["hiring", f"t{author.pk}"],
                             source_kind="lunch" if visibility == "team" else "coffee"))
    return made, globex, initech


VIEWERS = ["admin", "hr", "manager", "employee", "teammate", "stranger"]


@pytest.mark.parametrize("who", VIEWERS)
def test_the_summary_gives_each_viewer_exactly_what_they_may_see(request, notes_everywhere, who):
    viewer = request.getfixturevalue(who)
    assert summarized(viewer) == exact(viewer)


def test_the_summary_follows_every_kind_of_write(org, hr, manager, employee, teammate, stranger, admin,
                                                 notes_everywhere):
    made, globex, initech = notes_everywhere
    viewers = [hr, manager, employee, teammate, stranger, admin]
    with tenancy.tenant_context(org.pk):
        mine = [n for n in made if n.author_id == employee.pk]
        # A visibility, a source, the links changed; a note deleted; companies merged and one deleted.
        services.intel_note_update(by=employee, note=mine[0], data={"visibility": "private"})
        services.intel_note_update(by=employee, note=mine[1], data={"visibility": "organization",
                                                                    "source_kind": "call"}, companies=[initech],
                                   tags=[services.tag_resolve(by=employee, name="fresh")])
        services.intel_note_delete(by=employee, note=mine[2])
        services.company_merge(by=hr, source=initech, target=globex)
        IntelNote.objects.for_org(org.pk).filter(author=teammate, visibility="team").delete()
        acme = services.company_create(by=hr, name="Acme Rockets", allow_similar=True)
    note(stranger, "new", companies=[acme], tags=["rockets"])
    with tenancy.tenant_context(org.pk):
        acme.delete()
    for viewer in viewers:
        assert summarized(viewer) == exact(viewer), viewer


def test_an_inactive_member_sees_nothing(org, employee, notes_everywhere):
    employee.status = Membership.Status.FORMER  # as the request's member after they left
    assert summarized(employee) == (0, {"company": [], "tag": [], "source": [], "author": []})


def test_the_summary_belongs_to_its_organization(org, other_org, outsider, notes_everywhere):
    note(outsider, "elsewhere")
    with tenancy.tenant_context(other_org.pk):
        assert summarized(outsider) == exact(outsider) and summarized(outsider)[0] == 1
        assert not NoteFacetCount.objects.exclude(organization_id=other_org.pk).exists()  # row-level security


def test_a_search_without_words_runs_the_same_queries_whatever_the_number_of_notes(org, hr, employee, admin):
    def statements(member):
        seen = []

        def count(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with tenancy.tenant_context(org.pk), connection.execute_wrapper(count):
            selectors.search_notes(member, SearchFilters(sort="newest"))
        return seen

    note(employee, "first", companies=[company(hr, "Globex")], tags=["x"])
    small = statements(hr)
    for index in range(FACET_SIZE + 3):
        note(employee if index % 2 else admin, f"note {index}", visibility="organization" if index % 3 else "team",
             companies=[company(hr, f"Company {index}")], tags=[f"tag{index}"])
    big = statements(hr)
    assert len(big) == len(small)
    # The count and facets come from the summary: no statement counts the notes themselves.
    assert any("network_intel_notefacetcount" in sql for sql in big)
    assert not any("count(*)" in sql.lower() and "notefacetcount" not in sql.lower() for sql in big)
    assert summarized(hr) == exact(hr)
