"""System checks of the tenancy rules that a model can break by its declaration alone."""

from __future__ import annotations

from django.apps import apps
from django.core import checks

from alliance.models import AuditEvent, TenantForeignKey
from alliance.rls import is_tenant_model


@checks.register(checks.Tags.models)
def tenant_references_are_tenant_foreign_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A tenant row refers to another tenant row only through ``TenantForeignKey``: its key in the
    database is the composite same-organization key, never a single-column one (which would let a
    row point across organizations and which Citus cannot distribute)."""
    errors = []
    models = (model for config in (app_configs or apps.get_app_configs()) for model in config.get_models())
    for model in models:
        if not is_tenant_model(model):
            continue
        # An audit event table holds no reference at all (``db_constraint=False``): its events outlive the
        # rows they describe, and its migration adds no keys (``TenantIsolation(references=False)``).
        history = issubclass(model, AuditEvent)
        for field in model._meta.local_fields:
            if (field.is_relation and (field.many_to_one or field.one_to_one) and field.name != "organization"
                    and is_tenant_model(field.related_model)
                    and not ((isinstance(field, TenantForeignKey) or history) and not field.db_constraint)):
                errors.append(checks.Error(
                    f"{model._meta.label}.{field.name} refers to the tenant model "
                    f"{field.related_model._meta.label} with a plain foreign key.",
                    hint="Declare it as alliance.models.TenantForeignKey (no db_constraint): "
                    "TenantIsolation adds the composite (organization_id, …) key.",
                    obj=field, id="alliance.E001",
                ))
    return errors
