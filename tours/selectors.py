"""Reads for tours: every lookup is scoped by organization *and* by the caller's rights.

Who sees what (one place):

* an employee: their own tours and those tours' checkpoints;
* a manager: the tours they manage and the tours of their direct reports;
* HR and admins: every tour of the organization;
* private checkpoint notes: their author only (HR and admins included in "nobody else").

A tour or checkpoint the caller may not see is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from alliance.models import Membership, PeopleImport
from alliance.registry import pending_departures
from alliance.rowpeople import with_people
from alliance.selectors import direct_reports_of
from alliance.templatetags.alliance_tags import day as format_day
from tours.models import (
    DEFAULT_NEXT_TOUR_LEAD_DAYS,
    LATEST_DATE,
    MAX_NEXT_TOUR_LEAD_DAYS,
    MIN_NEXT_TOUR_LEAD_DAYS,
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Checkpoint,
    Cohort,
    FirstConversation,
    PrivateNote,
    RotationalProgram,
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


# --- Checkpoints ---------------------------------------------------------------


def visible_checkpoints(member: Membership) -> QuerySet[Checkpoint]:
    checkpoints = Checkpoint.objects.for_org(member.organization_id)
    if member.is_hr:
        return checkpoints
    return checkpoints.filter(_as_employee("tour__", member) | _as_manager("tour__", member))


def with_checkpoint_details(checkpoints: QuerySet[Checkpoint], *, member: Membership) -> QuerySet[Checkpoint]:
    """Agenda, action items and the caller's own private note, in a fixed number of queries."""
    checkpoints = with_people(checkpoints.select_related("tour"), "tour__employee", "tour__manager")
    return checkpoints.prefetch_related(
        Prefetch("agenda_items", queryset=with_people(AgendaItem.objects.all(), "added_by")),
        Prefetch("action_items", queryset=with_people(ActionItem.objects.all(), "owner")),
        Prefetch(
            "private_notes",
            queryset=PrivateNote.objects.filter(author=member),
            to_attr="my_private_notes",
        ),
    )


def checkpoint_list(
    *,
    member: Membership,
    tour_id: int | None = None,
    status: str = "",
    scheduled_after=None,
    scheduled_before=None,
) -> QuerySet[Checkpoint]:
    checkpoints = with_checkpoint_details(visible_checkpoints(member), member=member)
    if tour_id:
        checkpoints = checkpoints.filter(tour_id=tour_id)
    if status:
        checkpoints = checkpoints.filter(status=status)
    if scheduled_after:
        checkpoints = checkpoints.filter(scheduled_at__gte=scheduled_after)
    if scheduled_before:
        checkpoints = checkpoints.filter(scheduled_at__lt=scheduled_before)
    return checkpoints


def get_checkpoint_for_member(member: Membership, checkpoint_id: int) -> Checkpoint:
    checkpoint = (
        with_checkpoint_details(visible_checkpoints(member), member=member)
        .select_related("tour__employee__manager", "tour__organization")
        .filter(pk=checkpoint_id).first()
    )
    if checkpoint is None:
        raise Http404("No such checkpoint.")
    return checkpoint


def my_private_note(checkpoint: Checkpoint) -> str:
    """The caller's private note, from ``with_checkpoint_details``' prefetch (author-only)."""
    notes = getattr(checkpoint, "my_private_notes", None)
    return notes[0].body if notes else ""


def tour_checkpoints(*, member: Membership, tour: Tour) -> list[Checkpoint]:
    return list(with_checkpoint_details(visible_checkpoints(member).filter(tour=tour), member=member))


def get_agenda_item_for_member(member: Membership, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.for_org(member.organization_id)
        .filter(pk=item_id, checkpoint__in=visible_checkpoints(member))
        .select_related("checkpoint__tour__employee").first()
    )
    if item is None:
        raise Http404("No such agenda item.")
    return item


def get_action_item_for_member(member: Membership, item_id: int) -> ActionItem:
    item = (
        ActionItem.objects.for_org(member.organization_id)
        .filter(pk=item_id, checkpoint__in=visible_checkpoints(member))
        .select_related("checkpoint__tour__employee").first()
    )
    if item is None:
        raise Http404("No such action item.")
    return item


def upcoming_checkpoints_for(member: Membership, *, limit: int = 5) -> list[Checkpoint]:
    """The person's next conversations, as employee or as manager."""
    return list(with_people(
        Checkpoint.objects.for_org(member.organization_id)
        .filter(_as_employee("tour__", member) | Q(tour__manager=member), status=Checkpoint.Status.SCHEDULED,
                scheduled_at__gte=timezone.now() - timedelta(hours=2))
        .select_related("tour")
        .order_by("scheduled_at", "id"), "tour__employee", "tour__manager")[:limit]
    )


def calendar_checkpoints_for(member: Membership) -> QuerySet[Checkpoint]:
    """What a person's calendar feed carries: their checkpoints of the last 90 days and to come."""
    return (
        Checkpoint.objects.for_org(member.organization_id)
        .filter(_as_employee("tour__", member) | Q(tour__manager=member),
                scheduled_at__gte=timezone.now() - timedelta(days=90))
        .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
        .prefetch_related("agenda_items")
        .order_by("scheduled_at", "id")
    )


def open_action_items(*, organization_id: int, tour_ids, limit: int = 50) -> list[ActionItem]:
    """What is still to do from these tours' checkpoints, soonest due first.

    Only the tip of each carry-over chain: a carried copy is the same commitment.
    """
    return list(with_people(
        ActionItem.objects.for_org(organization_id)
        .filter(done=False, checkpoint__tour_id__in=list(tour_ids))
        .exclude(Exists(ActionItem.objects.filter(carried_from=OuterRef("pk"))))
        .select_related("checkpoint__tour")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "id"), "owner", "checkpoint__tour__employee")[:limit]
    )


# --- Right of first conversation ------------------------------------------------


def get_first_conversation_for_member(member: Membership, conversation_id: int) -> FirstConversation:
    conversation = (
        FirstConversation.objects.for_org(member.organization_id)
        .filter(pk=conversation_id, tour__in=visible_tours(member))
        .select_related("tour__employee__user", "tour__manager__user").first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def first_conversations_of(tour: Tour) -> QuerySet[FirstConversation]:
    return FirstConversation.objects.for_org(tour.organization_id).filter(tour=tour).select_related(
        "outcome_recorded_by__user"
    )


def open_first_conversation(tour: Tour) -> FirstConversation | None:
    """The exercised right of first conversation still waiting for its outcome (at most one)."""
    return first_conversations_of(tour).filter(FirstConversation.OPEN).first()


# --- Manager dashboard ----------------------------------------------------------


@dataclass
class TeamRow:
    member: Membership
    tour: Tour | None
    next_checkpoint_at: object = None
    last_progress: str = ""
    last_day: date | None = None  # their last working day, when they are leaving
    flags: list[tuple[str, str]] = field(default_factory=list)  # (key, label)

    @property
    def days_left(self) -> int | None:
        return self.tour.days_left() if self.tour else None

    @property
    def flag_keys(self) -> set[str]:
        return {key for key, _ in self.flags}


TEAM_FLAGS = {
    "no_active_tour": "No active tour",
    "next_tour_due": "Next-tour conversation due",
    "first_conversation": "Right of first conversation exercised",
    "overdue_checkpoint": "Overdue checkpoint",
    "at_risk": "Last checkpoint at risk",
    "overdue_action_item": "Overdue action item",
    "leaving": "Leaving",
}
TEAM_SORTS = {"name", "ends", "next_checkpoint", "flags"}


def leaving_on(member: Membership) -> date | None:
    """The member's last working day when they are leaving (an exit under way), else None."""
    return pending_departures(member.organization_id, [member.pk]).get(member.pk)


def team_overview(*, member: Membership, flag: str = "", kind: str = "", sort: str = "name") -> list[TeamRow]:
    """Direct reports with their current tour and what needs attention (two queries)."""
    now = timezone.now()
    reports = list(direct_reports_of(member).select_related("user"))
    scheduled = Checkpoint.objects.filter(tour=OuterRef("pk"), status=Checkpoint.Status.SCHEDULED)
    tours = (
        Tour.objects.for_org(member.organization_id)
        .filter(employee__in=[r.pk for r in reports], status__in=Tour.OPEN_STATUSES)
        .annotate(
            next_checkpoint_at=Subquery(
                scheduled.filter(scheduled_at__gte=now).order_by("scheduled_at").values("scheduled_at")[:1]
            ),
            last_progress=Subquery(
                Checkpoint.objects.filter(tour=OuterRef("pk"), status=Checkpoint.Status.COMPLETED)
                .order_by("-scheduled_at").values("progress")[:1]
            ),
            has_overdue=Exists(scheduled.filter(scheduled_at__lt=now - timedelta(hours=1))),
            has_overdue_action=Exists(
                ActionItem.objects.filter(checkpoint__tour=OuterRef("pk"), done=False,
                                          due_on__lt=timezone.localdate())
                .exclude(Exists(ActionItem.objects.filter(carried_from=OuterRef("pk"))))
            ),
            open_first_conversation=Exists(
                FirstConversation.objects.filter(FirstConversation.OPEN, tour=OuterRef("pk"))
            ),
        )
        .order_by("start_date")
    )
    status_rank = {Tour.Status.ACTIVE: 0, Tour.Status.PROPOSED: 1, Tour.Status.DRAFT: 2}
    best: dict[int, Tour] = {}
    for tour in tours:
        current = best.get(tour.employee_id)
        if current is None or status_rank[tour.status] < status_rank[current.status]:
            best[tour.employee_id] = tour
    leaving = pending_departures(member.organization_id, [report.pk for report in reports])
    rows = []
    for report in reports:
        tour = best.get(report.pk)
        row = TeamRow(member=report, tour=tour, last_day=leaving.get(report.pk))
        if row.last_day is not None:
            row.flags.append(("leaving", f"Leaving: last working day {format_day(row.last_day)}"))
        if tour is None or tour.status != Tour.Status.ACTIVE:
            row.flags.append(("no_active_tour", TEAM_FLAGS["no_active_tour"]))
        if tour is not None:
            row.next_checkpoint_at = tour.next_checkpoint_at
            row.last_progress = tour.last_progress or ""
            if tour.next_tour_conversation_due():
                row.flags.append(("next_tour_due", TEAM_FLAGS["next_tour_due"]))
            if tour.open_first_conversation:
                row.flags.append(("first_conversation", TEAM_FLAGS["first_conversation"]))
            if tour.has_overdue:
                row.flags.append(("overdue_checkpoint", TEAM_FLAGS["overdue_checkpoint"]))
            if row.last_progress in (Checkpoint.Progress.AT_RISK, Checkpoint.Progress.OFF_TRACK):
                row.flags.append(("at_risk", TEAM_FLAGS["at_risk"]))
            if tour.has_overdue_action:
                row.flags.append(("overdue_action_item", TEAM_FLAGS["overdue_action_item"]))
        rows.append(row)
    if flag:
        rows = [row for row in rows if flag in row.flag_keys]
    if kind:
        rows = [row for row in rows if row.tour is not None and row.tour.kind == kind]
    far = date.max
    if sort == "ends":
        rows.sort(key=lambda r: (r.tour.end_date if r.tour and r.tour.end_date else far, r.member.user.full_name))
    elif sort == "next_checkpoint":
        rows.sort(key=lambda r: (r.next_checkpoint_at is None, r.next_checkpoint_at or now,
                                 r.member.user.full_name))
    elif sort == "flags":
        rows.sort(key=lambda r: (-len(r.flags), r.member.user.full_name))
    else:
        rows.sort(key=lambda r: (r.member.user.full_name.lower(), r.member.user.email))
    return rows


def open_first_conversations_for_manager(member: Membership) -> list[FirstConversation]:
    """Exercised rights of first conversation still waiting for the manager's outcome."""
    return list(
        FirstConversation.objects.for_org(member.organization_id)
        .filter(FirstConversation.OPEN)
        .filter(Q(tour__manager=member) | Q(tour__employee__manager=member))
        .select_related("tour__employee__user")
        .order_by("exercised_at")
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


@dataclass(frozen=True)
class CheckpointPageItems:
    """A list page's agenda points and action items (each in ``(created_at, id)`` order) and the
    caller's own private notes, for the page's checkpoints."""

    agenda: list[tuple]  # (id, checkpoint_id, text, added_by_id, discussed, carried_from_id, created_at, updated_at)
    actions: list[tuple]  # (id, checkpoint_id, text, owner_id, due_on, done, done_at, carried_from_id, created_at,
    #                        updated_at)
    notes: dict[int, str]  # checkpoint id -> body


# A page's agenda points, action items and the caller's private notes, as one result in one shape:
# the kind of row first, then each kind's columns where the others hold NULLs.
_CHECKPOINT_ITEMS_SQL = """
    SELECT 'a', id, checkpoint_id, text, added_by_id, discussed, NULL::date, NULL::timestamptz, carried_from_id,
           created_at, updated_at
    FROM tours_agendaitem WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s)
    UNION ALL
    SELECT 'i', id, checkpoint_id, text, owner_id, done, due_on, done_at, carried_from_id, created_at, updated_at
    FROM tours_actionitem WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s)
    UNION ALL
    SELECT 'n', NULL, checkpoint_id, body, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM tours_privatenote WHERE organization_id = %(org)s AND checkpoint_id = ANY(%(ids)s) AND author_id = %(author)s
    ORDER BY 1, 10, 2
"""


def checkpoint_page_items(*, organization_id: int, author_id: int, checkpoint_ids: list[int]) -> CheckpointPageItems:
    """What ``with_checkpoint_details`` prefetches, for a list page that reads columns: one indexed query
    in plain SQL (three parts, one round trip), because the lists run it on every page and compiling three
    queries with the ORM cost more than running them. Agenda points and action items come each in
    ``(created_at, id)`` order."""
    if not checkpoint_ids:
        return CheckpointPageItems(agenda=[], actions=[], notes={})
    agenda, actions, notes = [], [], {}
    with connection.cursor() as cursor:
        cursor.execute(_CHECKPOINT_ITEMS_SQL, {"org": organization_id, "ids": checkpoint_ids, "author": author_id})
        for (kind, pk, checkpoint_id, text, person_id, flag, due_on, done_at, carried_from_id, created_at,
             updated_at) in cursor.fetchall():
            if kind == "a":
                agenda.append((pk, checkpoint_id, text, person_id, flag, carried_from_id, created_at, updated_at))
            elif kind == "i":
                actions.append((pk, checkpoint_id, text, person_id, due_on, flag, done_at, carried_from_id, created_at,
                                updated_at))
            else:
                notes[checkpoint_id] = text
    return CheckpointPageItems(agenda=agenda, actions=actions, notes=notes)


# --- Tours from a spreadsheet ---------------------------------------------------------------------------

def get_tours_import_for_member(member: Membership, import_id: int) -> PeopleImport:
    """A tours import of the caller's organization, for HR and admins; 404 otherwise."""
    found = (PeopleImport.objects.for_org(member.organization_id).filter(pk=import_id, kind="tours").first()
             if member.is_active and member.is_hr else None)
    if found is None:
        raise Http404("No such import.")
    return found


def tours_export_rows(*, organization_id: int) -> list[list[str]]:
    """Every active tour in the tours import's columns, by employee: one query."""
    tours = (Tour.objects.for_org(organization_id).filter(status=Tour.Status.ACTIVE)
             .select_related("employee__user", "manager__user").order_by("employee__user__email", "id"))
    return [[tour.employee.user.email, tour.manager.user.email, tour.kind, tour.mission, tour.start_date.isoformat(),
             tour.end_date.isoformat() if tour.end_date else ""] for tour in tours]
