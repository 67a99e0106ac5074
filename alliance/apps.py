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
        from alliance.history import context  # noqa: F401  (opens the audit context around each task)
        from alliance.rights import can_administer, can_see_organization_health, can_see_team_health

        post_migrate.connect(grant_app_role, sender=self)
        from alliance.pickers import register_core_pickers

        register_core_pickers()
        from alliance.handoffs import declare_core

        declare_core()
        from alliance import digests

        digests.register()
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
        # The audit trail: HR and admins read every record's history from the menu; everyone else reads the
        # history of their own records from the "History" link of each (their profile, tour, expense).
        registry.register_nav_item("history", label="History", url_name="history_log", order=86, group="organization",
                                   visible=lambda member: member.is_hr, active=("history_log", "history_record"))
        registry.register_audited_model(
            "membership", label="Member", model="alliance.Membership", event_model="alliance.MembershipEvent",
            label_sql="SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM alliance_user u WHERE u.id = r.user_id",
            owner_column="id", url_name="member_edit", owner_url=False, order=10)
        registry.register_audited_model(
            "invitation", label="Invitation", model="alliance.Invitation", event_model="alliance.InvitationEvent",
            label_sql="r.email", hr_only=True, url_name="invitation_list", url_takes_id=False, order=11)
        # Webhooks (alliance.webhooks): the administrators' endpoints, delivered and pruned by the worker.
        from alliance.webhooks import register as register_webhooks

        register_webhooks()
        from alliance.apis import MemberOutputSerializer

        member = {"serializer": MemberOutputSerializer, "resource": "member"}
        registry.register_webhook_event("member.created", description="A member joined the organization (an "
                                        "invitation accepted, a people import).", order=90, **member)
        registry.register_webhook_event("member.updated", description="A member's role, manager, title, team or "
                                        "start of employment changed.", order=91, **member)
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

