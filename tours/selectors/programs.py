"""Reads of rotational programs and calendar feeds."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from alliance.models import Membership
from tours.models import (
    CalendarFeed,
    Cohort,
    RotationalProgram,
    Tour,
)

# --- Programs and calendar feeds ------------------------------------------------


def program_list(*, member: Membership, include_inactive: bool = True) -> QuerySet[RotationalProgram]:
    programs = RotationalProgram.objects.for_org(member.organization_id)
    if not include_inactive:
        programs = programs.filter(is_active=True)
    return programs


def get_program_for_member(member: Membership, program_id: int) -> RotationalProgram:
    program = program_list(member=member).filter(pk=program_id).first()
    if program is None:
        raise Http404("No such program.")
    return program


def program_cohorts(program: RotationalProgram) -> list[Cohort]:
    return list(
        Cohort.objects.for_org(program.organization_id).filter(program=program)
        .select_related("started_by__user")
        .prefetch_related(Prefetch("tours", queryset=Tour.objects.select_related("employee__user")))
    )


def active_calendar_feed(member: Membership) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.for_org(member.organization_id)
        .filter(membership=member, revoked_at__isnull=True).first()
    )
