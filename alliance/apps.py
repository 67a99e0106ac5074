from django.apps import AppConfig


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from alliance import (
            checks,  # noqa: F401  (registers the tenancy system checks)
            registry,
        )
        from alliance.dbroles import grant_app_role
        from alliance.rights import can_administer, can_see_organization_health, can_see_team_health

        post_migrate.connect(grant_app_role, sender=self)
        from alliance.pickers import register_core_pickers

        register_core_pickers()
        from alliance.handoffs import declare_core

        declare_core()
        from alliance import digests

        digests.register()
        registry.register_nav_group("organization", label="Organization")
        registry.register_nav_item("members", label="Members", url_name="member_list", order=80, group="organization",
                                   visible=lambda member: member.is_hr, active=("member_list", "member_edit"))
        registry.register_nav_item("invitations", label="Invitations", url_name="invitation_list", order=81,
                                   group="organization", visible=lambda member: member.is_hr)
        registry.register_nav_item("settings", label="Settings", url_name="organization_settings", order=82,
                                   group="organization", visible=lambda member: member.is_admin)
        # E-mail the outbox gave up on (alliance.outbox), for the organization's admins to send again.
        registry.register_nav_item("undelivered-email", label="Undelivered e-mail", url_name="undelivered_email",
                                   order=90, visible=can_administer, group="organization")
        # The alliance's health: the organization's for HR, admins and leadership; a manager's team's.
        registry.register_nav_item("alliance-health", label="Alliance health", url_name="alliance_health", order=78,
                                   group="organization", visible=can_see_organization_health)
        registry.register_nav_item("team-alliance-health", label="Team health", url_name="team_alliance_health",
                                   order=79, group="organization",
                                   visible=lambda member: can_see_team_health(member)
                                   and not can_see_organization_health(member))

