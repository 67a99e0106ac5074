"""Every tenant table's policy asks ``alliance_cross_tenant()`` instead of reading the cross-tenant
setting inline, so the planner counts an organization's share of a table once (``alliance.rls``).

Tables isolated by a later migration get the new policy from ``TenantIsolation`` itself; this one
rewrites the policies that exist when it runs, whichever apps' tables those are.
"""

from django.db import migrations

from alliance.rls import CROSS_TENANT_FUNCTION, CROSS_TENANT_FUNCTION_SQL, POLICY_NAME

INLINE = "(current_setting('alliance.cross_tenant'::text, true) = 'on'::text)"
CALL = f"{CROSS_TENANT_FUNCTION}()"


def rewrite_policies(old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in the USING and WITH CHECK of every tenant isolation policy
    (as PostgreSQL writes them back). Constants of this module only."""
    return f"""
DO $do$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.relname, pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS checks
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    WHERE p.polname = '{POLICY_NAME}' AND strpos(pg_get_expr(p.polqual, p.polrelid), $old${old}$old$) > 0
  LOOP
    EXECUTE format('ALTER POLICY {POLICY_NAME} ON %I USING (%s) WITH CHECK (%s)', r.relname,
                   replace(r.qual, $old${old}$old$, $new${new}$new$),
                   replace(r.checks, $old${old}$old$, $new${new}$new$));
  END LOOP;
END $do$;
"""  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("alliance", "0008_reminder_ledger_checks_once")]

    operations = [
        migrations.RunSQL(CROSS_TENANT_FUNCTION_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(rewrite_policies(INLINE, CALL), rewrite_policies(CALL, INLINE)),
    ]
