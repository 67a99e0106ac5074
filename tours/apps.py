from __future__ import annotations

from django.apps import AppConfig


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = "Tours of duty"

    def ready(self) -> None:
        from alliance.signals import manager_changed

        manager_changed.connect(follow_manager_change, dispatch_uid="tours.follow_manager_change")


def follow_manager_change(sender, *, membership, previous_manager_id, by, **kwargs) -> None:
    """The core reports a new manager; the employee's open tours and checkpoints follow."""
    from tours.services import tours_follow_manager_change

    tours_follow_manager_change(employee=membership, previous_manager_id=previous_manager_id, by=by)
