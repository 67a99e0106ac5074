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
def test_every_policy_asks_the_cross_tenant_function_the_planner_cannot_work_out_early():
    """With the cross-tenant setting read inline, the planner evaluated the policy to "this
    organization" and counted its share twice; a VOLATILE function keeps it counted once."""
    from alliance.rls import CROSS_TENANT_FUNCTION

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
            FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.polname = 'tenant_isolation'
            """
        )
        policies = cursor.fetchall()
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = %s", [CROSS_TENANT_FUNCTION])
        assert cursor.fetchall() == [("v",)]
    assert {table for table, *_ in policies} == set(tenant_tables())
    inline = [table for table, *texts in policies
              if any("alliance.cross_tenant" in text or f"{CROSS_TENANT_FUNCTION}()" not in text for text in texts)]
    assert inline == []


@pytest.mark.django_db
def test_every_unique_constraint_of_a_tenant_table_includes_organization_id():
    """Citus: a distributed table's unique constraints and primary key include the distribution column."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE x.indisunique AND t.relname = ANY(%s)
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
def test_every_tenant_table_has_the_primary_key_organization_id_and_id():
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, array_agg(a.attname::text ORDER BY k.ord)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE c.contype = 'p' AND t.relname = ANY(%s)
            GROUP BY t.relname
            """,
            [tables],
        )
        keys = dict(cursor.fetchall())
    assert {table: keys.get(table) for table in tables} == {table: ["organization_id", "id"] for table in tables}


@pytest.mark.django_db
def test_every_tenant_table_can_find_a_row_by_id_alone_through_an_index():
    """Django reads, saves and joins rows by id while the tenant is only in the row-security predicate
    (an OR that cannot narrow an index scan): each tenant table keeps a plain index leading with id."""
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT t.relname FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
            WHERE a.attname = 'id' AND t.relname = ANY(%s)
            """,
            [tables],
        )
        indexed = {row[0] for row in cursor.fetchall()}
    assert set(tables) - indexed == set()


@pytest.mark.django_db
def test_foreign_keys_follow_the_citus_rules():
    """Between tenant (distributed) tables, every foreign key includes organization_id on both sides;
    a tenant table refers to anything else only when it is a reference table (organizations, users);
    and no other table refers to a tenant table."""
    tables = tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT src.relname, dst.relname, c.conname,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = src.oid
                           AND a.attname = 'organization_id' AND a.attnum = ANY(c.conkey)),
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = dst.oid
                           AND a.attname = 'organization_id' AND a.attnum = ANY(c.confkey))
            FROM pg_constraint c
            JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = src.relnamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'
            """
        )
        rows = cursor.fetchall()
    reference_tables = {"alliance_organization", "alliance_user"}
    between_tenants_without_org = [name for src, dst, name, src_org, dst_org in rows
                                   if src in tables and dst in tables and not (src_org and dst_org)]
    to_other_tables = [name for src, dst, name, *_ in rows
                       if src in tables and dst not in tables and dst not in reference_tables]
    into_tenant_tables = [name for src, dst, name, *_ in rows if src not in tables and dst in tables]
    assert (between_tenants_without_org, to_other_tables, into_tenant_tables) == ([], [], [])
    assert any(src in tables and dst in tables for src, dst, *_ in rows)  # the composite keys are there


def test_every_reference_between_tenant_models_is_declared_a_tenant_foreign_key():
    from django.core import checks

    assert [error.msg for error in checks.run_checks() if error.id == "alliance.E001"] == []


def test_the_system_check_names_a_plain_foreign_key_between_tenant_models():
    from django.db import models

    from alliance.checks import tenant_references_are_tenant_foreign_keys
    from alliance.models import TenantModel

    class Stray(TenantModel):
        member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "alliance"

    class AppConfigOf:
        def get_models(self):
            return [Stray]

    from django.apps import apps

    try:
        errors = tenant_references_are_tenant_foreign_keys(app_configs=[AppConfigOf()])
    finally:
        apps.all_models["alliance"].pop("stray", None)
        apps.clear_cache()
    assert [error.id for error in errors] == ["alliance.E001"] and "Stray.member" in errors[0].msg


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


@pytest.mark.django_db
def test_an_aggregate_over_a_tenant_model_groups_by_every_selected_column():
    """The database's primary key is (organization_id, id), not Django's id: grouping by id alone
    would be refused by PostgreSQL, so the backend groups tenant models by the selected columns."""
    from django.db.models import Count

    org = OrganizationFactory(slug="a")
    boss = MembershipFactory(organization=org)
    MembershipFactory.create_batch(2, organization=org, manager=boss)
    with tenancy.tenant_context(org.pk):
        counts = dict(Membership.objects.annotate(n=Count("reports")).values_list("pk", "n"))
        assert counts[boss.pk] == 2
        row = Membership.objects.annotate(n=Count("reports")).get(pk=boss.pk)
        assert (row.n, row.role) == (2, boss.role)
