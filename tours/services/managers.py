"""An employee's manager changed: their open tours follow."""


from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.models import Membership
from tours.models import (
    Checkpoint,
    Tour,
    TourRevision,
)
from tours.services._common import (
    _record,
)

# --- Manager changes ------------------------------------------------------------


@transaction.atomic
def tours_follow_manager_change(
    *, employee: Membership, previous_manager_id: int | None, by: Membership | None
) -> int:
    """An employee's manager changed: their open tours (and so their future checkpoints) follow.

    Returns how many tours moved. History keeps who managed the tour before; future
    checkpoints get a new SEQUENCE because their organizer changed.
    """
    new_manager = employee.manager
    if new_manager is None or not new_manager.is_active:
        return 0
    tours = list(
        Tour.objects.for_org(employee.organization_id).select_for_update()
        .filter(employee=employee, status__in=Tour.OPEN_STATUSES).exclude(manager=new_manager)
        .select_related("manager__user")
    )
    for tour in tours:
        change = {"manager": {"label": "Manager", "from": tour.manager.user.full_name,
                              "to": new_manager.user.full_name}}
        tour.manager = new_manager
        tour.save(update_fields=["manager", "updated_at"])
        _record(tour, by=by, action=TourRevision.Action.MANAGER_CHANGED, changes=change,
                comment="Followed the employee's new reporting line.")
        future = Checkpoint.objects.for_org(employee.organization_id).filter(
            tour=tour, status=Checkpoint.Status.SCHEDULED, scheduled_at__gt=timezone.now()
        )
        for checkpoint in future:
            checkpoint.sequence += 1
            checkpoint.save(update_fields=["sequence", "updated_at"])
    return len(tours)
