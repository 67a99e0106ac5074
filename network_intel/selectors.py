"""Reads for network intelligence.

``notes_visible_to(member)`` is the one definition of who sees which note: pages,
search (results, counts, facets, snippets), the API, CSV export, company pages,
"most useful" and digests all start from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from alliance.models import Membership
from network_intel.models import (
    AlumnusListing,
    Company,
    Contact,
    Follow,
    IntelNote,
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
    return _visible(member, IntelNote.objects.for_org(member.organization_id))


def _visible(member: Membership, notes: QuerySet[IntelNote]) -> QuerySet[IntelNote]:
    """``notes`` (of ``member``'s organization only) narrowed to those ``member`` may see."""
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


# The companies a typed name may mean: the same key or domain, or a trigram in common (the
# GIN index on ``name_trigrams``), most similar first, with the organization's search
# language in every row (a search needs both: one round trip). With no candidate the one
# row carries the language alone.
_COMPANY_MATCHES_SQL = """
    SELECT s.language, c.*
    FROM (SELECT coalesce((SELECT search_language FROM network_intel_intelsettings
                           WHERE organization_id = %(org)s ORDER BY id LIMIT 1), 'english') AS language,
                 intel_trigrams(%(typed)s) AS typed) AS s
    LEFT JOIN LATERAL (
        SELECT {columns}, {similarity} AS similarity
        FROM network_intel_company c
        WHERE c.organization_id = %(org)s
          AND (c.name_key = %(key)s OR upper(c.domain) = upper(%(domain)s) OR c.name_trigrams && s.typed)
        ORDER BY similarity DESC, c.name, c.id
        LIMIT %(candidates)s
    ) AS c ON true
"""
_COMPANY_FIELDS = [f for f in Company._meta.concrete_fields]
_WHOLE_NAME = "intel_similarity(c.name_trigrams, s.typed)"
_BY_WORD = f"GREATEST({_WHOLE_NAME}, intel_word_similarity(c.name, s.typed))"


def _company_matches_and_language(*, organization_id: int, text: str, limit: int,
                                  by_word: bool = True) -> tuple[list[Company], str]:
    """``company_matches`` and the organization's search language, in one query."""
    text = (text or "").strip()[:200]
    key, domain = company_key(text), domain_of(text)
    sql = _COMPANY_MATCHES_SQL.format(columns=", ".join(f"c.{f.column}" for f in _COMPANY_FIELDS),
                                      similarity=_BY_WORD if by_word else _WHOLE_NAME)
    with connection.cursor() as cursor:
        # No key (nothing but a legal form, say) compares no key; no domain, no domain.
        cursor.execute(sql, {"org": organization_id, "typed": key or text, "key": key or None,
                             "domain": domain or None, "candidates": limit * 5})
        rows = cursor.fetchall()
    language = rows[0][0]
    attnames = [f.attname for f in _COMPANY_FIELDS]
    candidates = []
    for row in rows:
        if row[1] is None:  # no candidate: the language alone
            continue
        found = Company.from_db("default", attnames, row[1:-1])
        found.similarity = row[-1]
        candidates.append(found)
    exact = [c for c in candidates if c.name_key == key or (domain and c.domain.lower() == domain)]
    close = [c for c in candidates if c not in exact and c.similarity >= SIMILAR_THRESHOLD]
    return (exact + close)[:limit], language


def company_matches(*, organization_id: int, text: str, limit: int = 8, by_word: bool = True) -> list[Company]:
    """Companies a typed name most likely means: the same key or domain first, then by trigram similarity.

    "ACME Inc.", "acme" and "acme.com" find Acme; "Globx" finds Globex; with ``by_word``
    (searching), "Strk" finds Stark Industries through its word "Stark". De-duplication
    (``by_word=False``) compares whole names only, so "Stark Foods" is not taken for
    Stark Industries.
    """
    if not (text or "").strip():
        return []
    return _company_matches_and_language(organization_id=organization_id, text=text, limit=limit,
                                         by_word=by_word)[0]


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

@dataclass(frozen=True)
class ContactAtCompany:
    """What anyone may see of a colleague's contact: the role, how well, since when. No name."""

    id: int
    owner_id: int
    title: str
    strength: int
    last_talked_on: date | None

    @property
    def pk(self) -> int:
        return self.id

    def get_strength_display(self) -> str:
        return Contact.Strength(self.strength).label


@dataclass(frozen=True)
class ColleagueName:
    full_name: str
    email: str


@dataclass(frozen=True)
class Colleague:
    """A colleague as "who knows" shows them (``member.user.full_name`` reads as on a membership)."""

    id: int
    team: str
    status: str
    user: ColleagueName

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class Acquaintance:
    member: Colleague
    contact_count: int
    strongest: int
    last_talked_on: date | None
    contacts: list[ContactAtCompany] = field(default_factory=list)

    @property
    def is_alumnus(self) -> bool:
        return self.member.status == Membership.Status.ALUMNUS

    @property
    def strongest_label(self) -> str:
        return Contact.Strength(self.strongest).label


WHO_KNOWS_CONTACTS_SHOWN = 5

# Per colleague: how many contacts, the strongest relationship, the latest conversation and
# the first few contacts (strongest, then most recent), aggregated by PostgreSQL. The
# order: strongest, most recent (never talked last), most contacts, name (by code point),
# then the colleague's id.
_WHO_KNOWS_SQL = """
    SELECT m.id, m.team, m.status, u.full_name, u.email, k.contact_count, k.strongest, k.last_talked_on, k.contacts
    FROM (
        SELECT c.owner_id, count(*) AS contact_count, max(c.strength) AS strongest,
               max(c.last_talked_on) AS last_talked_on,
               to_json((array_agg(json_build_array(c.id, c.title, c.strength, c.last_talked_on)
                                  ORDER BY c.strength DESC, c.last_talked_on DESC, c.id))[1:%(shown)s]) AS contacts
        FROM network_intel_contact c
        WHERE c.organization_id = %(org)s AND c.company_id = %(company)s
        GROUP BY c.owner_id
    ) AS k
    JOIN alliance_membership m ON m.organization_id = %(org)s AND m.id = k.owner_id
         AND (m.status = %(active)s
              OR (m.status = %(alumnus)s
                  AND EXISTS (SELECT 1 FROM network_intel_intelsettings s
                              WHERE s.organization_id = %(org)s AND s.alumni_in_who_knows)
                  AND EXISTS (SELECT 1 FROM network_intel_alumnuslisting l
                              WHERE l.organization_id = %(org)s AND l.member_id = m.id)))
    JOIN alliance_user u ON u.id = m.user_id
    ORDER BY k.strongest DESC, k.last_talked_on DESC NULLS LAST, k.contact_count DESC, u.full_name COLLATE "C", m.id
"""


def who_knows(*, member: Membership, company: Company) -> list[Acquaintance]:
    """Active members, and alumni while they agree to it and the organization offers it (its alumni
    network's ``invest`` level mirrored in ``IntelSettings.alumni_in_who_knows``; the consent is an
    ``AlumnusListing`` row), who know people at ``company``: how many, how well, how recently. One query.

    The contacts come with what anyone may see (role, strength, last talked); their
    names and personal details stay with their owner.
    """
    org = member.organization_id
    with connection.cursor() as cursor:
        cursor.execute(_WHO_KNOWS_SQL, {"org": org, "company": company.pk, "active": Membership.Status.ACTIVE,
                                        "alumnus": Membership.Status.ALUMNUS,
                                        "shown": WHO_KNOWS_CONTACTS_SHOWN})
        rows = cursor.fetchall()
    found = []
    for member_id, team, status, full_name, email, count, strongest, last_talked_on, contacts in rows:
        shown = [ContactAtCompany(id=pk, owner_id=member_id, title=title, strength=strength,
                                  last_talked_on=date.fromisoformat(talked) if talked else None)
                 for pk, title, strength, talked in contacts]
        colleague = Colleague(id=member_id, team=team, status=status, user=ColleagueName(full_name, email))
        found.append(Acquaintance(member=colleague,
                                  contact_count=count, strongest=strongest, last_talked_on=last_talked_on,
                                  contacts=shown))
    return found


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


def _search_query(q: str, config: str, organization_id: int, companies: list[Company]) -> Func:
    """The words, or the marks of ``companies``, within the organization (``intel_search_query``, migration 0005)."""
    return Func(Value(config), Value(q), Value(organization_id), Value([c.pk for c in companies]),
                template="%(function)s(%(expressions)s::bigint[])", arg_joiner=", ", function="intel_search_query",
                output_field=TextField())


def filtered_notes(member: Membership, filters: SearchFilters) -> tuple[QuerySet[IntelNote], list[Company], str]:
    """Visible notes matching the filters and the words (full text; company names also by trigram)."""
    org = member.organization_id
    similar: list[Company] = []
    q = filters.q.strip()[:300]
    if q:
        similar, config = _company_matches_and_language(organization_id=org, text=q, limit=3)
        # The words, or a link to a company the text resembles, in one GIN scan: the
        # query carries the organization's mark and the companies' marks (see migration
        # 0005), so the index alone finds exactly this organization's matches. The
        # organization is compared as ``organization_id + 0``, which no index serves: an
        # indexable ``organization_id = …`` would make the planner AND the GIN bitmap with
        # a bitmap of all the organization's notes (200,000 in a big one), for nothing.
        match = Func(F("search_vector"), _search_query(q, config, org, similar), template="%(expressions)s",
                     arg_joiner=" @@ ", output_field=BooleanField())
        notes = _visible(member, IntelNote.objects.alias(organization_key=F("organization_id") + 0)
                         .filter(organization_key=org)).filter(match)
    else:
        config = search_language(org)
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
    return notes, similar, config


# The orders a search offers, newest first within a tie: ``rank`` is the relevance of the words.
ORDERINGS = {"relevance": ("rank", "created_at", "id"), "newest": ("created_at", "id"),
             "learned": ("learned_on", "id")}
TITLE_SNIPPET = {"StartSel": MARK_START, "StopSel": MARK_STOP, "HighlightAll": True}
BODY_SNIPPET = {"StartSel": MARK_START, "StopSel": MARK_STOP, "MaxWords": 30, "MinWords": 12, "MaxFragments": 2}

# A page of search results in one statement: the matches (visible to the viewer, filtered,
# with what they are ordered by) read once, their exact count, the page's top rows (a top-N
# sort, not a sort of every match) and what each shows (see _DETAILS_SQL). With no match on
# the page the one row carries the count (and the facets) alone. The page is materialized, so the planner
# knows it holds a page of rows and reads each note by its key: otherwise it may read all
# of a small organization's notes (and their companies and tags) and keep the page's.
_SEARCH_PAGE_SQL = """
    WITH matched AS MATERIALIZED (SELECT * FROM ({matched})
                                  AS x(id, created_at, learned_on, rank, source_kind, author_id)),
    page AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY {order}) AS position
             FROM (SELECT * FROM matched ORDER BY {order} LIMIT %s OFFSET %s) AS top)
    SELECT t.total, CASE WHEN d.position > 1 THEN NULL ELSE t.facets END, d.*
    FROM (SELECT count(*) AS total, {facets} AS facets FROM matched) AS t
    LEFT JOIN LATERAL ({details}) AS d ON true
    ORDER BY d.position
"""
# What a result shows, for the notes of ``page`` (id, position): the note, its author and
# the author's user, its companies and tags (by name, as JSON pairs) and, with words, the
# highlighted title and body. Each note is read by its key from the page (LATERAL, fenced
# with OFFSET 0 so the planner keeps that order): the companies, tags and snippets are
# computed for the page's notes only.
_DETAILS_SQL = """
    SELECT p.position, d.*,
           (SELECT coalesce(json_agg(json_build_array(c.id, c.name) ORDER BY c.name, c.id), '[]')
            FROM network_intel_intelnotecompany l
            CROSS JOIN LATERAL (SELECT c.id, c.name FROM network_intel_company c
                                WHERE c.organization_id = %s AND c.id = l.company_id OFFSET 0) AS c
            WHERE l.organization_id = %s AND l.note_id = d.n_id) AS companies,
           (SELECT coalesce(json_agg(json_build_array(g.id, g.name) ORDER BY g.name, g.id), '[]')
            FROM network_intel_intelnotetag l
            CROSS JOIN LATERAL (SELECT g.id, g.name FROM network_intel_tag g
                                WHERE g.organization_id = %s AND g.id = l.tag_id OFFSET 0) AS g
            WHERE l.organization_id = %s AND l.note_id = d.n_id) AS tags,
           {snippets}
    FROM {words}page p
    CROSS JOIN LATERAL (
        SELECT {columns}
        FROM network_intel_intelnote n
        JOIN alliance_membership m ON m.organization_id = %s AND m.id = n.author_id
        JOIN alliance_user u ON u.id = m.user_id
        WHERE n.organization_id = %s AND n.id = p.id
        OFFSET 0
    ) AS d
"""
# A page already chosen (by id, in order): what its notes show.
_PAGE_BY_IDS_SQL = """
    WITH page AS (SELECT * FROM unnest(%s::bigint[]) WITH ORDINALITY AS p(id, position))
    {details}
    ORDER BY p.position
"""
_SNIPPETS_SQL = """ts_headline(w.config, d.n_title, w.query, %s) AS title_snippet,
           ts_headline(w.config, d.n_body, w.query, %s) AS body_snippet"""
_WORDS_SQL = ("(SELECT %s::regconfig AS config, websearch_to_tsquery(%s::regconfig, intel_fold(%s)) AS query) AS w"
              " CROSS JOIN ")
_NOTE_FIELDS = [f for f in IntelNote._meta.concrete_fields if f.name != "search_vector"]
_MEMBER_FIELDS = list(Membership._meta.concrete_fields)
_USER_FIELDS = list(Membership._meta.get_field("user").related_model._meta.concrete_fields)
_DETAIL_COLUMNS = ", ".join(f"{table}.{f.column} AS {table}_{f.column}"
                            for table, fields in (("n", _NOTE_FIELDS), ("m", _MEMBER_FIELDS), ("u", _USER_FIELDS))
                            for f in fields)


def _headline_options(options: dict) -> str:
    """``ts_headline``'s options as Django's ``SearchHeadline`` writes them."""
    return ", ".join(connection.ops.compose_sql(f"{option}=%s", [value]) for option, value in options.items())


def search_notes(member: Membership, filters: SearchFilters, *, page: int = 1, per_page: int = 20,
                 with_facets: bool = True) -> SearchResults:
    """Ranked (title > tags/companies > body), highlighted, faceted. A constant number of queries.

    With words: one query gives the companies the words resemble and the search language,
    and one the page (its notes with snippets, authors, companies and tags) with the exact
    count and the facets, all from one reading of the matches. Without words, the count,
    the page's ids, its notes and the facets come apart.
    """
    notes, similar, config = filtered_notes(member, filters)
    q = filters.q.strip()[:300]
    sort = filters.sort if filters.sort in ORDERINGS and (q or filters.sort != "relevance") else "newest"
    page = max(1, page)
    org = member.organization_id
    if q:
        rank = _relevance(q, config) if sort == "relevance" else Value(0.0, output_field=FloatField())
        matched, params = (notes.annotate(rank=rank).order_by()
                           .values_list("pk", "created_at", "learned_on", "rank", "source_kind", "author_id")
                           .query.sql_with_params())
        order = ", ".join(f"{column} DESC" for column in ORDERINGS[sort])
        details, details_params = _details_sql(org, q, config)
        facets_sql = _FACETS_JSON_SQL.format(size=FACET_SIZE) if with_facets else "NULL::json"
        facets_params = _facet_params(org) if with_facets else []
        sql = _SEARCH_PAGE_SQL.format(matched=matched, order=order, facets=facets_sql, details=details)

        def read_page() -> list[tuple]:
            return _fetch(sql, [*params, per_page, (page - 1) * per_page, *facets_params, *details_params])

        rows = read_page()
        total = rows[0][0]
        last = max(1, -(-total // per_page))
        if page > last:  # a page past the end shows the last one
            page = last
            rows = read_page()
        found = _notes_from_rows([row[2:] for row in rows if row[2] is not None], org)
        facets = _facets_from_rows(rows[0][1] or []) if with_facets else {}
    else:
        # No words: an index gives the newest (or latest learned) first; the count apart.
        ordered = notes.order_by(*(f"-{column}" for column in ORDERINGS[sort]))
        total = notes.count()
        page = min(page, max(1, -(-total // per_page)))
        ids = list(ordered.values_list("pk", flat=True)[(page - 1) * per_page: page * per_page])
        found = []
        if ids:
            details, details_params = _details_sql(org, "", config)
            sql = _PAGE_BY_IDS_SQL.format(details=details)
            found = _notes_from_rows(_fetch(sql, [ids, *details_params]), org)
        facets = _facets(member, notes) if with_facets else {}
    pages = max(1, -(-total // per_page))
    return SearchResults(notes=found, total=total, page=page, pages=pages, facets=facets, did_you_mean=similar)


def _relevance(q: str, config: str) -> Case:
    """How well a note matches the words (``ts_rank_cd``); 0 for a note found only through a
    company the words resemble, which ``ts_rank_cd`` would otherwise read through for nothing
    (a company typo finds thousands of such notes)."""
    words = _query(q, config)
    matches_words = Func(F("search_vector"), words, template="%(expressions)s", arg_joiner=" @@ ",
                         output_field=BooleanField())
    return Case(When(matches_words, then=SearchRank(F("search_vector"), words, cover_density=True)),
                default=Value(0.0), output_field=FloatField())


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _details_sql(organization_id: int, q: str, config: str) -> tuple[str, list]:
    """``_DETAILS_SQL`` with its parameters; with words, the highlighted title and body too."""
    snippets, words, params = "NULL AS title_snippet, NULL AS body_snippet", "", []
    if q:
        snippets, words = _SNIPPETS_SQL, _WORDS_SQL
        params = [_headline_options(TITLE_SNIPPET), _headline_options(BODY_SNIPPET), config, config, q]
    sql = _DETAILS_SQL.format(columns=_DETAIL_COLUMNS, snippets=snippets, words=words)
    return sql, [organization_id] * 4 + params + [organization_id] * 2


def _notes_from_rows(rows: list[tuple], organization_id: int) -> list[IntelNote]:
    """Notes (with author, user, companies and tags, as ``select_related``/``prefetch_related``
    would give them) from ``_DETAILS_SQL``'s rows, in their order."""
    found = []
    notes_end = 1 + len(_NOTE_FIELDS)
    members_end = notes_end + len(_MEMBER_FIELDS)
    users_end = members_end + len(_USER_FIELDS)
    for row in rows:
        note = IntelNote.from_db("default", [f.attname for f in _NOTE_FIELDS], row[1:notes_end])
        author = Membership.from_db("default", [f.attname for f in _MEMBER_FIELDS], row[notes_end:members_end])
        user = author._meta.get_field("user").related_model.from_db(
            "default", [f.attname for f in _USER_FIELDS], row[members_end:users_end])
        author._state.fields_cache["user"] = user
        note._state.fields_cache["author"] = author
        companies, tags, note.title_snippet, note.body_snippet = row[users_end:]
        _attach_links(note, organization_id, companies=companies, tags=tags)
        found.append(note)
    return found


LINKED_FIELDS = ["id", "organization_id", "name"]


def _attach_links(note: IntelNote, organization_id: int, *, companies: list, tags: list) -> None:
    """Fill ``note.companies.all()`` and ``note.tags.all()`` from (id, name) pairs, as
    ``prefetch_related`` would (the same objects, in the same order, without a query)."""
    for name, model, pairs in (("companies", Company, companies), ("tags", Tag, tags)):
        related = getattr(note, name).all()
        related._result_cache = [model.from_db("default", LINKED_FIELDS, [pk, organization_id, label])
                                 for pk, label in pairs]
        related._prefetch_done = True
        note.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related


FACET_SIZE = 10

# Every facet over the matches (``matched``: id, source_kind, author_id; read once): the ten
# companies, tags and authors with the most matching notes (ties by name, then id), and
# every source kind. Rows of (facet, id, label, count), facet by facet, each in its order.
_FACET_ROWS_SQL = """
    (SELECT 'company' AS facet, k.company_id::text AS key, c.name AS label, k.count
     FROM (SELECT l.company_id, count(*) AS count FROM matched x
           JOIN network_intel_intelnotecompany l ON l.organization_id = %s AND l.note_id = x.id
           GROUP BY l.company_id) AS k
     JOIN network_intel_company c ON c.organization_id = %s AND c.id = k.company_id
     ORDER BY k.count DESC, c.name, c.id LIMIT {size})
    UNION ALL
    (SELECT 'tag', k.tag_id::text, t.name, k.count
     FROM (SELECT l.tag_id, count(*) AS count FROM matched x
           JOIN network_intel_intelnotetag l ON l.organization_id = %s AND l.note_id = x.id
           GROUP BY l.tag_id) AS k
     JOIN network_intel_tag t ON t.organization_id = %s AND t.id = k.tag_id
     ORDER BY k.count DESC, t.name, t.id LIMIT {size})
    UNION ALL
    (SELECT 'source', x.source_kind, '', count(*) FROM matched x GROUP BY x.source_kind
     ORDER BY count(*) DESC, x.source_kind)
    UNION ALL
    (SELECT 'author', k.author_id::text, u.full_name, k.count
     FROM (SELECT x.author_id, count(*) AS count FROM matched x GROUP BY x.author_id) AS k
     JOIN alliance_membership m ON m.organization_id = %s AND m.id = k.author_id
     JOIN alliance_user u ON u.id = m.user_id
     ORDER BY k.count DESC, u.full_name, k.author_id LIMIT {size})
"""
_FACETS_SQL = "WITH matched AS MATERIALIZED ({matched})" + _FACET_ROWS_SQL
# The same rows as one JSON list (the search page's statement computes them from its own matches).
_FACETS_JSON_SQL = ("(SELECT json_agg(json_build_array(f.facet, f.key, f.label, f.count)) FROM ("  # noqa: S608 - fixed text
                    + _FACET_ROWS_SQL + ") AS f)")


def _facets(member: Membership, notes: QuerySet[IntelNote]) -> dict[str, list[dict]]:
    """How many of the matching notes each company, tag, source and author has. One query."""
    matched, params = notes.order_by().values("id", "source_kind", "author_id").query.sql_with_params()
    org = member.organization_id
    with connection.cursor() as cursor:
        cursor.execute(_FACETS_SQL.format(matched=matched, size=FACET_SIZE), [*params, *_facet_params(org)])
        rows = cursor.fetchall()
    return _facets_from_rows(rows)


def _facet_params(organization_id: int) -> list[int]:
    return [organization_id] * 5


def _facets_from_rows(rows: list) -> dict[str, list[dict]]:
    labels = dict(IntelNote.SourceKind.choices)
    facets: dict[str, list[dict]] = {"company": [], "tag": [], "source": [], "author": []}
    for facet, key, label, count in rows:
        if facet == "source":
            facets[facet].append({"id": key, "label": labels.get(key, key), "count": count})
        else:
            facets[facet].append({"id": int(key), "label": label, "count": count})
    return facets


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
