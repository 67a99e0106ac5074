"""The faster search and "who knows": same answers as the plain ORM definitions, fewer queries.

* The facets (one query) equal the per-facet counts written with the ORM over the notes
  the viewer may see.
* The stored vector carries the organization's and the companies' marks (migration
  0005); no typed word matches a mark, and a query of stop words still matches nothing.
* "Who knows" (aggregated by PostgreSQL) equals the counts, strongest relationship,
  latest conversation and order computed from the contacts one by one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import Count, F

from alliance import tenancy
from alliance.models import Membership
from network_intel import selectors, services
from network_intel.models import Contact, IntelNote, IntelNoteCompany, IntelNoteTag
from network_intel.selectors.search import _query
from network_intel.text import MARK_START, MARK_STOP
from tests.alliance.factories import MembershipFactory
from tests.network_intel.factories import company, contact, note

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(employee, teammate, stranger, manager, outsider):
    """Notes about pricing by several authors, with companies, tags, sources and audiences."""
    globex, initech, umbrella = company(employee, "Globex"), company(employee, "Initech"), company(employee, "Umbrella")
    specs = [
        (employee, [globex], ["pricing", "hiring"], "coffee", "organization"),
        (employee, [globex, initech], ["pricing"], "lunch", "team"),
        (employee, [initech], [], "call", "private"),
        (teammate, [globex], ["hiring"], "coffee", "organization"),
        (teammate, [umbrella], ["roadmap"], "conference", "team"),
        (stranger, [initech], ["pricing", "roadmap"], "online", "organization"),
        (stranger, [], [], "coffee", "leadership"),
        (manager, [globex, umbrella], ["hiring"], "lunch", "leadership"),
        (manager, [initech], ["pricing"], "other", "organization"),
    ]
    for i, (author, companies, tags, source, visibility) in enumerate(specs):
        note(author, title=f"Pricing round {i}", body=f"Their pricing changed, note {i}.", companies=companies,
             tags=tags, source_kind=source, visibility=visibility)
    note(outsider, title="Pricing elsewhere", body="Another organization's pricing.")
    return {"globex": globex, "initech": initech, "umbrella": umbrella}


def _orm_facets(member: Membership, q: str) -> dict[str, list[tuple]]:
    """The facets as four plain ORM aggregates over the visible matching notes (the former definition)."""
    notes, _, _ = selectors.filtered_notes(member, selectors.SearchFilters(q=q))
    ids = list(notes.values_list("pk", flat=True))
    org = member.organization_id
    companies = (IntelNoteCompany.objects.for_org(org).filter(note_id__in=ids).values("company_id", "company__name")
                 .annotate(count=Count("id")).order_by("-count", "company__name", "company_id"))
    tags = (IntelNoteTag.objects.for_org(org).filter(note_id__in=ids).values("tag_id", "tag__name")
            .annotate(count=Count("id")).order_by("-count", "tag__name", "tag_id"))
    sources = (IntelNote.objects.for_org(org).filter(pk__in=ids).values("source_kind").annotate(count=Count("id"))
               .order_by("-count", "source_kind"))
    authors = (IntelNote.objects.for_org(org).filter(pk__in=ids).values("author_id", "author__user__full_name")
               .annotate(count=Count("id")).order_by("-count", "author__user__full_name", "author_id"))
    return {
        "company": [(r["company_id"], r["company__name"], r["count"]) for r in companies[:selectors.FACET_SIZE]],
        "tag": [(r["tag_id"], r["tag__name"], r["count"]) for r in tags[:selectors.FACET_SIZE]],
        "source": [(r["source_kind"], r["count"]) for r in sources],
        "author": [(r["author_id"], r["author__user__full_name"], r["count"])
                   for r in authors[:selectors.FACET_SIZE]],
    }


@pytest.mark.parametrize("viewer", ["employee", "teammate", "stranger", "manager", "hr"])
@pytest.mark.parametrize("q", ["pricing", "Globx", "hiring roadmap"])
def test_facets_equal_the_per_facet_counts(request, corpus, viewer, q):
    member = request.getfixturevalue(viewer)
    with tenancy.tenant_context(member.organization_id):
        facets = selectors.search_notes(member, selectors.SearchFilters(q=q)).facets
        expected = _orm_facets(member, q)
        total = selectors.search_notes(member, selectors.SearchFilters(q=q), with_facets=False).total
    got = {
        "company": [(f["id"], f["label"], f["count"]) for f in facets["company"]],
        "tag": [(f["id"], f["label"], f["count"]) for f in facets["tag"]],
        "source": [(f["id"], f["count"]) for f in facets["source"]],
        "author": [(f["id"], f["label"], f["count"]) for f in facets["author"]],
    }
    assert got == expected
    assert sum(f["count"] for f in facets["source"]) == total


def test_a_search_is_a_constant_number_of_queries(employee, corpus, django_assert_num_queries):
    with tenancy.tenant_context(employee.organization_id):
        # Company match with the language; the page's notes with the count and the facets.
        with django_assert_num_queries(2):
            results = selectors.search_notes(employee, selectors.SearchFilters(q="pricing"))
        # Own notes (3), the organization's (3) and the teammate's team note.
        assert results.total == 7 and len(results.notes) == 7
        with django_assert_num_queries(2):
            selectors.search_notes(employee, selectors.SearchFilters(q="pricing"), with_facets=False)
        # What a result shows needs no further query.
        with django_assert_num_queries(0):
            shown = [(n.author.user.full_name, [c.name for c in n.companies.all()], [t.name for t in n.tags.all()],
                      n.title_snippet, n.body_snippet) for n in results.notes]
    with tenancy.tenant_context(employee.organization_id):
        plain = {n.pk: n for n in selectors.note_list(employee).filter(pk__in=[n.pk for n in results.notes])}
    for found, (author, companies, tags, _, _) in zip(results.notes, shown, strict=True):
        assert author == plain[found.pk].author.user.full_name
        assert companies == [c.name for c in plain[found.pk].companies.all()]
        assert tags == [t.name for t in plain[found.pk].tags.all()]


@pytest.mark.parametrize("viewer", ["employee", "manager", "hr"])
@pytest.mark.parametrize("q", ["pricing", "Globx", "pricing hiring", "-roadmap"])
@pytest.mark.parametrize("sort", ["relevance", "newest", "learned"])
def test_pages_and_snippets_equal_the_orm_order_and_headlines(request, corpus, viewer, q, sort):
    """The page statement's order, count and snippets are those of the ORM definitions, page by page."""
    member = request.getfixturevalue(viewer)
    with tenancy.tenant_context(member.organization_id):
        notes, _, config = selectors.filtered_notes(member, selectors.SearchFilters(q=q))
        rank = SearchRank(F("search_vector"), _query(q, config), cover_density=True)
        ordering = {"relevance": ("-rank", "-created_at", "-id"), "newest": ("-created_at", "-id"),
                    "learned": ("-learned_on", "-id")}[sort]
        expected = list(notes.annotate(
            rank=rank,
            title_snippet=SearchHeadline("title", _query(q, config), config=config,
                                         start_sel=MARK_START, stop_sel=MARK_STOP, highlight_all=True),
            body_snippet=selectors.body_headline(q, config),
        ).order_by(*ordering).values_list("pk", "title_snippet", "body_snippet"))
        got, page = [], 1
        while True:
            results = selectors.search_notes(member, selectors.SearchFilters(q=q, sort=sort), page=page, per_page=2)
            assert results.total == len(expected) and results.page == page
            got += [(n.pk, n.title_snippet, n.body_snippet) for n in results.notes]
            if page >= results.pages:
                break
            page += 1
    assert got == expected and len(expected) > 0


def test_notes_found_only_through_a_company_follow_the_word_matches_newest_first(employee, corpus):
    """"Initek" matches the words of a note that spells it so, and resembles Initech: that note
    ranks first (by ``ts_rank_cd``); the notes found only because they are about Initech rank 0,
    newest first."""
    spelled = note(employee, title="Initek", body="How their sales team spells it.")
    with tenancy.tenant_context(employee.organization_id):
        results = selectors.search_notes(employee, selectors.SearchFilters(q="Initek"))
        about_initech = list(selectors.notes_visible_to(employee).filter(company_links__company=corpus["initech"])
                             .order_by("-created_at", "-id").values_list("pk", flat=True))
    assert results.did_you_mean == [corpus["initech"]]
    assert [n.pk for n in results.notes] == [spelled.pk, *about_initech] and len(about_initech) == 4


def test_a_page_past_the_end_shows_the_last_page(employee, corpus):
    with tenancy.tenant_context(employee.organization_id):
        results = selectors.search_notes(employee, selectors.SearchFilters(q="pricing"), page=9, per_page=3)
    assert (results.total, results.page, results.pages, len(results.notes)) == (7, 3, 3, 1)


def test_the_stored_vector_carries_the_organization_and_company_marks(employee, corpus):
    with tenancy.tenant_context(employee.organization_id):
        made = note(employee, title="Umbrella news", body="Nothing else.", companies=[corpus["umbrella"]])
        with connection.cursor() as cursor:
            cursor.execute("SELECT array(SELECT lexeme FROM unnest(search_vector) WHERE lexeme LIKE '%% %%') "
                           "FROM network_intel_intelnote WHERE id = %s", [made.pk])
            marks = cursor.fetchone()[0]
        assert sorted(marks) == sorted([f"organization {employee.organization_id}",
                                        f"company {corpus['umbrella'].pk}"])
        # Reindexing gives the same vector.
        before = IntelNote.objects.for_org(employee.organization_id).values_list("search_vector", flat=True).get(
            pk=made.pk)
        services.notes_reindex(organization_id=employee.organization_id, note_ids=[made.pk])
        assert IntelNote.objects.for_org(employee.organization_id).values_list("search_vector", flat=True).get(
            pk=made.pk) == before
        # No typed word reaches a mark; a query of stop words alone matches nothing.
        for typed in ("organization", f"organization {employee.organization_id}", "company",
                      f'"company {corpus["umbrella"].pk}"', "the", "-zzzz"):
            results = selectors.search_notes(employee, selectors.SearchFilters(q=typed))
            expected = 0 if typed != "-zzzz" else selectors.notes_visible_to(employee).count()
            assert results.total == expected, typed


def test_a_company_typo_finds_the_companys_notes_in_this_organization_only(employee, outsider, corpus):
    theirs = company(outsider, "Initech")
    note(outsider, title="Their Initech", body="Other organization.", companies=[theirs])
    with tenancy.tenant_context(employee.organization_id):
        results = selectors.search_notes(employee, selectors.SearchFilters(q="Initek"))
        linked = set(selectors.notes_visible_to(employee).filter(company_links__company=corpus["initech"])
                     .values_list("pk", flat=True))
    assert {n.pk for n in results.notes} == linked and results.total == len(linked) == 4
    assert results.did_you_mean == [corpus["initech"]]


def test_who_knows_equals_the_contacts_counted_one_by_one(org, employee, teammate, stranger, manager):
    globex = company(employee, "Globex")
    gone = MembershipFactory(organization=org, user__email="gone@acme.test")
    today = date(2026, 5, 1)
    people = [employee, teammate, stranger, manager, gone]
    for i in range(23):
        owner = people[i % len(people)]
        contact(owner, globex, name=f"Person {i}", strength=1 + (i * 7) % 3, title=f"Role {i}",
                last_talked_on=None if i % 4 == 0 else today - timedelta(days=i % 5))
    contact(employee, company(employee, "Initech"), name="Elsewhere", strength=Contact.Strength.CLOSE)
    with tenancy.tenant_context(org.pk):
        gone.status = Membership.Status.FORMER  # left after recording contacts: no longer counted
        gone.save(update_fields=["status"])
        rows = selectors.who_knows(member=stranger, company=globex)
        contacts = list(Contact.objects.for_org(org.pk).filter(company=globex, owner__status="active")
                        .select_related("owner__user").order_by("owner_id", "-strength", "-last_talked_on", "id"))
    expected: dict[int, dict] = {}
    for c in contacts:
        row = expected.setdefault(c.owner_id, {"name": c.owner.user.full_name, "count": 0, "strongest": 0,
                                               "last": None, "contacts": []})
        row["count"] += 1
        row["strongest"] = max(row["strongest"], c.strength)
        if c.last_talked_on and (row["last"] is None or c.last_talked_on > row["last"]):
            row["last"] = c.last_talked_on
        if len(row["contacts"]) < selectors.WHO_KNOWS_CONTACTS_SHOWN:
            row["contacts"].append((c.pk, c.title, c.strength, c.last_talked_on))
    order = sorted(expected, key=lambda pk: (-expected[pk]["strongest"],
                                             -(expected[pk]["last"] or date.min).toordinal(),
                                             -expected[pk]["count"], expected[pk]["name"]))
    assert [r.member.pk for r in rows] == order
    assert gone.pk not in order and len(order) == 4
    for r in rows:
        want = expected[r.member.pk]
        assert (r.member.user.full_name, r.contact_count, r.strongest, r.last_talked_on) == (
            want["name"], want["count"], want["strongest"], want["last"])
        assert [(c.pk, c.title, c.strength, c.last_talked_on) for c in r.contacts] == want["contacts"]
        assert all(c.owner_id == r.member.pk for c in r.contacts)
