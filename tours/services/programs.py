"""Rotational programs and their cohorts."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from tours import rights, selectors
from tours.models import (
    LATEST_DATE,
    Cohort,
    RotationalProgram,
    Tour,
    TourKind,
)
from tours.selectors import add_months
from tours.services._common import (
    DATE_RANGE,
    _dates_out_of_range,
)
from tours.services.drafting import tour_create
from tours.services.lifecycle import tour_propose

# --- Rotational programs ----------------------------------------------------------

PROGRAM_FIELDS = ("name", "description", "duration_months", "mission_template", "company_objectives",
                  "employee_benefits", "success_criteria", "cadence_months", "is_active")


def _unique_program_name(program: RotationalProgram) -> None:
    clash = RotationalProgram.objects.for_org(program.organization_id).filter(name__iexact=program.name)
    if program.pk:
        clash = clash.exclude(pk=program.pk)
    if clash.exists():
        raise ApplicationError("A program with this name exists.", field_errors={"name": ["This name is taken."]})


@transaction.atomic
def program_create(*, by: Membership, name: str, **fields: Any) -> RotationalProgram:
    rights.require_program_manager(by)
    unknown = set(fields) - set(PROGRAM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not a program field.")
    program = RotationalProgram(organization_id=by.organization_id, name=(name or "").strip(), created_by=by,
                                **fields)
    full_clean_or_raise(program, exclude=["organization", "created_by"])
    _unique_program_name(program)
    program.save()
    return program


@transaction.atomic
def program_update(*, program: RotationalProgram, by: Membership, data: dict[str, Any]) -> RotationalProgram:
    rights.require_program_manager(by)
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” is not a program field.")
    if isinstance(data.get("name"), str):
        data = {**data, "name": data["name"].strip()}

    def clean(program: RotationalProgram) -> None:
        full_clean_or_raise(program, exclude=["organization", "created_by"])
        _unique_program_name(program)

    model_update(program, data=data, fields=PROGRAM_FIELDS, clean=clean)
    return program


@transaction.atomic
def cohort_start(
    *, program: RotationalProgram, by: Membership, start_date: date, members: Sequence[Membership],
    name: str = "",
) -> Cohort:
    """Start a cohort: one proposed rotational tour per chosen member, all or nothing."""
    rights.require_program_manager(by)
    if not program.is_active:
        raise ApplicationError("This program is archived; reactivate it to start a cohort.")
    if not members:
        raise ApplicationError("Choose at least one member.", field_errors={"members": ["Choose at least one member."]})
    if start_date is None:
        raise ApplicationError("Choose the start date.", field_errors={"start_date": ["Choose a date."]})
    out_of_range = _dates_out_of_range(start_date=start_date)
    if out_of_range:
        raise ApplicationError(f"A cohort starts {DATE_RANGE}.", field_errors=out_of_range)
    end_date = add_months(start_date, program.duration_months)
    if end_date > LATEST_DATE:
        raise ApplicationError(
            f"This program would end after {LATEST_DATE.year}; choose an earlier start.",
            field_errors={"start_date": [f"The tours would end after {LATEST_DATE.year}."]},
        )
    eligible = set(selectors.cohort_candidates(by).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    if len(eligible) != len({m.pk for m in members}):
        raise ApplicationError("Choose active members of this organization.",
                               field_errors={"members": ["Choose active members of this organization."]})
    without_manager = [m.user.full_name for m in members if m.manager_id is None]
    if without_manager:
        raise ApplicationError(
            "Give these people a manager first: " + ", ".join(without_manager) + ".",
            field_errors={"members": ["Everyone in a cohort needs a manager."]},
        )
    cohort = Cohort(organization_id=by.organization_id, program=program, started_by=by, start_date=start_date,
                    name=(name or "").strip() or f"{program.name} — {start_date:%b %Y}")
    full_clean_or_raise(cohort, exclude=["organization", "program", "started_by"])
    cohort.save()
    for member in members:
        previous = (
            Tour.objects.for_org(by.organization_id).filter(employee=member).exclude(status=Tour.Status.CANCELLED)
            .order_by("-start_date", "-id").first()
        )
        tour = tour_create(
            by=by, employee=member, manager=member.manager, kind=TourKind.ROTATIONAL, title=program.name,
            mission=program.mission_template or program.description or program.name,
            company_objectives=program.company_objectives or "To be agreed.",
            employee_benefits=program.employee_benefits or "To be agreed.",
            success_company=program.success_criteria, success_employee=program.success_criteria,
            start_date=start_date, end_date=end_date, cadence_months=program.cadence_months,
            previous_tour=previous, program=program, cohort=cohort,
        )
        tour_propose(tour=tour, by=by)
    return cohort
