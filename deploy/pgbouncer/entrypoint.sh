#!/bin/sh
# Writes the auth file from the environment (the application role's password), then runs PgBouncer.
set -eu
umask 077
printf '"alliance_app" "%s"\n' "${ALLIANCE_APP_PASSWORD:?set ALLIANCE_APP_PASSWORD}" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
