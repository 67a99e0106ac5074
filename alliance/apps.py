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
        from alliance.rights import can_administer

        post_migrate.connect(grant_app_role, sender=self)
        from alliance.handoffs import declare_core

        declare_core()
        from alliance import background_exports, jobs
        from alliance.services import imports

        imports.register()
        background_exports.register()
        from alliance.views.imports import MEMBERS_EXPORT, members_export

        registry.register_export(MEMBERS_EXPORT, members_export)
        registry.register_notification_kind(jobs.JOB_DONE, "Work you asked for is ready (a large import, an export)",
                                            order=95)
        registry.register_beat_entry("requeue-background-jobs", task="alliance.tasks.requeue_background_jobs",
                                     schedule=60.0)
        registry.register_beat_entry("prune-background-jobs", task="alliance.tasks.prune_background_jobs",
                                     schedule=3600.0)
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

