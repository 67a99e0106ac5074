"""The alumni network's part of the audit trail (alliance/history): exits (their classification and
rehire eligibility, for HR and admins only) and the network's settings."""

from __future__ import annotations

from alliance import registry

PERSON_OF_MEMBER_SQL = ("SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM alliance_membership m "
                        "JOIN alliance_user u ON u.id = m.user_id "
                        "WHERE m.organization_id = r.organization_id AND m.id = r.member_id")


def register() -> None:
    registry.register_audited_model(
        "exit", label="Exit", model="alumni.ExitProcess", event_model="alumni.ExitProcessEvent",
        label_sql=PERSON_OF_MEMBER_SQL, owner_column="member_id", hr_only=True, url_name="alumni:exit_detail",
        order=30)
    registry.register_audited_model(
        "alumni-settings", label="Alumni network settings", model="alumni.AlumniSettings",
        event_model="alumni.AlumniSettingsEvent", label_sql="'Alumni network settings'", hr_only=True,
        url_name="alumni:network", url_takes_id=False, order=31)
