"""Search under row-level security uses the GIN index on the stored vectors.

The application role is bound by forced RLS, so PostgreSQL applies a query's own
conditions after the policy unless their functions are LEAKPROOF. ``alliance.dbroles``
marks the full-text match ``tsvector @@ tsquery`` (``ts_match_vq``) leakproof as the
superuser; without the mark no plan can use ``intel_note_search_idx`` for this role.
"""

from __future__ import annotations

import psycopg2
import pytest
from django.db import connection

from alliance import tenancy
from alliance.dbroles import APP_ROLE
from alliance.testing import owner_role_config
from network_intel import selectors, services
from tests.network_intel.factories import company, note

# Committed rows, so that the owner can gather the statistics the planner needs.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_full_text_match_is_leakproof_in_this_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT proleakproof FROM pg_proc "
                       "WHERE oid = 'pg_catalog.ts_match_vq(tsvector, tsquery)'::regprocedure")
        assert cursor.fetchone()[0] is True


def _analyze_as_owner(*tables: str) -> None:
    owner = owner_role_config()
    conn = psycopg2.connect(host=owner["HOST"], port=owner["PORT"] or None, user=owner["USER"],
                            password=owner["PASSWORD"], dbname=connection.settings_dict["NAME"])
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    finally:
        conn.close()


@pytest.fixture
def many_notes(employee):
    """3,000 ordinary notes of the employee's organization, vectors filled by the application's statement."""
    org = employee.organization_id
    with tenancy.tenant_context(org), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO network_intel_intelnote (organization_id, author_id, title, body, body_html, source_kind,
                learned_on, visibility, created_at, updated_at)
            SELECT %s, %s, 'Weekly market notes ' || g, 'Pricing, hiring and the roadmap, week ' || g, '', 'coffee',
                   current_date, 'organization', now(), now()
            FROM generate_series(1, 3000) AS g
            """, [org, employee.pk])
        services.notes_reindex(organization_id=org)
    return org


def test_search_as_the_application_role_uses_the_gin_index(employee, outsider, many_notes):
    initech = company(employee, "Initech")
    rare = note(employee, title="Zanzibar expansion", body="They open an office in Zanzibar.", companies=[initech])
    note(outsider, title="Zanzibar too", body="Another organization's Zanzibar note.")
    _analyze_as_owner("network_intel_intelnote", "network_intel_intelnotecompany", "network_intel_company",
                      "alliance_membership")
    with tenancy.tenant_context(employee.organization_id):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (APP_ROLE, False, False)
            # A small table may be read whole whatever its indexes: ask for an index where one can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
        for q in ("zanzibar", "zanzibar office", "Initek"):  # one word, several, a company typo
            notes, _, _ = selectors.filtered_notes(employee, selectors.SearchFilters(q=q))
            plan = notes.explain()
            assert "intel_note_search_idx" in plan, plan
            # The organization's mark narrows the GIN scan itself (migration 0005): no bitmap
            # of all the organization's notes is ANDed with it, no primary key probed per note.
            assert "BitmapAnd" not in plan and "intelnote_pkey" not in plan, plan
        results = selectors.search_notes(employee, selectors.SearchFilters(q="zanzibar"))
        assert [n.pk for n in results.notes] == [rare.pk]
        assert results.total == 1
