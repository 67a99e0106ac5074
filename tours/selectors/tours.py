"""Reads of tours: who sees which tour, lists, history, and the terms a next tour starts from."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from alliance.models import Membership
from alliance.rowpeople import with_people
from alliance.selectors import direct_reports_of
from tours.models import (
    DEFAULT_NEXT_TOUR_LEAD_DAYS,
    LATEST_DATE,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_NEXT_TOUR_LEAD_DAYS,
    Tour,
    TourAmendment,
    TourKind,
    TourRevision,
)

SUCCESSOR_MONTHS = 36  # a next tour's first proposal: a transformational tour of three years


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))

# --- Tours ---------------------------------------------------------------------


def _as_employee(prefix: str, member: Membership) -> Q:
    """The employee's own tours — except drafts never proposed, which are the manager side's until then
    (a proposal they asked to change stays theirs to read, with their request)."""
    return Q(**{f"{prefix}employee": member}) & (
        ~Q(**{f"{prefix}status": Tour.Status.DRAFT}) | Q(**{f"{prefix}proposed_at__isnull": False}))


def _as_manager(prefix: str, member: Membership) -> Q:
    # The reports as a subquery, not a join to their memberships: the lists this filters are sorted
    # and limited (alliance.rowpeople).
    reports = Membership.objects.for_org(member.organization_id).filter(manager=member).values("pk")
    return Q(**{f"{prefix}manager": member}) | Q(**{f"{prefix}employee__in": reports})


# The Tours page's orderings (its "Sort by" field and CSV alike): key -> (label, ordering). Each is served by
# an index that leads with organization_id (tests/alliance/test_indexes.py enumerates them): by person
# through the stored copy of the employee's sort key, never a join to memberships and users.
TOUR_LIST_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ends": ("Ending soonest", ("end_date", "id")),
    "person": ("Employee", ("employee_sort_name", "id")),
    "starts": ("Newest start", ("-start_date", "-id")),
}
TOUR_LIST_DEFAULT_SORT = "ends"


def visible_tours(member: Membership) -> QuerySet[Tour]:
    tours = Tour.objects.for_org(member.organization_id)
    if member.is_hr:
        return tours
    return tours.filter(_as_employee("", member) | _as_manager("", member))


def tour_list(
    *,
    member: Membership,
    kind: str = "",
    status: str = "",
    employee_id: int | None = None,
    manager_id: int | None = None,
    manager_ids: list[int] | None = None,
    team: str = "",
    search: str = "",
    ends_before: date | None = None,
    ends_after: date | None = None,
    ending_within_days: int | None = None,
) -> QuerySet[Tour]:
    # People per row, not joined: the list is sorted and limited (alliance.rowpeople).
    tours = with_people(visible_tours(member).select_related("program"), "employee", "manager")
    if kind:
        tours = tours.filter(kind=kind)
    if status:
        tours = tours.filter(status=status)
    if employee_id:
        tours = tours.filter(employee_id=employee_id)
    if manager_id:
        tours = tours.filter(manager_id=manager_id)
    if manager_ids:
        tours = tours.filter(manager_id__in=manager_ids)
    if team:
        tours = tours.filter(employee__team=team)
    if search:
        tours = tours.filter(
            Q(title__icontains=search) | Q(employee__user__full_name__icontains=search)
            # By address only while it is a work address: a leaver's is theirs (alliance.people).
            | Q(employee__user__email__icontains=search, employee__status=Membership.Status.ACTIVE)
        )
    if ends_before:
        tours = tours.filter(end_date__lt=ends_before)
    if ends_after:
        tours = tours.filter(end_date__gt=ends_after)
    if ending_within_days is not None:
        today = timezone.localdate()
        tours = tours.filter(end_date__gte=today, end_date__lte=today + timedelta(days=ending_within_days))
    return tours


def get_tour_for_member(member: Membership, tour_id: int) -> Tour:
    tour = (
        visible_tours(member)
        .select_related("employee__user", "employee__manager__user", "manager__user", "previous_tour",
                        "program", "cohort", "organization")
        .filter(pk=tour_id)
        .first()
    )
    if tour is None:
        raise Http404("No such tour.")
    return tour


def tour_amendments(tour: Tour) -> list[TourAmendment]:
    return list(TourAmendment.objects.for_org(tour.organization_id).filter(tour=tour)
                .select_related("proposed_by__user", "answered_by__user"))


def pending_amendment(tour: Tour) -> TourAmendment | None:
    return (TourAmendment.objects.for_org(tour.organization_id)
            .filter(tour=tour, status=TourAmendment.Status.PENDING).select_related("proposed_by__user").first())


def get_amendment_for_member(member: Membership, amendment_id: int) -> TourAmendment:
    amendment = (
        TourAmendment.objects.for_org(member.organization_id)
        .filter(pk=amendment_id, tour__in=visible_tours(member))
        .select_related("tour__employee__user", "tour__employee__manager", "tour__manager__user",
                        "tour__organization", "proposed_by__user", "answered_by__user")
        .first()
    )
    if amendment is None:
        raise Http404("No such amendment.")
    return amendment


def tour_history(tour: Tour) -> QuerySet[TourRevision]:
    return with_people(TourRevision.objects.for_org(tour.organization_id).filter(tour=tour), "by")


def career_ledger(*, member: Membership, subject: Membership) -> list[Tour]:
    """A person's tours in order, each linked to the one before it."""
    return list(
        visible_tours(member).filter(employee=subject).select_related("manager__user", "previous_tour")
        .order_by("start_date", "id")
    )


def active_members(member: Membership) -> QuerySet[Membership]:
    return Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)


def draftable_employees(member: Membership) -> QuerySet[Membership]:
    """Who the caller may draft a tour for (tours.rights.can_draft_tour_for, as a query)."""
    if member.is_hr:
        members = active_members(member)
    elif member.is_manager:
        members = direct_reports_of(member)
    else:
        members = Membership.objects.none()
    return members.exclude(pk=member.pk).select_related("user", "manager__user")


def cohort_candidates(member: Membership) -> QuerySet[Membership]:
    """Who HR may put in a rotational cohort: every active member but themselves."""
    return active_members(member).exclude(pk=member.pk).select_related("user")


def next_tour_lead_default(organization) -> int:
    """A new tour's "next-tour conversation due" lead: the organization's earliest prompt.

    The organization's tour-ending reminders (default 180/90/30 days) and a tour's own
    "due" flag then start on the same day unless someone sets the tour otherwise.
    """
    leads = organization.tour_ending_days_before or [DEFAULT_NEXT_TOUR_LEAD_DAYS]
    return min(max(max(leads), MIN_NEXT_TOUR_LEAD_DAYS), MAX_NEXT_TOUR_LEAD_DAYS)


def successor_initial(tour: Tour) -> dict[str, Any]:
    """Starting terms for the tour after ``tour``: same people, starting when it ends."""
    start = timezone.localdate()
    if tour.end_date is not None and start <= tour.end_date < LATEST_DATE:
        start = tour.end_date + timedelta(days=1)
    return {
        "employee": tour.employee_id, "manager": tour.manager_id, "kind": TourKind.TRANSFORMATIONAL,
        "start_date": start, "end_date": min(add_months(start, SUCCESSOR_MONTHS), LATEST_DATE),
        "cadence_months": tour.cadence_months, "previous_tour": tour.pk,
    }


def open_tours_managed_by(member: Membership) -> QuerySet[Tour]:
    return Tour.objects.for_org(member.organization_id).filter(manager=member, status__in=Tour.OPEN_STATUSES)


def changes_asked_by(member: Membership) -> list[Tour]:
    """Proposals the person asked to change, back with the manager side: still theirs to read."""
    return list(with_people(Tour.objects.for_org(member.organization_id)
                            .filter(employee=member, status=Tour.Status.DRAFT, proposed_at__isnull=False)
                            .order_by("-updated_at"), "manager")[:5])


def open_tours_of(member: Membership) -> list[Tour]:
    """The person's own current and pending tours (active first, then proposed; drafts are not theirs yet)."""
    order = {Tour.Status.ACTIVE: 0, Tour.Status.PROPOSED: 1}
    tours = list(
        Tour.objects.for_org(member.organization_id)
        .filter(employee=member, status__in=(Tour.Status.ACTIVE, Tour.Status.PROPOSED))
        .select_related("manager__user", "employee__user")
    )
    return sorted(tours, key=lambda t: (order[t.status], t.start_date))
