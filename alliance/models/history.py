"""The audit trail's event tables: one per audited model, written by PostgreSQL triggers (django-pghistory).

``audit_history(...)`` is the one way an app declares that a model is audited: it decorates the model with
``pghistory.track`` using ``AuditEvent`` as the base of the generated event model, so every event table

* is a tenant table: it copies the tracked row's ``organization_id`` (the trigger writes it from the row),
  its migration applies ``TenantIsolation(..., references=False)`` (forced row-level security, primary key
  ``(organization_id, id)``, a plain index on ``id``);
* carries who and where in its own row (``pgh_context``, a JSON copy of ``pghistory.context``'s metadata,
  and ``pgh_context_id``, the context's id grouping one request's or task's changes), so there is no shared
  context table to protect across organizations;
* is append-only (a trigger refuses UPDATE and DELETE on it);
* holds no reference key: history outlives the rows it describes (a deleted record keeps its events).
"""

from __future__ import annotations

from collections.abc import Sequence

import pghistory
import pghistory.models
from django.db import models

# Snapshots written by the migration that started an audited model's history (``AuditBaseline``): the
# state each record was in then, so the first change after it shows its old value. Never listed.
BASELINE_LABEL = "baseline"
AUDIT_LABEL_MAX = 16


class AuditEvent(pghistory.models.Event):
    """Base of every event model. Its key is ``id``, like every tenant table (pghistory's ``pgh_id`` goes)."""

    pgh_id = None
    id = models.BigAutoField(primary_key=True)
    pgh_label = models.CharField(max_length=AUDIT_LABEL_MAX, help_text="The event: insert, update, delete…")

    class Meta:
        abstract = True


def audit_indexes(prefix: str) -> list[models.Index]:
    """The organization's log in time order, and one record's events in order (its history and the
    "previous snapshot" of a change), both leading with ``organization_id``."""
    return [
        models.Index(fields=["organization", "pgh_created_at", "id"], name=f"{prefix}_org_at_idx"),
        models.Index(fields=["organization", "pgh_obj", "id"], name=f"{prefix}_org_obj_idx"),
    ]


def audit_history(*, fields: Sequence[str], model_name: str, index_prefix: str, inserts: bool = True,
                  updates: bool = True, deletes: bool = True):
    """Audit a tenant model: an event per insert, per update that changes one of ``fields``, per delete.

    ``fields`` are what the event keeps (``organization`` is always kept); leave out private text (private
    checkpoint notes, exit-interview answers, confidential notes), which then never reaches an event row.
    """
    trackers = []
    if inserts:
        trackers.append(pghistory.InsertEvent())
    if updates:
        trackers.append(pghistory.UpdateEvent(condition=pghistory.AnyChange(*fields)))
    if deletes:
        trackers.append(pghistory.DeleteEvent())
    return pghistory.track(
        *trackers,
        fields=["organization", *fields],
        model_name=model_name,
        base_model=AuditEvent,
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+", db_index=False),
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        meta={"indexes": audit_indexes(index_prefix)},
    )
