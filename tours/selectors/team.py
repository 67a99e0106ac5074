"""The manager's view of their team: each report's current tour and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from alliance.models import Membership
from alliance.registry import pending_departures
from alliance.selectors import direct_reports_of
from alliance.templatetags.alliance_tags import day as format_day
from tours.models import (
    ActionItem,
    Checkpoint,
    FirstConversation,
    Tour,
)

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
