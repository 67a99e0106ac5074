#!/bin/sh
# Runs once when the postgres container creates its data directory: the two roles
# of DESIGN.md "Tenancy" (owner migrates; the RLS-bound app role serves traffic).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE alliance_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD '${ALLIANCE_OWNER_PASSWORD}';
CREATE ROLE alliance_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD '${ALLIANCE_APP_PASSWORD}';
CREATE DATABASE alliance OWNER alliance_owner;
SQL
