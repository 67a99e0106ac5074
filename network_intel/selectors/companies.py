"""Reads of companies (typo-tolerant matching), tags and follows."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from alliance.models import Membership
from network_intel.models.companies import Company, CompanyAlias, Follow, Tag
from network_intel.models.contacts import Contact, IntroductionRequest
from network_intel.models.expenses import Expense
from network_intel.selectors.notes import notes_visible_to, tags_visible_to
from network_intel.text import company_key, domain_of, fold

# --- Companies ---------------------------------------------------------------------------

SIMILAR_THRESHOLD = 0.3


# The companies a typed name may mean: the same key or domain, or a trigram in common (the
# GIN index on ``name_trigrams``), most similar first, with the organization's search
# language in every row (a search needs both: one round trip). With no candidate the one
# row carries the language alone. Another name of a company (``CompanyAlias``, the name of a duplicate merged
# into it) with the same key counts as the same name.
_COMPANY_MATCHES_SQL = """
    SELECT s.language, c.*
    FROM (SELECT coalesce((SELECT search_language FROM network_intel_intelsettings
                           WHERE organization_id = %(org)s ORDER BY id LIMIT 1), 'english') AS language,
                 intel_trigrams(%(typed)s) AS typed,
                 ARRAY(SELECT a.company_id FROM network_intel_companyalias a
                       WHERE a.organization_id = %(org)s AND a.name_key = %(key)s) AS aliased) AS s
    LEFT JOIN LATERAL (
        SELECT {columns}, {similarity} AS similarity, c.id = ANY(s.aliased) AS alias_hit
        FROM network_intel_company c
        WHERE c.organization_id = %(org)s
          AND (c.name_key = %(key)s OR upper(c.domain) = upper(%(domain)s) OR c.name_trigrams && s.typed
               OR c.id = ANY(s.aliased))
        ORDER BY alias_hit DESC, similarity DESC, c.name, c.id
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
        found = Company.from_db("default", attnames, row[1:-2])
        found.similarity, found.alias_hit = row[-2], row[-1]
        candidates.append(found)
    exact = [c for c in candidates if c.name_key == key or c.alias_hit or (domain and c.domain.lower() == domain)]
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


def tag_suggestions(*, member: Membership, text: str, limit: int = 10) -> list[Tag]:
    """Tags ``member`` may see (``tags_visible_to``) that start with or contain ``text``."""
    text = fold(text).strip()
    tags = tags_visible_to(member)
    if text:
        tags = tags.filter(key__startswith=text) | tags.filter(key__contains=text)
    return list(tags.order_by("-is_official", "name")[:limit])


def follows_of(member: Membership) -> QuerySet[Follow]:
    return Follow.objects.for_org(member.organization_id).filter(member=member).select_related("company", "tag")


def is_following(member: Membership, *, company: Company | None = None, tag: Tag | None = None) -> bool:
    follows = Follow.objects.for_org(member.organization_id).filter(member=member)
    return follows.filter(company=company).exists() if company else follows.filter(tag=tag).exists()


def company_aliases(company: Company) -> list[str]:
    """The company's other names (of duplicates merged into it), by name."""
    return list(CompanyAlias.objects.for_org(company.organization_id).filter(company=company)
                .order_by("name", "id").values_list("name", flat=True)[:50])


def company_merge_preview(*, member: Membership, source: Company) -> dict[str, int]:
    """What merging ``source`` into another company moves, for HR's preview (one count per kind, each on an index
    starting with the organization). Notes are those ``member`` may see: a count of all would tell of private
    notes that only their authors may know of."""
    org = source.organization_id
    contacts = Contact.objects.for_org(org).filter(company=source)
    return {
        "contacts": contacts.count(),
        "people": contacts.values("owner_id").distinct().count(),
        "notes": notes_visible_to(member).filter(company_links__company=source).count(),
        "expenses": Expense.objects.for_org(org).filter(contact_links__contact__company=source).distinct().count(),
        "introductions": IntroductionRequest.objects.for_org(org).filter(contact__company=source).count(),
        "follows": Follow.objects.for_org(org).filter(company=source).count(),
        "aliases": CompanyAlias.objects.for_org(org).filter(company=source).count(),
    }
