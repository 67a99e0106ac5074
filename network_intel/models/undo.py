"""Deleting with a minute to undo: a deleted intel note or draft expense keeps its row, marked ``deleted_at``,
for ``UNDO_SECONDS``; the beat deletes it for real afterwards (``network_intel.services.undo``).

Such a model's default manager (``objects``, also what its reverse relations use) leaves deleted rows out,
so every selector, API list, search, export and count built on it never sees them; ``all_objects`` sees
them, for the undo and the clean-up only. SQL written by hand says ``deleted_at IS NULL`` itself."""

from __future__ import annotations

from django.db import models

from alliance.models import TenantQuerySet

UNDO_SECONDS = 60


class LiveManager(models.Manager.from_queryset(TenantQuerySet)):
    """The rows not deleted (the model's default manager)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllRowsManager(models.Manager.from_queryset(TenantQuerySet)):
    """Every row, the deleted ones too: for the undo and the clean-up."""


def deleted_at_field() -> models.DateTimeField:
    return models.DateTimeField(null=True, blank=True, editable=False,
                                help_text="Deleted, and undoable for a minute; then deleted for real.")
