"""Suite-wide fixtures.

The test database is created and migrated by the *owner* role, then every test
runs as the *application* role (NOSUPERUSER, NOBYPASSRLS, owns nothing), exactly
like web, worker and beat. Row-level security is therefore live in every test.
"""

from __future__ import annotations

import pytest

from alliance.testing import setup_database_as_owner, teardown_database_as_owner


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb):
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg, app, owner = setup_database_as_owner(verbosity=verbosity, keepdb=django_db_keepdb)
    yield
    with django_db_blocker.unblock():
        teardown_database_as_owner(db_cfg, app=app, owner=owner, verbosity=verbosity, keepdb=django_db_keepdb)
