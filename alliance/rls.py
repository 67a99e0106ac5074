"""Migration operation that puts a tenant table under both database locks.

``TenantIsolation("membership")`` in a migration, after the model's CreateModel:

* enables and forces row-level security with one policy (``USING`` and ``WITH
  CHECK``): a row is visible and writable only when its ``organization_id`` equals
  the transaction's ``alliance.organization_id`` setting, or inside the audited
  ``cross_tenant`` block;
* makes the primary key ``(organization_id, id)`` (Django keeps using ``id``, which
  stays unique: it comes from one sequence), so other tenant tables can point at it
  with a composite foreign key, plus a plain index on ``id`` for Django's lookups and
  joins by id (a non-unique index is fine for Citus);
* adds, for every reference to another tenant table (``alliance.models.TenantForeignKey``,
  which creates no single-column key of its own), the composite key
  ``(organization_id, <fk>)`` → ``(organization_id, id)``, so a row can never
  reference another organization's row.

That is the shape Citus needs to distribute the table by ``organization_id``: every
primary key, unique constraint and foreign key between distributed tables includes the
distribution column. References to ``Organization`` and ``User`` (reference tables) stay
single-column. ``tests/alliance/test_tenancy.py`` checks these rules on the catalog.

``TenantPrimaryKey("model")`` converts a table isolated before this shape (primary key
``id`` plus ``UNIQUE (organization_id, id)``, and Django's single-column keys beside the
composite ones) in place.
"""

from __future__ import annotations

from django.db import models
from django.db.migrations.operations.base import Operation

POLICY_NAME = "tenant_isolation"
# The cross-tenant test sits in a VOLATILE function so that the planner cannot work it out while
# planning. It evaluates stable functions such as current_setting() to estimate a query, so with
# the test written inline the policy read "organization_id = <this organization>" to the planner,
# which then counted the organization's share of the table twice (the policy's clause and the
# selector's own organization_id filter): a small organization next to a big one was expected to
# have ~1% of its rows, and its pages sorted all of them instead of reading the ordered index
# (README "API lists", third pass). A function call it cannot evaluate is estimated at one third,
# so the share is counted once. The tenant test comes first, so a row of the transaction's own
# organization never calls the function.
CROSS_TENANT_FUNCTION = "alliance_cross_tenant"
CROSS_TENANT_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {CROSS_TENANT_FUNCTION}() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  RETURN current_setting('alliance.cross_tenant', true) = 'on';
END $fn$
"""
TENANT_PREDICATE = (
    "organization_id = NULLIF(current_setting('alliance.organization_id', true), '')::bigint"
    f" OR {CROSS_TENANT_FUNCTION}()"
)


def is_tenant_model(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("organization")
    except Exception:
        return False
    return field.is_relation and field.related_model._meta.label_lower == "alliance.organization"


def tenant_foreign_keys(model: type[models.Model]) -> list[tuple[str, str]]:
    """(column, referenced table) for each FK to another tenant model."""
    keys = []
    for field in model._meta.local_fields:
        if field.is_relation and field.many_to_one and field.name != "organization":
            target = field.related_model
            if is_tenant_model(target):
                keys.append((field.column, target._meta.db_table))
    return keys


def org_id_unique_name(table: str) -> str:
    """The ``UNIQUE (organization_id, id)`` of tables isolated before the composite primary key."""
    return f"{table}_org_id_uniq"[:63]


def composite_fk_name(table: str, column: str) -> str:
    return f"{table}_{column}_same_org_fk"[:63]


def org_id_unique_sql(table: str) -> str:
    return f'ALTER TABLE "{table}" ADD CONSTRAINT "{org_id_unique_name(table)}" UNIQUE (organization_id, id)'


def primary_key_name(table: str) -> str:
    return f"{table}_pkey"[:63]


def id_index_name(table: str) -> str:
    return f"{table}_id_idx"[:63]


def composite_primary_key_sql(table: str) -> str:
    """Make ``(organization_id, id)`` the primary key of ``table``, whatever it had before.

    The composite keys that point at the table are kept and added back; its old primary key
    on ``id`` and an old ``UNIQUE (organization_id, id)`` are dropped with CASCADE, which also
    drops the single-column foreign keys other tables had on ``id``: between tenant tables only
    the composite keys remain. ``table`` is a model's own table name, never input.
    """
    return f"""
DO $$
DECLARE
  fk record;
  saved text[] := '{{}}';
  statement text;
  current_pk text;
BEGIN
  FOR fk IN
    SELECT c.conrelid::regclass::text AS source, c.conname, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.confrelid = '"{table}"'::regclass AND array_length(c.conkey, 1) = 2
  LOOP
    saved := saved || format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.source, fk.conname, fk.definition);
  END LOOP;
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I CASCADE', '{table}', '{org_id_unique_name(table)}');
  SELECT conname INTO current_pk FROM pg_constraint WHERE conrelid = '"{table}"'::regclass AND contype = 'p';
  IF current_pk IS NOT NULL THEN
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I CASCADE', '{table}', current_pk);
  END IF;
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (organization_id, id)',
                 '{table}', '{primary_key_name(table)}');
  -- Django reads and joins rows by id alone (get, save, refresh, select_related) while the
  -- tenant is only in the row-security predicate: a plain index on id keeps those index lookups.
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (id)', '{id_index_name(table)}', '{table}');
  FOREACH statement IN ARRAY saved LOOP
    EXECUTE statement;
  END LOOP;
END $$"""


def id_primary_key_sql(table: str) -> str:
    """Back to Django's own shape: primary key ``id`` (for reversing a migration)."""
    return (f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{primary_key_name(table)}" CASCADE; '
            f'DROP INDEX IF EXISTS "{id_index_name(table)}"; '
            f'ALTER TABLE "{table}" ADD PRIMARY KEY (id)')


class TenantIsolation(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, *, id_primary_key: bool = False, references: bool = True) -> None:
        self.model_name = model_name
        # False for an audit event table (alliance/models/history.py): its copies of references are history,
        # which outlives the rows it names, so they get no same-organization key.
        self.references = references
        # The shape of the first migrations, kept as they ran: primary key ``id`` plus
        # ``UNIQUE (organization_id, id)``; ``TenantPrimaryKey`` converts those tables later.
        self.id_primary_key = id_primary_key

    def state_forwards(self, app_label, state) -> None:
        pass

    def _sql_forwards(self, model) -> list[str]:
        table = model._meta.db_table
        keys = org_id_unique_sql(table) if self.id_primary_key else composite_primary_key_sql(table)
        statements = [
            keys,
            CROSS_TENANT_FUNCTION_SQL,
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
            f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({TENANT_PREDICATE}) '
            f"WITH CHECK ({TENANT_PREDICATE})",
        ]
        for column, target in tenant_foreign_keys(model) if self.references else []:
            statements.append(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{composite_fk_name(table, column)}" '
                f'FOREIGN KEY (organization_id, "{column}") '
                f'REFERENCES "{target}" (organization_id, id) DEFERRABLE INITIALLY DEFERRED'
            )
        return statements

    def _sql_backwards(self, model) -> list[str]:
        table = model._meta.db_table
        statements = [
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{composite_fk_name(table, column)}"'
            for column, _ in (tenant_foreign_keys(model) if self.references else [])
        ]
        statements += [
            f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{org_id_unique_name(table)}"'
            if self.id_primary_key else id_primary_key_sql(table),
        ]
        return statements

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not is_tenant_model(model):
            raise ValueError(f"{app_label}.{self.model_name} has no organization foreign key")
        for statement in self._sql_forwards(model):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        for statement in self._sql_backwards(model):
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"Put {self.model_name} under tenant isolation (RLS + same-organization keys)"

    def deconstruct(self):
        kwargs = {"id_primary_key": True} if self.id_primary_key else {}
        if not self.references:
            kwargs["references"] = False
        return (self.__class__.__qualname__, [self.model_name], kwargs)

    @property
    def migration_name_fragment(self) -> str:
        return f"tenant_isolation_{self.model_name.lower()}"


class TenantPrimaryKey(Operation):
    """Give a table that ``TenantIsolation`` put under both locks before the composite primary key
    that key: ``(organization_id, id)`` instead of ``id`` and ``UNIQUE (organization_id, id)``, and
    no single-column foreign keys to it (see ``composite_primary_key_sql``)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(composite_primary_key_sql(model._meta.db_table), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(id_primary_key_sql(table), params=None)
        # The composite keys pointing at it need a unique (organization_id, id) again.
        schema_editor.execute(org_id_unique_sql(table), params=None)

    def describe(self) -> str:
        return f"Make (organization_id, id) the primary key of {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    @property
    def migration_name_fragment(self) -> str:
        return f"tenant_primary_key_{self.model_name.lower()}"
