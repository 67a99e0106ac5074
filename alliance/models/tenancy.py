"""The base of every tenant-owned table: the organization column, the composite reference between tenant
rows, the scoped queryset and the sync index."""

from __future__ import annotations

from django.db import models

from alliance.models.organizations import (
    Organization,
)


class TenantQuerySet(models.QuerySet):
    def for_org(self, organization: Organization | int) -> TenantQuerySet:
        org_id = organization if isinstance(organization, int) else organization.pk
        return self.filter(organization_id=org_id)


def sync_index(name: str) -> models.Index:
    """The index of an API list's cursor ``(updated_at, id)``, inside one organization.

    Leading with ``organization_id`` keeps a small organization's sync from walking a
    big organization's rows (the RLS predicate alone does not narrow an index scan).
    """
    return models.Index(fields=["organization", "updated_at", "id"], name=name)


class TenantForeignKey(models.ForeignKey):
    """A reference from one tenant row to another row of the same organization.

    The database holds it as the composite key ``(organization_id, <column>)`` →
    ``(organization_id, id)`` that ``alliance.rls.TenantIsolation`` adds, never as Django's
    single-column key: a row cannot point at another organization's row, and every key and
    reference includes the distribution column, as Citus requires of distributed tables.
    Every foreign key between tenant models must be one (a system check says so).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("db_constraint", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        path = "alliance.models.TenantForeignKey"  # the public path migrations name (alliance/models/__init__.py)
        if kwargs.get("db_constraint") is False:
            del kwargs["db_constraint"]
        return name, path, args, kwargs


class TenantModel(models.Model):
    """Base of every tenant-owned table.

    Its migration must apply ``alliance.rls.TenantIsolation`` (a test checks the
    catalog, so a table that forgets fails the suite).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Not indexed alone: each model's Meta declares the tenant-leading
    # ``(organization, updated_at, id)`` index its sync list needs (see ``sync_index``).
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
