"""Django's PostgreSQL backend, told that tenant tables' primary key is ``(organization_id, id)``.

In the database a tenant table's primary key includes the distribution column (``alliance.rls``),
while Django's model keeps ``id``. Django groups an aggregate query by the selected primary key
alone, trusting PostgreSQL to treat the other columns as functionally dependent on it; that holds
only for the real primary key, so for tenant models Django groups by every selected column.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, features

from alliance.rls import is_tenant_model


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model) -> bool:
        return super().allows_group_by_selected_pks_on_model(model) and not is_tenant_model(model)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
