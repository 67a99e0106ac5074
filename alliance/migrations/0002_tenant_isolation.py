from django.db import migrations

from alliance.rls import TenantIsolation

MEMBERSHIP_SELF_POLICY = """
CREATE POLICY own_memberships ON alliance_membership FOR SELECT
USING (user_id = NULLIF(current_setting('alliance.user_id', true), '')::bigint)
"""


class Migration(migrations.Migration):
    dependencies = [("alliance", "0001_initial")]

    operations = [
        TenantIsolation("membership", id_primary_key=True),
        TenantIsolation("invitation", id_primary_key=True),
        TenantIsolation("apitoken", id_primary_key=True),
        # A signed-in person may read their own memberships in every organization
        # (the organization switcher); writing still needs the organization's tenant.
        migrations.RunSQL(MEMBERSHIP_SELF_POLICY, "DROP POLICY own_memberships ON alliance_membership"),
    ]
