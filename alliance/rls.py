"""Migration operation that puts a tenant table under both database locks.

``TenantIsolation("membership")`` in a migration, after the model's CreateModel:

* enables and forces row-level security with one policy (``USING`` and ``WITH
  CHECK``): a row is visible and writable only when its ``organization_id`` equals
  the transaction's ``alliance.organization_id`` setting, or inside the audited
  ``cross_tenant`` block;
* adds ``UNIQUE (organization_id, id)`` so other tenant tables can point at it with
  a composite foreign key;
* turns every foreign key to another tenant table into a composite
  ``(organization_id, <fk>)`` key, so a row can never reference another
  organization's row.

That is also the shape Citus needs (distribution column ``organization_id``).
"""

from __future__ import annotations

from django.db import models
from django.db.migrations.operations.base import Operation

POLICY_NAME = "tenant_isolation"
TENANT_PREDICATE = (
    "organization_id = NULLIF(current_setting('alliance.organization_id', true), '')::bigint"
    " OR current_setting('alliance.cross_tenant', true) = 'on'"
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
    return f"{table}_org_id_uniq"[:63]


def composite_fk_name(table: str, column: str) -> str:
    return f"{table}_{column}_same_org_fk"[:63]


class TenantIsolation(Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def _sql_forwards(self, model) -> list[str]:
        table = model._meta.db_table
        statements = [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{org_id_unique_name(table)}" '
            f"UNIQUE (organization_id, id)",
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
            f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({TENANT_PREDICATE}) '
            f"WITH CHECK ({TENANT_PREDICATE})",
        ]
        for column, target in tenant_foreign_keys(model):
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
            for column, _ in tenant_foreign_keys(model)
        ]
        statements += [
            f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
            f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{org_id_unique_name(table)}"',
        ]
        return statements

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not is_tenant_model(model):
            raise ValueError(f"{app_label}.{self.model_name} has no organization foreign key")
        for statement in self._sql_forwards(model):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        for statement in self._sql_backwards(model):
            schema_editor.execute(statement)

    def describe(self) -> str:
        return f"Put {self.model_name} under tenant isolation (RLS + same-organization keys)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    @property
    def migration_name_fragment(self) -> str:
        return f"tenant_isolation_{self.model_name.lower()}"
