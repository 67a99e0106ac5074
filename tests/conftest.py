"""Suite-wide fixtures.

The test database is created and migrated by the *owner* role, then every test
runs as the *application* role (NOSUPERUSER, NOBYPASSRLS, owns nothing), exactly
like web, worker and beat. Row-level security is therefore live in every test.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections


def _use_role(config: dict) -> None:
    connection = connections["default"]
    connection.close()
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = config[key]
        settings.DATABASES["default"][key] = config[key]


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    from urllib.parse import unquote

    from django.test.utils import setup_databases, teardown_databases

    default = connections["default"].settings_dict
    app = {key: default[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    owner = {key: settings.DATABASE_OWNER[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    owner["HOST"] = unquote(owner["HOST"] or "")
    with django_db_blocker.unblock():
        _use_role(owner)
        db_cfg = setup_databases(verbosity=request.config.option.verbose, interactive=False,
                                 keepdb=django_db_keepdb)
        with connections["default"].cursor() as cursor:
            # Test-only: pytest-django empties tables between transactional tests
            # with TRUNCATE. Production's application role never gets this right.
            role = connections["default"].ops.quote_name(settings.DATABASE_APP_ROLE)
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}")
        _use_role(app)
    yield
    with django_db_blocker.unblock():
        _use_role(owner)
        try:
            teardown_databases(db_cfg, verbosity=request.config.option.verbose, keepdb=django_db_keepdb)
        finally:
            _use_role(app)
