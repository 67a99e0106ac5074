"""The note search's count and facets for a query without words, from the maintained summary
(``network_intel.models.facets``) instead of reading every visible note.

The summary counts notes by visibility. A viewer takes whole the visibilities they see whole —
``organization`` (every active member) and, for HR, ``leadership`` — and counts live only the rest of
what they see (their own private notes, their team's, their reports' chain): the same rule as
``notes_visible_to``, so the figures are exact, never an estimate. That rest is small for most people; a
manager high in a big hierarchy sees much of it (docs/performance.md has the figures).
"""

from __future__ import annotations

from django.db import connection

from alliance.models import Membership
from network_intel.models.facets import NoteFacetCount
from network_intel.models.notes import IntelNote, Visibility
from network_intel.selectors.notes import _visible

# Rows of (facet, key, label, count): the total first, then the facets as the search's own
# _FACET_ROWS_SQL orders them (the ten biggest companies, tags and authors, ties by name then id; every source).
_SUMMARY_SQL = """
    WITH extra AS MATERIALIZED ({extra}),
    counts AS MATERIALIZED (
        SELECT facet, key, CASE WHEN facet IN ('company', 'tag', 'author') THEN key::bigint END AS id,
               sum(count)::bigint AS count
        FROM (
            SELECT s.facet, s.key, s.count FROM network_intel_notefacetcount s
            WHERE s.organization_id = %s AND s.visibility = ANY(%s) AND s.facet = ANY(%s)
            UNION ALL SELECT 'total', '', count(*) FROM extra
            UNION ALL SELECT 'source', x.source_kind, count(*) FROM extra x WHERE %s GROUP BY x.source_kind
            UNION ALL SELECT 'author', x.author_id::text, count(*) FROM extra x WHERE %s GROUP BY x.author_id
            UNION ALL SELECT 'company', l.company_id::text, count(*) FROM extra x
                      JOIN network_intel_intelnotecompany l ON l.organization_id = %s AND l.note_id = x.id
                      WHERE %s GROUP BY l.company_id
            UNION ALL SELECT 'tag', l.tag_id::text, count(*) FROM extra x
                      JOIN network_intel_intelnotetag l ON l.organization_id = %s AND l.note_id = x.id
                      WHERE %s GROUP BY l.tag_id
        ) AS c
        GROUP BY facet, key HAVING sum(count) > 0
    )
    (SELECT 'total' AS facet, '' AS key, '' AS label, coalesce(sum(count), 0)::bigint AS count
     FROM counts WHERE facet = 'total')
    UNION ALL
    (SELECT 'company', k.key, c.name, k.count FROM counts k
     JOIN network_intel_company c ON c.organization_id = %s AND c.id = k.id
     WHERE k.facet = 'company' ORDER BY k.count DESC, c.name, c.id LIMIT {size})
    UNION ALL
    (SELECT 'tag', k.key, t.name, k.count FROM counts k
     JOIN network_intel_tag t ON t.organization_id = %s AND t.id = k.id
     WHERE k.facet = 'tag' ORDER BY k.count DESC, t.name, t.id LIMIT {size})
    UNION ALL
    (SELECT 'source', k.key, '', k.count FROM counts k WHERE k.facet = 'source' ORDER BY k.count DESC, k.key)
    UNION ALL
    (SELECT 'author', k.key, u.full_name, k.count FROM counts k
     JOIN alliance_membership m ON m.organization_id = %s AND m.id = k.id
     JOIN alliance_user u ON u.id = m.user_id
     WHERE k.facet = 'author' ORDER BY k.count DESC, u.full_name, k.id LIMIT {size})
"""


def summarized_visibilities(member: Membership) -> list[str]:
    """The visibilities whose every note ``member`` sees (network_intel.selectors.notes._visible)."""
    return [Visibility.ORGANIZATION, Visibility.LEADERSHIP] if member.is_hr else [Visibility.ORGANIZATION]


def summary_counts(member: Membership, *, with_facets: bool, size: int) -> tuple[int, list[tuple]]:
    """How many notes ``member`` may see and, with ``with_facets``, the facet rows (facet, key, label, count)
    over them: one statement whatever the number of notes."""
    if not member.is_active:
        return 0, []
    org = member.organization_id
    whole = summarized_visibilities(member)
    extra, extra_params = (_visible(member, IntelNote.objects.for_org(org)).exclude(visibility__in=whole)
                           .order_by().values_list("id", "source_kind", "author_id").query.sql_with_params())
    facets = [NoteFacetCount.Facet.TOTAL, *([NoteFacetCount.Facet.COMPANY, NoteFacetCount.Facet.TAG,
                                             NoteFacetCount.Facet.SOURCE, NoteFacetCount.Facet.AUTHOR]
                                            if with_facets else [])]
    sql = _SUMMARY_SQL.format(extra=extra, size=int(size))
    params = [*extra_params, org, [str(v) for v in whole], [str(f) for f in facets],
              with_facets, with_facets, org, with_facets, org, with_facets, org, org, org]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = next(row[3] for row in rows if row[0] == NoteFacetCount.Facet.TOTAL)
    return total, [row for row in rows if row[0] != NoteFacetCount.Facet.TOTAL]
