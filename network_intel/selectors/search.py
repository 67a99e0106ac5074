"""The note search: filters, one statement per page (matches, count, page, snippets, facets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, QuerySet, TextField, Value, When

from alliance.models import Membership
from network_intel.models.companies import Company, Tag
from network_intel.models.notes import IntelNote
from network_intel.selectors.companies import _company_matches_and_language
from network_intel.selectors.facets import summary_counts
from network_intel.selectors.notes import _visible, notes_visible_to, search_language
from network_intel.text import MARK_START, MARK_STOP

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


def filters_are_empty(filters: SearchFilters) -> bool:
    """No words and no filter: every note the viewer may see (the summary's case)."""
    return not (filters.q.strip() or filters.company or filters.tag or filters.author or filters.team
                or filters.source or filters.visibility or filters.learned_from or filters.learned_to)


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
        # No words: an index gives the newest (or latest learned) first; the count apart. Without any
        # filter the count and the facets come from the maintained summary (network_intel.models.facets).
        ordered = notes.order_by(*(f"-{column}" for column in ORDERINGS[sort]))
        if filters_are_empty(filters):
            total, rows = summary_counts(member, with_facets=with_facets, size=FACET_SIZE)
            facets = _facets_from_rows(rows) if with_facets else {}
        else:
            total = notes.count()
            facets = _facets(member, notes) if with_facets else {}
        page = min(page, max(1, -(-total // per_page)))
        ids = list(ordered.values_list("pk", flat=True)[(page - 1) * per_page: page * per_page])
        found = []
        if ids:
            details, details_params = _details_sql(org, "", config)
            sql = _PAGE_BY_IDS_SQL.format(details=details)
            found = _notes_from_rows(_fetch(sql, [ids, *details_params]), org)
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
