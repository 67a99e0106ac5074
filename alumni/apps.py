from __future__ import annotations

from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = "Alumni network"

    def ready(self) -> None:
        from alliance import registry
        from alumni import webhooks

        webhooks.register()
        from alumni import reminders
        from alumni.demo import seed_alumni, seed_reach
        from alumni.rights import (
            can_run_exits,
            can_run_network,
            nav_benefits,
            nav_directory,
            nav_events,
            nav_news,
            nav_referrals,
        )
        from alumni.selectors.exits import contact_consent_sql

        registry.register_urls("alumni", org="alumni.urls", api="alumni.urls.api", root={"alumni/": "alumni.urls.root"})
        from alumni import audit

        audit.register()
        # An alumnus reaches only these pages of the organization (everything else is a 404 to them).
        from alumni.selectors.exits import pending_last_days

        registry.register_departures("alumni-exits", pending_last_days)
        from alumni import health

        health.register()
        registry.register_alumni_area("alumni", view_prefix="alumni:alumni_", home="alumni:alumni_home")
        reminders.register()
        from alumni import handoffs

        handoffs.register()
        from alumni.handoff_declarations import declare_services

        declare_services()
        register_pickers()
        from alumni.rights import require_exit_runner

        # People a people import did not name, and people their identity provider deactivated (suspended): their
        # exit starts from their page, never by the import or the identity provider.
        registry.register_member_link(
            "alumni-start-exit", label="Start their exit", url_name="alumni:exit_start_for", order=90,
            visible=lambda viewer, subject: can_run_exits(viewer) and subject.status in ("active", "suspended")
            and subject.pk != viewer.pk)
        from alumni.services.imports import KIND, alumni_import_apply

        registry.register_import_kind(
            KIND, require=require_exit_runner, detail_url_name="alumni:import_detail",
            apply=lambda *, people_import, **options: alumni_import_apply(alumni_import=people_import, **options))
        registry.register_beat_entry("sweep-alumni-newsletter", task="alumni.tasks.sweep_newsletter", schedule=3600.0)
        registry.register_beat_entry("sweep-alumni-event-reminders", task="alumni.tasks.sweep_event_reminders",
                                     schedule=900.0)
        registry.register_beat_entry("sweep-exit-last-days", task="alumni.tasks.sweep_last_days", schedule=600.0)
        registry.register_beat_entry("sweep-alumni-retention", task="alumni.tasks.sweep_retention", schedule=86400.0)
        registry.register_beat_entry("sweep-exit-task-reminders", task="alumni.tasks.sweep_task_reminders",
                                     schedule=3600.0)
        registry.register_nav_group("exits", label="Exits")
        registry.register_nav_group("alumni", label="Alumni")
        registry.register_nav_item("alumni-exits", label="Exits", url_name="alumni:exits", order=30, group="exits",
                                   visible=can_run_exits,
                                   active=("alumni:exits", "alumni:exit_detail", "alumni:exit_start",
                                           "alumni:templates", "alumni:question_sets"))
        # Shown to every member without a query per page; the page lists their tasks (and their own exit).
        registry.register_nav_item("alumni-todo", label="Exit tasks", url_name="alumni:todo", order=31, group="exits",
                                   visible=lambda member: member.is_active, active=("alumni:todo", "alumni:my_exit"))
        registry.register_dashboard_panel("alumni-my-exit", template="alumni/_dashboard.html",
                                          context=_my_exit_panel, order=5)
        registry.register_nav_item("alumni-home", label="Alumni", url_name="alumni:alumni_home", order=33,
                                   group="alumni",
                                   visible=lambda member: member.status == "alumnus",
                                   active=("alumni:alumni_home", "alumni:alumni_card", "alumni:alumni_come_back",
                                           "alumni:alumni_my_data"))
        registry.register_nav_item("alumni-directory", label="Directory", url_name="alumni:alumni_directory",
                                   order=34, group="alumni", visible=nav_directory)
        # Referrals and leads: every member at every level, alumni from ``support`` (the page's gate).
        registry.register_nav_item("alumni-referrals", label="Referrals & leads", url_name="alumni:alumni_referrals",
                                   order=35, group="alumni", visible=nav_referrals,
                                   active=("alumni:alumni_referrals", "alumni:alumni_referral_new",
                                           "alumni:alumni_leads", "alumni:alumni_lead_new"))
        registry.register_nav_item("alumni-network", label="Alumni network", url_name="alumni:network", order=32,
                                   group="alumni",
                                   visible=can_run_network, active=("alumni:network", "alumni:boomerangs",
                                                                    "alumni:boomerang_rehire"))
        # News (support), events and benefits (invest): the level is read once per request.
        registry.register_nav_item("alumni-news", label="News", url_name="alumni:alumni_news", order=36, group="alumni",
                                   visible=nav_news, active=("alumni:alumni_news", "alumni:alumni_news_post",
                                                             "alumni:news_manage", "alumni:news_edit"))
        registry.register_nav_item("alumni-events", label="Events", url_name="alumni:alumni_events", order=37,
                                   group="alumni",
                                   visible=nav_events, active=("alumni:alumni_events", "alumni:alumni_event",
                                                               "alumni:events_manage", "alumni:event_edit"))
        registry.register_nav_item("alumni-benefits", label="Benefits", url_name="alumni:alumni_benefits", order=38,
                                   group="alumni",
                                   visible=nav_benefits, active=("alumni:alumni_benefits", "alumni:benefits_manage",
                                                                 "alumni:benefit_edit"))
        # Whether someone who left agreed to be contacted: the core's address rule (alliance.people) asks.
        registry.register_contact_consent("alumni", sql=contact_consent_sql())
        registry.register_demo_loader("alumni", seed_alumni, after=("tours",))
        registry.register_demo_loader("alumni-reach", seed_reach, after=("alumni", "network_intel"))
        registry.register_dashboard_panel("alumni-reach", template="alumni/_reach_panel.html",
                                          context=_reach_panel, order=40)


def _my_exit_panel(request) -> dict | None:
    from alumni.selectors import open_exit_of

    process = open_exit_of(request.member)
    return {"process": process} if process is not None else None


def _reach_panel(request) -> dict | None:
    """HR at ``invest``: the open openings and a link to the alumni dashboard."""
    from alumni.rights import can_see_dashboard
    from alumni.selectors import network_settings, open_opening_count

    if not request.member.is_hr:
        return None
    settings = network_settings(request.org)
    if not can_see_dashboard(request.member, settings):
        return None
    return {"open_openings": open_opening_count(request.member)}


def register_pickers() -> None:
    """Whom HR may choose by typing (alliance.pickers): the same selectors that bound the forms' choices."""
    from alliance.pickers import register_people_picker
    from alumni.rights import can_run_network
    from alumni.selectors import exit_candidates, lead_owner_candidates, rehire_managers

    def hr_only(selector):
        return lambda member: selector(member) if member.is_hr else None

    register_people_picker("alumni.exit_candidates", hr_only(exit_candidates))
    register_people_picker("alumni.rehire_managers", hr_only(rehire_managers))
    register_people_picker("alumni.lead_owners",
                           lambda member: lead_owner_candidates(member) if can_run_network(member) else None)
