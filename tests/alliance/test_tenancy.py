"""The database lock, proven from the catalog and from raw SQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from alliance import tenancy
from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory


def tenant_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            ORDER BY c.relname
            """
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_connected_role_is_bound_by_rls():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        is_super, bypasses = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )
        owned = cursor.fetchone()[0]
    assert (is_super, bypasses, owned) == (False, False, 0)


@pytest.mark.django_db
def test_every_table_with_organization_id_has_forced_rls_and_a_policy():
    tables = tenant_tables()
    assert "alliance_membership" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation'
                           AND p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL)
            FROM pg_class c WHERE c.relname = ANY(%s)
            """,
            [tables],
        )
        unprotected = [row[0] for row in cursor.fetchall() if not all(row[1:])]
    assert unprotected == []


@pytest.mark.django_db
def test_every_unique_constraint_of_a_tenant_table_includes_organization_id():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE x.indisunique AND NOT x.indisprimary AND t.relname = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'organization_id'
                AND a.attnum = ANY(x.indkey))
            """,
            [tenant_tables()],
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_every_reference_between_tenant_tables_is_a_same_organization_key():
    """Each FK column pointing at a tenant table is covered by a composite key with organization_id."""
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT src.relname, a.attname FROM pg_constraint c
            JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
            JOIN pg_attribute a ON a.attrelid = src.oid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND src.relname = ANY(%s) AND dst.relname = ANY(%s)
              AND array_length(c.conkey, 1) = 1
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint cc WHERE cc.conrelid = c.conrelid AND cc.contype = 'f'
                AND cc.confrelid = c.confrelid AND array_length(cc.conkey, 1) = 2 AND c.conkey[1] = ANY(cc.conkey))
            """,
            [tables, tables],
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
def test_raw_select_without_a_tenant_returns_no_rows():
    a = OrganizationFactory(slug="a")
    MembershipFactory(organization=a)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tenant_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            assert cursor.fetchone()[0] == 0, table


@pytest.mark.django_db
def test_tenant_context_sees_only_its_organization():
    a, b = OrganizationFactory(slug="a"), OrganizationFactory(slug="b")
    MembershipFactory.create_batch(2, organization=a)
    MembershipFactory.create_batch(3, organization=b)
    with tenancy.tenant_context(a.pk):
        assert Membership.objects.count() == 2
        with tenancy.tenant_context(b.pk):
            assert Membership.objects.count() == 3
        assert Membership.objects.count() == 2
    with tenancy.cross_tenant(reason="test: count everything"):
        assert Membership.objects.count() == 5


@pytest.mark.django_db
def test_writing_a_row_for_another_organization_is_refused_by_the_database():
    from django.db import DatabaseError

    a, b = OrganizationFactory(slug="a"), OrganizationFactory(slug="b")
    member_b = MembershipFactory(organization=b)
    with pytest.raises(DatabaseError, match="row-level security"):
        with tenancy.tenant_context(a.pk):
            Membership.objects.create(organization=b, user=member_b.user)


@pytest.mark.django_db
def test_a_row_cannot_reference_another_organizations_row():
    from django.db import IntegrityError

    a, b = OrganizationFactory(slug="a"), OrganizationFactory(slug="b")
    member_a, member_b = MembershipFactory(organization=a), MembershipFactory(organization=b)
    with pytest.raises(IntegrityError):
        with tenancy.cross_tenant(reason="test: attempt a cross-organization reference"):
            Membership.objects.filter(pk=member_a.pk).update(manager_id=member_b.pk)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db(transaction=True)
def test_setting_the_tenant_outside_a_transaction_fails_loudly():
    with pytest.raises(tenancy.TenancyError):
        tenancy.set_tenant(1)


@pytest.mark.django_db(transaction=True)
def test_tenant_setting_does_not_survive_its_transaction():
    a = OrganizationFactory(slug="a")
    MembershipFactory(organization=a)
    with tenancy.tenant_context(a.pk):
        assert Membership.objects.count() == 1
    with transaction.atomic():
        assert tenancy.current_tenant() is None
        assert Membership.objects.count() == 0
