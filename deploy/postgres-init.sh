#!/bin/sh
# Runs once when the postgres container creates its data directory: the two roles
# of DESIGN.md "Tenancy" (owner migrates; the RLS-bound app role serves traffic).
#
# It also marks the full-text match `tsvector @@ tsquery` (ts_match_vq) LEAKPROOF, so that
# under row-level security the search can use its GIN index (see LEAKPROOF_SQL in
# alliance/dbroles.py for why this is safe). The mark is per database (template1 first,
# so databases created later inherit it) and survives neither pg_dump nor pg_upgrade:
# after a major upgrade, run the two ALTER FUNCTION lines again as the superuser.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname template1 <<SQL
ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE alliance_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD '${ALLIANCE_OWNER_PASSWORD}';
CREATE ROLE alliance_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '${ALLIANCE_APP_PASSWORD}';
CREATE DATABASE alliance OWNER alliance_owner;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname alliance <<SQL
ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
SQL
