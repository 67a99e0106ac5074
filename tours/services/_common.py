"""Shared by the tours services: bounds, history records, row locks, manager checks, and the check of a
tour's terms (drafting and amendments both apply it)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.rights import check_can_be_manager
from alliance.services import check_text_bounds, full_clean_or_raise
from tours.models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Tour,
    TourKind,
    TourRevision,
)
from tours.selectors import add_months

CALENDAR_TOKEN_KIND = "cal"
CHECKPOINT_LOCAL_TIME = time(10, 0)  # proposed checkpoints start at 10:00 in the manager's zone
FOUNDATIONAL_PLANNING_HORIZON_MONTHS = 24  # open-ended tours: propose the next two years
SCHEDULE_GRACE = timedelta(minutes=5)
WRAP_UP_AFTER_END = timedelta(days=30)  # a closing conversation may follow the last day
MAX_TOUR_YEARS = 10  # for tours with an end: foundational tours are the open-ended kind
DATE_RANGE = f"between {EARLIEST_DATE.year} and {LATEST_DATE.year}"


# --- Helpers -------------------------------------------------------------------


def _display(tour: Tour, field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    model_field = Tour._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _label(field: str) -> str:
    return str(Tour._meta.get_field(field).verbose_name).capitalize()


def _record(tour: Tour, *, by: Membership | None, action: str, changes: dict | None = None,
            comment: str = "") -> TourRevision:
    check_text_bounds(TourRevision, comment=comment)
    return TourRevision.objects.create(
        organization_id=tour.organization_id, tour=tour, by=by, action=action,
        changes=changes or {}, comment=comment,
    )


def _lock(tour: Tour) -> Tour:
    """Re-read the tour's row FOR UPDATE, so two concurrent transitions cannot both pass."""
    locked = Tour.objects.for_org(tour.organization_id).select_for_update().get(pk=tour.pk)
    tour.status = locked.status
    tour.first_conversation_granted_on = locked.first_conversation_granted_on
    return tour


def _dates_out_of_range(**days: date | None) -> dict[str, list[str]]:
    """Field errors for the given dates outside EARLIEST_DATE..LATEST_DATE (None is left to other checks)."""
    return {field: [f"Choose a date {DATE_RANGE}."] for field, day in days.items()
            if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE}


def _check_manager(*, employee: Membership, manager: Membership | None) -> Membership:
    if manager is None:
        raise ApplicationError("Choose the tour's manager.", field_errors={"manager": ["Choose a manager."]})
    if manager.organization_id != employee.organization_id or not manager.is_active:
        raise ApplicationError("The manager must be an active member of this organization.",
                               field_errors={"manager": ["Choose an active member of this organization."]})
    if manager.pk == employee.pk:
        raise ApplicationError("Nobody can be the manager of their own tour.",
                               field_errors={"manager": ["Choose someone other than the employee."]})
    check_can_be_manager(manager)
    return manager


def validate_terms(tour: Tour) -> None:
    """The rules a tour's terms keep, whether drafted, edited or amended; raises ApplicationError."""
    if tour.kind != TourKind.FOUNDATIONAL and tour.end_date is None:
        raise ApplicationError("Give the tour an end date (only foundational tours are open-ended).",
                               field_errors={"end_date": ["Required, except for foundational tours."]})
    out_of_range = _dates_out_of_range(start_date=tour.start_date, end_date=tour.end_date)
    if out_of_range:
        raise ApplicationError(f"A tour starts and ends {DATE_RANGE}.", field_errors=out_of_range)
    if tour.end_date is not None and tour.start_date is not None and tour.end_date <= tour.start_date:
        raise ApplicationError("The tour must end after it starts.",
                               field_errors={"end_date": ["Choose a date after the start date."]})
    if (tour.kind != TourKind.FOUNDATIONAL and tour.end_date is not None and tour.start_date is not None
            and tour.end_date > add_months(tour.start_date, MAX_TOUR_YEARS * 12)):
        raise ApplicationError(
            f"A tour lasts at most {MAX_TOUR_YEARS} years; only foundational tours run longer.",
            field_errors={"end_date": [f"At most {MAX_TOUR_YEARS} years after the start date."]},
        )
    full_clean_or_raise(tour, exclude=["organization", "employee", "manager", "previous_tour", "program",
                                       "cohort", "created_by"])
