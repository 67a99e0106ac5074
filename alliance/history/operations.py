"""Migration operations of the audit trail."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

from alliance.models.history import BASELINE_LABEL


class AuditBaseline(Operation):
    """Start an audited model's history: one event per existing row, in every organization.

    By default each row's present state is kept as a ``baseline`` event (never listed; the first change
    after it shows the value it replaced). With ``label`` and ``created_at`` the rows are copied as events of
    that label at their own time (a history kept before the trail, e.g. a tour's revisions), with the
    context ``context_sql`` builds from the row (a SQL expression over the table's columns, a constant of the
    migration).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, event_model_name: str, *, label: str = BASELINE_LABEL,
                 created_at: str = "", context_sql: str = "") -> None:
        self.model_name = model_name
        self.event_model_name = event_model_name
        self.label = label
        self.created_at = created_at
        self.context_sql = context_sql

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        event_model = to_state.apps.get_model(app_label, self.event_model_name)
        tracked = {field.column for field in model._meta.concrete_fields}
        columns = [field.column for field in event_model._meta.concrete_fields
                   if field.column in tracked and not field.primary_key]
        names = ", ".join(f'"{column}"' for column in columns)
        created_at = f'"{self.created_at}"' if self.created_at else "now()"
        context = self.context_sql or "jsonb_build_object('source', 'baseline')"
        # Every organization's rows: the migration says so explicitly, as the one audited crossing.
        schema_editor.execute("SELECT set_config('alliance.cross_tenant', 'on', true)")
        schema_editor.execute(
            f'INSERT INTO "{event_model._meta.db_table}" ({names}, "pgh_obj_id", "pgh_label", "pgh_created_at", '  # noqa: S608
            f'"pgh_context") SELECT {names}, "id", %s, {created_at}, {context} FROM "{model._meta.db_table}"',
            [self.label],
        )
        schema_editor.execute("SELECT set_config('alliance.cross_tenant', '', true)")

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass  # the event table goes with the migration's CreateModel

    def describe(self) -> str:
        return f"Start the history of {self.model_name} ({self.label} events of its rows)"

    def deconstruct(self):
        kwargs = {}
        if self.label != BASELINE_LABEL:
            kwargs["label"] = self.label
        if self.created_at:
            kwargs["created_at"] = self.created_at
        if self.context_sql:
            kwargs["context_sql"] = self.context_sql
        return (self.__class__.__qualname__, [self.model_name, self.event_model_name], kwargs)
