from __future__ import annotations

from django.apps import AppConfig


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = "Tours of duty"

    def ready(self) -> None:
        from alliance import registry
        from tours import webhooks

        webhooks.register()
        from alliance.signals import manager_changed
        from tours import notifications, reminders
        from tours.demo import seed_tours
        from tours.views import dashboard_panel_context

        manager_changed.connect(follow_manager_change, dispatch_uid="tours.follow_manager_change")

        registry.register_urls("tours", org="tours.urls", api="tours.urls.api", root={"calendar/": "tours.urls.feed"})
        reminders.register()
        notifications.register()
        from tours.exports import checkpoints_of, one_on_ones_of

        registry.register_data_export("checkpoints", checkpoints_of)
        registry.register_data_export("one_on_ones", one_on_ones_of)
        from tours import handoffs

        handoffs.register()
        from tours.views.tours import TOURS_CSV, tours_csv_export

        registry.register_export(TOURS_CSV, tours_csv_export)
        from tours.rights import require_tour_importer
        from tours.services.imports import KIND, tours_import_apply

        registry.register_import_kind(
            KIND, require=require_tour_importer, detail_url_name="tours:import_detail",
            apply=lambda *, people_import, **options: tours_import_apply(tours_import=people_import, **options))
        from tours.services import imports as tour_imports

        registry.register_people_import_columns(
            "tours", label="Tour", columns=tour_imports.PEOPLE_COLUMNS, aliases=tour_imports.PEOPLE_ALIASES,
            bounds=tour_imports.PEOPLE_BOUNDS, preview=tour_imports.people_file_tours_preview,
            apply=tour_imports.people_file_tours_apply)
        # Reminder sweeps: due times live in PostgreSQL; each sweep claims what is due
        # in the ledger, so overlapping or duplicated runs send nothing twice.
        for name, task, every in (
            ("sweep-checkpoint-reminders", "tours.tasks.sweep_checkpoint_reminders", 60.0),
            ("sweep-agenda-nudges", "tours.tasks.sweep_agenda_nudges", 300.0),
            ("sweep-overdue-checkpoints", "tours.tasks.sweep_overdue_checkpoints", 300.0),
            ("sweep-tour-endings", "tours.tasks.sweep_tour_endings", 600.0),
            ("sweep-first-conversations", "tours.tasks.sweep_first_conversations", 60.0),
            ("sweep-overdue-action-items", "tours.tasks.sweep_overdue_action_items", 3600.0),
            ("sweep-one-on-ones", "tours.tasks.sweep_one_on_ones", 300.0),
        ):
            registry.register_beat_entry(name, task=task, schedule=every)

        registry.register_nav_group("tours", label="Tours")
        registry.register_nav_item("tours-my-tour", label="My tour", url_name="tours:my_tour", order=10, group="tours")
        registry.register_nav_item("tours-team", label="My team", url_name="tours:team", order=11, group="tours",
                                   visible=lambda member: member.is_manager)
        registry.register_nav_item("tours-list", label="Tours", url_name="tours:list", order=12, group="tours",
                                   visible=lambda member: member.is_manager)
        registry.register_nav_item("tours-one-on-ones", label="My 1:1s", url_name="tours:one_on_ones", order=14,
                                   group="tours", active=("tours:one_on_ones", "tours:one_on_one_detail",
                                                          "tours:one_on_one_new", "tours:one_on_one_edit"))
        registry.register_nav_item("tours-programs", label="Programs", url_name="tours:programs", order=13,
                                   group="tours",
                                   visible=lambda member: member.is_hr,
                                   active=("tours:programs", "tours:program_detail"))
        registry.register_dashboard_panel("tours", template="tours/_dashboard.html",
                                          context=dashboard_panel_context, order=10)
        registry.register_member_link("tours-ledger", label="Career ledger", url_name="tours:ledger", order=10,
                                      visible=_may_open_ledger)
        registry.register_role_guard("tours-open-tours", _open_tours_managed_by)
        # Tours sort by their employee from a copy of the person's sort key, renamed with them.
        registry.register_sort_name_copy("tours-employee", model="tours.Tour", member_field="employee",
                                          key_field="employee_sort_name")
        registry.register_demo_loader("tours", seed_tours)
        from alliance.pickers import register_people_picker

        register_people_picker("tours.employee", _tour_employees)
        register_people_picker("tours.manager", _tour_managers)
        register_people_picker("tours.one_on_one_report", _one_on_one_reports)
        register_people_picker("tours.cohort_members", _cohort_members)
        register_people_picker("tours.list_managers", _list_managers)
        from tours import health

        health.register()
        from tours import audit

        audit.register()


def _cohort_members(member):
    """Whom HR may put in a rotational program's cohort (the cohort form's members)."""
    from tours.selectors import cohort_candidates

    return cohort_candidates(member).order_by("user__full_name", "id") if member.is_hr else None


def _list_managers(member):
    """The managers the tours list filters by (any of its viewers: the list showed them all before)."""
    from alliance.selectors import managers_for_org

    return managers_for_org(organization_id=member.organization_id)


def _tour_employees(member):
    """Whom ``member`` may draft a tour for (the tour form's employee field)."""
    from tours.rights import can_draft_tours
    from tours.selectors import draftable_employees

    return draftable_employees(member) if can_draft_tours(member) else None


def _tour_managers(member):
    """Who may run a tour ``member`` drafts (the tour form's manager field)."""
    from alliance.selectors import managers_for_org
    from tours.rights import can_draft_tours

    return managers_for_org(organization_id=member.organization_id) if can_draft_tours(member) else None


def _one_on_one_reports(member):
    """Whom ``member`` may start a 1:1 series with (the series form's "With" field)."""
    from tours.rights import can_start_one_on_ones
    from tours.selectors import startable_reports

    return startable_reports(member) if can_start_one_on_ones(member) else None


def _open_tours_managed_by(membership) -> str:
    from tours.selectors import open_tours_managed_by

    count = open_tours_managed_by(membership).count()
    if not count:
        return ""
    return (f"{membership.user.full_name} manages {count} open tour{'s' if count != 1 else ''}; "
            "hand them to another manager first.")


def _may_open_ledger(viewer, subject) -> bool:
    from alliance.rights import can_see_member

    return can_see_member(viewer, subject)


def follow_manager_change(sender, *, membership, previous_manager_id, by, **kwargs) -> None:
    """The core reports a new manager; the employee's open tours and checkpoints follow."""
    from tours.services import tours_follow_manager_change

    tours_follow_manager_change(employee=membership, previous_manager_id=previous_manager_id, by=by)
