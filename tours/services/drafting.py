"""Drafting a tour and amending its terms."""


from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import model_update
from tours import rights, selectors
from tours.models import (
    DEFAULT_CADENCE_MONTHS,
    Cohort,
    RotationalProgram,
    Tour,
    TourRevision,
)
from tours.services._common import (
    _check_manager,
    _display,
    _label,
    _lock,
    _record,
    validate_terms,
)
from tours.services.amendments import amendment_propose
from tours.services.checkpoints import checkpoints_event_changed, checkpoints_plan_series

# --- Tours: drafting and amending -------------------------------------------------


@transaction.atomic
def tour_create(
    *,
    by: Membership,
    employee: Membership,
    kind: str,
    title: str,
    mission: str,
    company_objectives: str,
    employee_benefits: str,
    start_date: date,
    end_date: date | None = None,
    manager: Membership | None = None,
    success_company: str = "",
    success_employee: str = "",
    alignment_notes: str = "",
    cadence_months: int = DEFAULT_CADENCE_MONTHS,
    next_tour_lead_days: int | None = None,
    previous_tour: Tour | None = None,
    program: RotationalProgram | None = None,
    cohort: Cohort | None = None,
) -> Tour:
    """Draft a tour for a direct report (or, for HR, anyone) and propose its checkpoint series."""
    if next_tour_lead_days is None:
        next_tour_lead_days = selectors.next_tour_lead_default(by.organization)
    rights.require_can_draft_for(by, employee)
    manager = _check_manager(employee=employee, manager=manager or employee.manager or by)
    if previous_tour is not None and (
        previous_tour.organization_id != by.organization_id or previous_tour.employee_id != employee.pk
    ):
        raise ApplicationError("The previous tour must be one of the same person's tours.",
                               field_errors={"previous_tour": ["Choose one of this person's tours."]})
    tour = Tour(
        organization_id=by.organization_id, employee=employee, manager=manager, kind=kind,
        title=(title or "").strip(), mission=mission, company_objectives=company_objectives,
        employee_benefits=employee_benefits, success_company=success_company,
        success_employee=success_employee, alignment_notes=alignment_notes, start_date=start_date,
        end_date=end_date, cadence_months=cadence_months, next_tour_lead_days=next_tour_lead_days,
        previous_tour=previous_tour, program=program, cohort=cohort, created_by=by,
        status=Tour.Status.DRAFT, employee_sort_name=employee.sort_name,
    )
    validate_terms(tour)
    tour.save()
    _record(tour, by=by, action=TourRevision.Action.CREATED)
    checkpoints_plan_series(tour=tour)
    return tour


@transaction.atomic
def tour_update(*, tour: Tour, by: Membership, data: dict[str, Any], comment: str = "") -> Tour:
    """Change the terms of a draft or proposed tour; every change is kept in the tour's history.

    An active tour's terms change only when both agree: for one, this proposes an
    amendment (see tours.services.amendments) and the terms in force stay as they are.
    """
    rights.require_manager_side(tour, by)
    _lock(tour)
    if not tour.is_open:
        raise ApplicationError(f"A {tour.get_status_display().lower()} tour can no longer be changed.")
    unknown = set(data) - set(Tour.TERM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not one of the tour's terms.")
    if isinstance(data.get("title"), str):
        data = {**data, "title": data["title"].strip()}
    if tour.status == Tour.Status.ACTIVE:
        amendment_propose(tour=tour, by=by, data=data, reason=comment)
        return tour
    changes = {
        name: {"label": _label(name), "from": _display(tour, name, getattr(tour, name)),
               "to": _display(tour, name, value)}
        for name, value in data.items() if getattr(tour, name) != value
    }
    if not model_update(tour, data=data, fields=Tour.TERM_FIELDS, clean=validate_terms):
        return tour
    _record(tour, by=by, action=TourRevision.Action.AMENDED, changes=changes, comment=comment.strip())
    if {"start_date", "end_date", "cadence_months"} & set(changes):
        checkpoints_plan_series(tour=tour, replan=True)
    if "title" in changes:
        checkpoints_event_changed(tour=tour, by=by)
    return tour
