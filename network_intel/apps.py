from __future__ import annotations

from django.apps import AppConfig


class NetworkIntelConfig(AppConfig):
    name = "network_intel"
    verbose_name = "Network intelligence"

    def ready(self) -> None:
        from alliance import registry
        from network_intel import reminders
        from network_intel.demo import seed_network_intel
        from network_intel.views import dashboard_panel_context

        registry.register_urls("network_intel", org="network_intel.urls", api="network_intel.api_urls")
        reminders.register()
        registry.register_beat_entry("sweep-intel-digests", task="network_intel.tasks.sweep_intel_digests",
                                     schedule=3600.0)
        registry.register_nav_item("intel-search", label="Intel", url_name="network_intel:search", order=20,
                                   active=("network_intel:search", "network_intel:note_detail",
                                           "network_intel:note_new", "network_intel:note_edit",
                                           "network_intel:my_notes", "network_intel:company_detail",
                                           "network_intel:companies"))
        registry.register_nav_item("intel-contacts", label="Contacts", url_name="network_intel:contacts", order=21,
                                   active=("network_intel:contacts", "network_intel:contact_edit",
                                           "network_intel:introductions"))
        registry.register_nav_item("intel-curation", label="Intel vocabulary", url_name="network_intel:vocabulary",
                                   order=22, visible=lambda member: member.is_hr,
                                   active=("network_intel:vocabulary", "network_intel:most_useful"))
        registry.register_dashboard_panel("network_intel", template="network_intel/_dashboard.html",
                                          context=dashboard_panel_context, order=20)
        registry.register_demo_loader("network_intel", seed_network_intel, after=("tours",))
