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
        # E-mail the outbox gave up on (alliance.outbox), for the organization's admins to send again.
        registry.register_nav_item("undelivered-email", label="Undelivered e-mail", url_name="undelivered_email",
                                   order=90, visible=can_administer)

