"""Database set-up shared by the test suite and the benchmarks.

A scratch database is created and migrated by the *owner* role; the work then
runs as the *application* role (NOSUPERUSER, NOBYPASSRLS, owns nothing), so
row-level security is live exactly as in web, worker and beat.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from django.conf import settings
from django.db import connections

ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def use_role(config: dict) -> None:
    connection = connections["default"]
    connection.close()
    for key in ROLE_KEYS:
        connection.settings_dict[key] = config[key]
        settings.DATABASES["default"][key] = config[key]


def app_role_config() -> dict:
    return {key: connections["default"].settings_dict[key] for key in ROLE_KEYS}


def owner_role_config() -> dict:
    owner = {key: settings.DATABASE_OWNER[key] for key in ROLE_KEYS}
    owner["HOST"] = unquote(owner["HOST"] or "")
    return owner


def setup_database_as_owner(*, verbosity: int = 0, keepdb: bool = False):
    """Create and migrate the test database as the owner; continue as the app role."""
    from django.test.utils import setup_databases

    app, owner = app_role_config(), owner_role_config()
    use_role(owner)
    db_cfg = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb)
    with connections["default"].cursor() as cursor:
        # Test-only: pytest-django empties tables between transactional tests with
        # TRUNCATE. Production's application role never gets this right.
        role = connections["default"].ops.quote_name(settings.DATABASE_APP_ROLE)
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}")
    use_role(app)
    return db_cfg, app, owner


def release_pooled_connections(app: dict) -> None:
    """Behind PgBouncer (``PGBOUNCER_URL``), close its server connections to the test database,
    which would otherwise keep ``DROP DATABASE`` from running."""
    import os

    import psycopg2

    if not os.environ.get("PGBOUNCER_URL"):
        return
    name = connections["default"].settings_dict["NAME"]
    admin = psycopg2.connect(host=app["HOST"], port=app["PORT"], dbname="pgbouncer", user=app["USER"],
                             password=app["PASSWORD"])
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'KILL "{name}"')
    finally:
        admin.close()


def teardown_database_as_owner(db_cfg, *, app: dict, owner: dict, verbosity: int = 0, keepdb: bool = False) -> None:
    from django.test.utils import teardown_databases

    connections["default"].close()
    release_pooled_connections(app)
    use_role(owner)
    try:
        teardown_databases(db_cfg, verbosity=verbosity, keepdb=keepdb)
    finally:
        use_role(app)


@contextmanager
def scratch_database(*, verbosity: int = 0, keep: bool = False) -> Iterator[None]:
    """A migrated scratch database for the block; with ``keep``, an existing one is reused
    (and migrated to the current schema) and it is left in place afterwards."""
    db_cfg, app, owner = setup_database_as_owner(verbosity=verbosity, keepdb=keep)
    try:
        yield
    finally:
        teardown_database_as_owner(db_cfg, app=app, owner=owner, verbosity=verbosity, keepdb=keep)
