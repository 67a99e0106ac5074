"""Database roles: an owner that migrates, an application role bound by RLS.

``bootstrap_roles`` runs with a superuser connection (the embedded server's, or a
server URL given in DATABASE_URL that is a superuser) and creates, idempotently:

* ``alliance_owner`` — LOGIN CREATEDB, NOSUPERUSER NOBYPASSRLS: owns the database
  and the tables, runs migrations;
* ``alliance_app`` — LOGIN, NOSUPERUSER NOBYPASSRLS NOCREATEDB: web, worker, beat
  and the test suite connect as this role; it owns nothing.

It also marks the full-text match leakproof (``LEAKPROOF_SQL``) in the database and
in ``template1``, so the test and benchmark databases (created from it) have it too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

logger = logging.getLogger(__name__)

OWNER_ROLE = "alliance_owner"
APP_ROLE = "alliance_app"
BOOTSTRAP_LOCK_KEY = 7_201_400_001

# Row-level security applies a query's own condition only after the policy unless the
# condition's function is LEAKPROOF (it could otherwise reveal rows of other tenants,
# e.g. through an error message that quotes them). So ``search_vector @@ query`` could not
# use the GIN index for the application role: each search checked every note of the
# organization. ``ts_match_vq`` (``tsvector @@ tsquery``) reveals nothing: it returns a
# boolean, prints no notice, and its only errors (stack depth or memory for a deeply
# nested query, "unrecognized operator" for a malformed one) come from the query's
# structure, the same for every row, never from a row's vector. Only a superuser may
# mark a function leakproof; the mark is per database and is not kept by pg_dump or
# pg_upgrade, so deploy/postgres-init.sh does the same in production (run it again after
# a major upgrade). tests/network_intel/test_search_plan.py checks the mark and the plan.
LEAKPROOF_SQL = "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF"


def grant_app_role(sender, using="default", **kwargs) -> None:
    """post_migrate: give the application role DML rights on every table (as owner)."""
    from django.conf import settings
    from django.db import connections

    app_role = settings.DATABASE_APP_ROLE
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [app_role])
        current_user, app_role_exists = cursor.fetchone()
        if current_user == app_role or not app_role_exists:
            return
        role = connections[using].ops.quote_name(app_role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


@dataclass(frozen=True)
class DatabaseUrls:
    owner: str
    app: str


def _with_user(url: str, *, user: str, password: str, dbname: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host and "host=" in parts.query:
        host = unquote(parts.query.split("host=", 1)[1].split("&", 1)[0])
    netloc_host = quote(host, safe="") if host.startswith("/") else host
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}:{quote(password, safe='')}@{netloc_host}{port}/{dbname}"


def maintenance_dsn(url: str, dbname: str = "postgres") -> str:
    """The same server and user, on the ``postgres`` database (which always exists) or ``dbname``."""
    parts = urlsplit(url)
    return _with_user(url, user=unquote(parts.username or "postgres"), password=unquote(parts.password or ""),
                      dbname=dbname)


def mark_leakproof(admin_url: str, *, dbname: str) -> None:
    """Run ``LEAKPROOF_SQL`` in one database, as the superuser of ``admin_url``."""
    import psycopg2

    conn = psycopg2.connect(maintenance_dsn(admin_url, dbname))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT proleakproof FROM pg_proc WHERE oid = 'pg_catalog.ts_match_vq(tsvector, tsquery)'"
                        "::regprocedure")
            if not cur.fetchone()[0]:
                cur.execute(LEAKPROOF_SQL)
    finally:
        conn.close()


def bootstrap_roles(admin_url: str, *, dbname: str, owner_password: str, app_password: str) -> DatabaseUrls:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(maintenance_dsn(admin_url))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            # Several `make run` / `make test` may bootstrap at once: one at a time.
            cur.execute("SELECT pg_advisory_lock(%s)", [BOOTSTRAP_LOCK_KEY])
            for role, password, extra in (
                (OWNER_ROLE, owner_password, "CREATEDB"),
                (APP_ROLE, app_password, "NOCREATEDB"),
            ):
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                verb = "ALTER" if cur.fetchone() else "CREATE"
                cur.execute(
                    sql.SQL(
                        "{} ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE " + extra + " PASSWORD {}"
                    ).format(sql.SQL(verb), sql.Identifier(role), sql.Literal(password))
                )
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            if not cur.fetchone():
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(dbname), sql.Identifier(OWNER_ROLE)
                    )
                )
            # template1 first: databases created later from it (the test and benchmark
            # databases) inherit the mark.
            for database in ("template1", dbname):
                mark_leakproof(admin_url, dbname=database)
    finally:
        conn.close()
    return DatabaseUrls(
        owner=_with_user(admin_url, user=OWNER_ROLE, password=owner_password, dbname=dbname),
        app=_with_user(admin_url, user=APP_ROLE, password=app_password, dbname=dbname),
    )
