from django.apps import AppConfig


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = "Alliance core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from alliance import checks  # noqa: F401  (registers the tenancy system checks)
        from alliance.dbroles import grant_app_role

        post_migrate.connect(grant_app_role, sender=self)

