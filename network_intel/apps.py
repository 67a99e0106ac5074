from __future__ import annotations

from django.apps import AppConfig


class NetworkIntelConfig(AppConfig):
    name = "network_intel"
    verbose_name = "Network intelligence"

    def ready(self) -> None:
        from alliance import registry
        from network_intel import services, webhooks

        webhooks.register()
        from network_intel.demo import seed_network_intel, seed_networking_fund
        from network_intel.reminders import digests, report_backs
        from network_intel.views.fund import dashboard_panel_context as fund_panel_context
        from network_intel.views.notes import dashboard_panel_context
        from network_intel.views.search import NOTES_CSV, notes_csv_export

        registry.register_export(NOTES_CSV, notes_csv_export)

        registry.register_urls("network_intel", org="network_intel.urls", api="network_intel.urls.api")
        digests.register()
        from network_intel.exports import expenses_of, intel_of, receipt_files

        registry.register_data_export("networking_fund_expenses", expenses_of, files=receipt_files)
        registry.register_data_export("network_intelligence", intel_of)
        from network_intel import handoffs

        handoffs.register()
        from alliance.pickers import register_people_picker
        from network_intel.selectors import introducer_candidates

        register_people_picker("network_intel.colleagues", introducer_candidates)
        from network_intel import audit

        audit.register()
        registry.register_beat_entry("sweep-intel-digests", task="network_intel.tasks.sweep_intel_digests",
                                     schedule=3600.0)
        registry.register_notification_kind(services.COMPANY_KIND, "Companies merged: your contacts moved", order=32)
        registry.register_beat_entry("sweep-intel-deleted", task="network_intel.tasks.sweep_deleted", schedule=60.0)
        registry.register_nav_group("intel", label="Intel")
        registry.register_nav_item("intel-search", label="Intel", url_name="network_intel:search", order=20,
                                   group="intel",
                                   active=("network_intel:search", "network_intel:note_detail",
                                           "network_intel:note_new", "network_intel:note_edit",
                                           "network_intel:my_notes", "network_intel:company_detail",
                                           "network_intel:companies"))
        registry.register_nav_item("intel-contacts", label="Contacts", url_name="network_intel:contacts", order=21,
                                   group="intel",
                                   active=("network_intel:contacts", "network_intel:contact_edit",
                                           "network_intel:introductions"))
        registry.register_nav_item("intel-curation", label="Intel vocabulary", url_name="network_intel:vocabulary",
                                   order=22, group="intel", visible=lambda member: member.is_hr,
                                   active=("network_intel:vocabulary", "network_intel:most_useful"))
        registry.register_dashboard_panel("network_intel", template="network_intel/_dashboard.html",
                                          context=dashboard_panel_context, order=20)
        registry.register_demo_loader("network_intel", seed_network_intel, after=("tours",))
        from network_intel import health

        health.register()
        self._register_fund(registry, report_backs, seed_networking_fund, fund_panel_context)

    @staticmethod
    def _register_fund(registry, report_backs, seed, panel_context) -> None:
        """The networking fund: its reminder, sweep, pages in the navigation, dashboard panel and demo data."""
        report_backs.register()
        registry.register_beat_entry("sweep-fund-report-backs", task="network_intel.tasks.sweep_fund_report_backs",
                                     schedule=3600.0)
        registry.register_beat_entry("sweep-fund-pending-receipts",
                                     task="network_intel.tasks.sweep_pending_receipts", schedule=3600.0)
        registry.register_nav_group("fund", label="Fund")
        registry.register_nav_item("fund", label="Fund", url_name="network_intel:fund_home", order=23, group="fund",
                                   active=("network_intel:fund_home", "network_intel:expense_detail"))
        registry.register_nav_item("fund-approvals", label="Approvals", url_name="network_intel:fund_approvals",
                                   order=24, group="fund", visible=lambda member: member.is_manager,
                                   active=("network_intel:fund_approvals",))
        registry.register_nav_item("fund-hr", label="Fund admin", url_name="network_intel:fund_reimbursements",
                                   order=25, group="fund", visible=lambda member: member.is_hr,
                                   active=("network_intel:fund_reimbursements", "network_intel:fund_settings",
                                           "network_intel:fund_report"))
        registry.register_dashboard_panel("fund", template="network_intel/fund/_dashboard.html",
                                          context=panel_context, order=21)
        registry.register_demo_loader("networking_fund", seed, after=("network_intel",))
