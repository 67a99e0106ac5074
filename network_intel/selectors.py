"""Reads for network intelligence.

``notes_visible_to(member)`` is the one definition of who sees which note: pages,
search (results, counts, facets, snippets), the API, CSV export, company pages,
"most useful" and digests all start from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    TextField,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, Greatest

from alliance.models import Membership
from network_intel.models import (
    AlumnusListing,
    Company,
    Contact,
    Follow,
    IntelNote,
    IntelNoteCompany,
    IntelNoteTag,
    IntelSettings,
    IntroductionRequest,
    Tag,
    UsefulMark,
    Visibility,
)
from network_intel.text import MARK_START, MARK_STOP, company_key, domain_of, fold, tag_key

# The members below ``manager`` in the reporting tree (their management chain includes ``manager``).
_SUBTREE_SQL = """
    WITH RECURSIVE chain(id) AS (
        SELECT m.id FROM alliance_membership m WHERE m.organization_id = %s AND m.manager_id = %s
        UNION
        SELECT m.id FROM alliance_membership m JOIN chain c ON m.manager_id = c.id WHERE m.organization_id = %s
    ) SELECT id FROM chain
"""


def notes_visible_to(member: Membership) -> QuerySet[IntelNote]:
    """Every note ``member`` may see, in its organization (see network_intel.rights for the rules)."""
    notes = IntelNote.objects.for_org(member.organization_id)
    if not member.is_active:
        return notes.none()
    rule = Q(author_id=member.pk) | Q(visibility=Visibility.ORGANIZATION)
    if member.team:
        # A subquery, not a join to the author: the planner then keeps starting from the
        # notes' own indexes (the search's GIN index among them).
        teammates = Membership.objects.for_org(member.organization_id).filter(team=member.team).values("pk")
        rule |= Q(visibility=Visibility.TEAM, author_id__in=teammates)
    # The author's management chain: the author is somewhere below ``member``.
    below = RawSQL(_SUBTREE_SQL, [member.organization_id, member.pk, member.organization_id])  # noqa: S611
    rule |= Q(visibility__in=[Visibility.TEAM, Visibility.LEADERSHIP], author_id__in=below)
    if member.is_hr:
        rule |= Q(visibility=Visibility.LEADERSHIP)
    return notes.filter(rule)


def note_list(member: Membership) -> QuerySet[IntelNote]:
    """Visible notes with what a list shows, in a constant number of queries."""
    return (notes_visible_to(member).select_related("author__user")
            .prefetch_related("companies", "tags"))


def search_language(organization_id: int) -> str:
    found = IntelSettings.objects.for_org(organization_id).values_list("search_language", flat=True).first()
    return found or "english"


# --- Companies ---------------------------------------------------------------------------

SIMILAR_THRESHOLD = 0.3


def _trigrams(text: str) -> Func:
    return Func(Value(text), function="intel_trigrams", output_field=ArrayField(TextField()))


def company_matches(*, organization_id: int, text: str, limit: int = 8, by_word: bool = True) -> list[Company]:
    """Companies a typed name most likely means: the same key or domain first, then by trigram similarity.

    "ACME Inc.", "acme" and "acme.com" find Acme; "Globx" finds Globex; with ``by_word``
    (searching), "Strk" finds Stark Industries through its word "Stark". De-duplication
    (``by_word=False``) compares whole names only, so "Stark Foods" is not taken for
    Stark Industries.
    """
    text = (text or "").strip()[:200]
    if not text:
        return []
    key, domain = company_key(text), domain_of(text)
    same = Q(name_key=key) if key else Q(pk__in=[])
    if domain:
        same |= Q(domain__iexact=domain)
    # Trigrams of the key: "Globx" is close to "Globex Corporation" (key "globex").
    typed = _trigrams(key or text)
    similarity = Func(F("name_trigrams"), typed, function="intel_similarity", output_field=FloatField())
    if by_word:
        similarity = Greatest(similarity, Func(F("name"), typed, function="intel_word_similarity",
                                               output_field=FloatField()))
    candidates = (
        Company.objects.for_org(organization_id)
        .annotate(similarity=similarity)
        .filter(same | Q(name_trigrams__overlap=typed))
        .order_by("-similarity", "name", "id")
    )[: limit * 5]
    exact = [c for c in candidates if c.name_key == key or (domain and c.domain.lower() == domain)]
    close = [c for c in candidates if c not in exact and c.similarity >= SIMILAR_THRESHOLD]
    return (exact + close)[:limit]


def company_list(*, member: Membership, search: str = "") -> QuerySet[Company]:
    companies = Company.objects.for_org(member.organization_id)
    if search:
        ids = [c.pk for c in company_matches(organization_id=member.organization_id, text=search, limit=50)]
        companies = companies.filter(Q(pk__in=ids) | Q(name__icontains=search))
    return companies


def company_from_param(member: Membership, value: str) -> Company | None:
    """``?company=<id or name>``: the company by id, or the best match for a name (typos too)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) <= 19:
        return Company.objects.for_org(member.organization_id).filter(pk=int(value)).first()
    matches = company_matches(organization_id=member.organization_id, text=value, limit=1)
    return matches[0] if matches else None


# --- Who knows whom ------------------------------------------------------------------------

@dataclass
class Acquaintance:
    member: Membership
    contact_count: int
    strongest: int
    last_talked_on: date | None
    contacts: list[Contact] = field(default_factory=list)

    @property
    def is_alumnus(self) -> bool:
        return self.member.status == Membership.Status.ALUMNUS

    @property
    def strongest_label(self) -> str:
        return Contact.Strength(self.strongest).label


def knowers(organization_id: int) -> Q:
    """Whose contacts "who knows" lists: active members, and alumni while they consent to it and the
    organization offers it (its alumni network's ``invest`` level, ``IntelSettings.alumni_in_who_knows``)."""
    offered = IntelSettings.objects.for_org(organization_id).filter(alumni_in_who_knows=True)
    listed = AlumnusListing.objects.for_org(organization_id).filter(Exists(offered)).values("member_id")
    return (Q(owner__status=Membership.Status.ACTIVE)
            | Q(owner__status=Membership.Status.ALUMNUS, owner_id__in=listed))


def who_knows(*, member: Membership, company: Company) -> list[Acquaintance]:
    """Active members (and alumni who agreed) who know people at ``company``: how many, how well, how
    recently. Two queries.

    The contacts come with what anyone may see (role, strength, last talked); their
    names and personal details stay with their owner.
    """
    contacts = list(
        Contact.objects.for_org(member.organization_id)
        .filter(knowers(member.organization_id), company=company)
        .select_related("owner__user")
        .only("id", "title", "strength", "last_talked_on", "owner_id", "company_id", "organization_id",
              "owner__id", "owner__team", "owner__title", "owner__role", "owner__status", "owner__organization_id",
              "owner__user__full_name", "owner__user__email")
        .order_by("owner_id", "-strength", "-last_talked_on", "id")
    )
    rows: dict[int, Acquaintance] = {}
    for contact in contacts:
        row = rows.get(contact.owner_id)
        if row is None:
            row = rows[contact.owner_id] = Acquaintance(member=contact.owner, contact_count=0, strongest=0,
                                                        last_talked_on=None)
        row.contact_count += 1
        row.strongest = max(row.strongest, contact.strength)
        if contact.last_talked_on and (row.last_talked_on is None or contact.last_talked_on > row.last_talked_on):
            row.last_talked_on = contact.last_talked_on
        if len(row.contacts) < 5:
            row.contacts.append(contact)
    return sorted(rows.values(), key=lambda r: (-r.strongest, -(r.last_talked_on or date.min).toordinal(),
                                                -r.contact_count, r.member.user.full_name))


def contacts_of(member: Membership) -> QuerySet[Contact]:
    return Contact.objects.for_org(member.organization_id).filter(owner=member).select_related("company")


# --- Search -----------------------------------------------------------------------------------

SORTS = {"relevance": "Relevance", "newest": "Newest first", "learned": "Date learned"}


@dataclass
class SearchFilters:
    q: str = ""
    company: Company | None = None
    tag: Tag | None = None
    author: Membership | None = None
    team: str = ""
    source: str = ""
    visibility: str = ""
    learned_from: date | None = None
    learned_to: date | None = None
    sort: str = "relevance"


@dataclass
class SearchResults:
    notes: list[IntelNote]
    total: int
    page: int
    pages: int
    facets: dict[str, list[dict]]
    did_you_mean: list[Company]


def _query(q: str, config: str) -> SearchQuery:
    return SearchQuery(Func(Value(q), function="intel_fold", output_field=TextField()), config=config,
                       search_type="websearch")


def body_headline(q: str, config: str) -> SearchHeadline:
    return SearchHeadline("body", _query(q, config), config=config, start_sel=MARK_START, stop_sel=MARK_STOP,
                          max_words=30, min_words=12, max_fragments=2)


def filtered_notes(member: Membership, filters: SearchFilters) -> tuple[QuerySet[IntelNote], list[Company], str]:
    """Visible notes matching the filters and the words (full text; company names also by trigram)."""
    notes = notes_visible_to(member)
    if filters.company is not None:
        notes = notes.filter(company_links__company=filters.company)
    if filters.tag is not None:
        notes = notes.filter(tag_links__tag=filters.tag)
    if filters.author is not None:
        notes = notes.filter(author=filters.author)
    if filters.team:
        notes = notes.filter(author__team=filters.team)
    if filters.source:
        notes = notes.filter(source_kind=filters.source)
    if filters.visibility:
        notes = notes.filter(visibility=filters.visibility)
    if filters.learned_from:
        notes = notes.filter(learned_on__gte=filters.learned_from)
    if filters.learned_to:
        notes = notes.filter(learned_on__lte=filters.learned_to)
    similar: list[Company] = []
    config = search_language(member.organization_id)
    q = filters.q.strip()[:300]
    if q:
        similar = company_matches(organization_id=member.organization_id, text=q, limit=3)
        if similar:
            # The words, or a link to a company the text resembles. ``id = ANY(ARRAY(links))``
            # (evaluated once) lets both sides use an index, OR-ed as bitmaps: the GIN index
            # and the primary key, so the company's notes are read in page order.
            linked = IntelNoteCompany.objects.for_org(member.organization_id).filter(company__in=similar)
            linked_ids = Func(F("pk"), ArraySubquery(linked.order_by().values("note_id")), template="%(expressions)s)",
                              arg_joiner=" = ANY(", output_field=BooleanField())
            notes = notes.filter(Q(search_vector=_query(q, config)) | Q(linked_ids))
        else:
            notes = notes.filter(search_vector=_query(q, config))
    return notes, similar, config


def search_notes(member: Membership, filters: SearchFilters, *, page: int = 1, per_page: int = 20,
                 with_facets: bool = True) -> SearchResults:
    """Ranked (title > tags/companies > body), highlighted, faceted. A constant number of queries."""
    notes, similar, config = filtered_notes(member, filters)
    q = filters.q.strip()[:300]
    if q and filters.sort == "relevance":
        ordered = notes.annotate(rank=SearchRank(F("search_vector"), _query(q, config), cover_density=True)
                                 ).order_by("-rank", "-created_at", "-id")
    elif filters.sort == "learned":
        ordered = notes.order_by("-learned_on", "-id")
    else:
        ordered = notes.order_by("-created_at", "-id")
    page = max(1, page)
    ids, total = [], None
    if q:
        # Words narrow the notes down: one pass over the matches gives both the page and
        # the count (count(*) OVER ()), instead of a count and a ranked page apart.
        rows = list(ordered.annotate(matches=Window(Count("pk"))).values_list("pk", "matches")
                    [(page - 1) * per_page: page * per_page])
        if rows:
            ids, total = [pk for pk, _ in rows], rows[0][1]
    if total is None:  # no words (an index gives the newest first), or a page past the end
        total = notes.count()
        page = min(page, max(1, -(-total // per_page)))
        ids = list(ordered.values_list("pk", flat=True)[(page - 1) * per_page: page * per_page])
    pages = max(1, -(-total // per_page))
    found = IntelNote.objects.for_org(member.organization_id).filter(pk__in=ids).select_related(
        "author__user").prefetch_related("companies", "tags")
    if q:
        found = found.annotate(
            title_snippet=SearchHeadline("title", _query(q, config), config=config, start_sel=MARK_START,
                                         stop_sel=MARK_STOP, highlight_all=True),
            body_snippet=body_headline(q, config),
        )
    by_id = {note.pk: note for note in found}
    facets = _facets(member, notes) if with_facets else {}
    return SearchResults(notes=[by_id[i] for i in ids if i in by_id], total=total, page=page, pages=pages,
                         facets=facets, did_you_mean=similar)


def _facets(member: Membership, notes: QuerySet[IntelNote]) -> dict[str, list[dict]]:
    matched = notes.values("pk")
    org = member.organization_id
    companies = list(
        IntelNoteCompany.objects.for_org(org).filter(note_id__in=matched).values("company_id", "company__name")
        .annotate(count=Count("id")).order_by("-count", "company__name")[:10]
    )
    tags = list(
        IntelNoteTag.objects.for_org(org).filter(note_id__in=matched).values("tag_id", "tag__name")
        .annotate(count=Count("id")).order_by("-count", "tag__name")[:10]
    )
    sources = list(notes.order_by().values("source_kind").annotate(count=Count("id")).order_by("-count"))
    authors = list(
        notes.order_by().values("author_id", "author__user__full_name").annotate(count=Count("id"))
        .order_by("-count", "author__user__full_name")[:10]
    )
    labels = dict(IntelNote.SourceKind.choices)
    return {
        "company": [{"id": r["company_id"], "label": r["company__name"], "count": r["count"]} for r in companies],
        "tag": [{"id": r["tag_id"], "label": r["tag__name"], "count": r["count"]} for r in tags],
        "source": [{"id": r["source_kind"], "label": labels.get(r["source_kind"], r["source_kind"]),
                    "count": r["count"]} for r in sources],
        "author": [{"id": r["author_id"], "label": r["author__user__full_name"], "count": r["count"]}
                   for r in authors],
    }


# --- Tags, follows, introductions ----------------------------------------------------------------

def tag_suggestions(*, organization_id: int, text: str, limit: int = 10) -> list[Tag]:
    text = fold(text).strip()
    tags = Tag.objects.for_org(organization_id)
    if text:
        tags = tags.filter(key__startswith=text) | tags.filter(key__contains=text)
    return list(tags.order_by("-is_official", "name")[:limit])


def follows_of(member: Membership) -> QuerySet[Follow]:
    return Follow.objects.for_org(member.organization_id).filter(member=member).select_related("company", "tag")


def is_following(member: Membership, *, company: Company | None = None, tag: Tag | None = None) -> bool:
    follows = Follow.objects.for_org(member.organization_id).filter(member=member)
    return follows.filter(company=company).exists() if company else follows.filter(tag=tag).exists()


def introductions_for(member: Membership) -> QuerySet[IntroductionRequest]:
    return (IntroductionRequest.objects.for_org(member.organization_id)
            .filter(Q(requester=member) | Q(introducer=member))
            .select_related("requester__user", "introducer__user", "contact__company"))


# --- Useful marks, sharing counts, digests ------------------------------------------------------

def most_useful(*, member: Membership, since: datetime, until: datetime, limit: int = 20) -> list[IntelNote]:
    """The notes marked useful most often in the period (among those ``member`` may see), with their authors."""
    marks = UsefulMark.objects.for_org(member.organization_id).filter(created_at__gte=since, created_at__lt=until)
    return list(
        notes_visible_to(member)
        .filter(useful_marks__in=marks)
        .annotate(marks_in_period=Count("useful_marks"))
        .select_related("author__user")
        .order_by("-marks_in_period", "-created_at", "-id")[:limit]
    )


def useful_counts(notes: list[IntelNote], member: Membership) -> tuple[dict[int, int], set[int]]:
    """For a page of notes: how often each was marked useful, and which ``member`` marked. One query."""
    rows = (UsefulMark.objects.for_org(member.organization_id).filter(note__in=[n.pk for n in notes])
            .values_list("note_id", "member_id"))
    counts: dict[int, int] = {}
    mine: set[int] = set()
    for note_id, member_id in rows:
        counts[note_id] = counts.get(note_id, 0) + 1
        if member_id == member.pk:
            mine.add(note_id)
    return counts, mine


def team_sharing(*, manager: Membership, since: datetime) -> list[dict]:
    """For each direct report: how many notes they shared since ``since``, by audience (no contents).

    Private notes are not counted: their existence is their author's business.
    """
    reports = list(Membership.objects.for_org(manager.organization_id)
                   .filter(manager=manager, status=Membership.Status.ACTIVE)
                   .select_related("user").order_by("user__full_name", "id"))
    counts = (IntelNote.objects.for_org(manager.organization_id)
              .filter(author__in=reports, created_at__gte=since).exclude(visibility=Visibility.PRIVATE)
              .values("author_id", "visibility").annotate(count=Count("id")))
    by_author: dict[int, dict[str, int]] = {}
    for row in counts:
        by_author.setdefault(row["author_id"], {})[row["visibility"]] = row["count"]
    rows = []
    for person in reports:
        shared = by_author.get(person.pk, {})
        rows.append({"member": person, "total": sum(shared.values()), "team": shared.get(Visibility.TEAM, 0),
                     "organization": shared.get(Visibility.ORGANIZATION, 0),
                     "leadership": shared.get(Visibility.LEADERSHIP, 0)})
    return rows


def digest_notes(*, member: Membership, since: datetime, until: datetime) -> list[IntelNote]:
    """New notes on what ``member`` follows that ``member`` may see, written by others in [since, until)."""
    followed = Follow.objects.for_org(member.organization_id).filter(member=member)
    about = (Q(company_links__company__in=followed.exclude(company=None).values("company_id"))
             | Q(tag_links__tag__in=followed.exclude(tag=None).values("tag_id")))
    ids = (notes_visible_to(member).filter(about, created_at__gte=since, created_at__lt=until)
           .exclude(author=member).values("pk"))
    return list(IntelNote.objects.for_org(member.organization_id).filter(pk__in=ids)
                .select_related("author__user").prefetch_related("companies", "tags").order_by("-created_at", "-id"))


def last_activity(member: Membership) -> datetime | None:
    return notes_visible_to(member).aggregate(last=Max("created_at"))["last"]


# --- Alumni --------------------------------------------------------------------------------------

def alumnus_is_listed(member: Membership) -> bool:
    return AlumnusListing.objects.for_org(member.organization_id).filter(member=member).exists()


def alumni_notes_by(member: Membership) -> QuerySet[IntelNote]:
    """The notes a person shared as an alumnus, newest first (their own list; they see no one else's)."""
    return (IntelNote.objects.for_org(member.organization_id).filter(author=member, author_is_alumnus=True)
            .prefetch_related("companies", "tags").order_by("-created_at", "-id"))


def alumni_note_counts(organization_id: int, *, feedback_tag: str) -> list[dict]:
    """Notes written by alumni per year: how many, and how many carry the ``feedback_tag`` tag. One query."""
    feedback = Q(tag_links__tag__key=tag_key(feedback_tag))
    return list(IntelNote.objects.for_org(organization_id).filter(author_is_alumnus=True)
                .annotate(year=ExtractYear("created_at")).values("year")
                .annotate(notes=Count("id", distinct=True), feedback=Count("id", filter=feedback, distinct=True))
                .order_by("year"))


def alumni_listed_count(organization_id: int) -> int:
    return AlumnusListing.objects.for_org(organization_id).filter(member__status=Membership.Status.ALUMNUS).count()
