"""Through a real PgBouncer in transaction pooling mode (the `.ci/run` PgBouncer leg).

The tenant setting is transaction-local (``set_config(..., true)``), so a server
connection handed to the next client after a commit carries no tenant. Skipped when
the suite does not run through PgBouncer (``PGBOUNCER=1``, see alliance/devenv.py).
"""

from __future__ import annotations

import os

import psycopg2
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(not os.environ.get("PGBOUNCER_URL"), reason="not running through PgBouncer")


def _dsn() -> str:
    settings = connection.settings_dict
    return (f"host={settings['HOST']} port={settings['PORT']} dbname={settings['NAME']} "
            f"user={settings['USER']} password={settings['PASSWORD']}")


@pytest.mark.django_db
def test_the_suite_connects_through_pgbouncer_in_transaction_mode():
    settings = connection.settings_dict
    admin = psycopg2.connect(host=settings["HOST"], port=settings["PORT"], dbname="pgbouncer",
                             user=settings["USER"], password=settings["PASSWORD"])
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SHOW CONFIG")
            config = {row[0]: row[1] for row in cursor.fetchall()}
            cursor.execute("SHOW DATABASES")
            databases = [row[0] for row in cursor.fetchall()]
    finally:
        admin.close()
    assert config["pool_mode"] == "transaction"
    assert settings["NAME"] in databases  # this very suite's database is being pooled
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.django_db
def test_a_tenant_set_in_one_clients_transaction_never_reaches_the_next_client():
    first, second = psycopg2.connect(_dsn()), psycopg2.connect(_dsn())
    try:
        with first.cursor() as cursor:
            cursor.execute("SELECT set_config('alliance.organization_id', '4242', true), pg_backend_pid()")
            server = cursor.fetchone()[1]
        first.commit()
        seen = []
        for _ in range(20):  # the pool hands the server connection on; look until it comes round
            with second.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), current_setting('alliance.organization_id', true)")
                seen.append(cursor.fetchone())
            second.commit()
        assert any(pid == server for pid, _ in seen)  # really the same server connection
        assert all(not value for _, value in seen)
    finally:
        first.close()
        second.close()
