"""Reads of recurring 1:1s: who sees which series, its meetings, and its timeline beside the tour checkpoints.

The manager and the report see their series, HR and admins every series of the organization; a series
one may not see is a 404. Private notes: their author only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from alliance.models import Membership
from alliance.rowpeople import with_people
from tours.models import (
    Checkpoint,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    TalkingPoint,
    Tour,
)

PAST_MEETINGS_SHOWN = 12  # the series page shows this many past meetings


def visible_series(member: Membership) -> QuerySet[OneOnOneSeries]:
    series = OneOnOneSeries.objects.for_org(member.organization_id)
    if member.is_hr:
        return series
    return series.filter(Q(manager=member) | Q(report=member))


def series_list(*, member: Membership, role: str = "", status: str = "") -> QuerySet[OneOnOneSeries]:
    """The viewer's series (``role``: "manager" or "report" narrows to one side), newest first, with the next
    meeting of each: two queries whatever the length."""
    # People per row, not joined: the list is sorted and limited (alliance.rowpeople).
    series = with_people(visible_series(member), "manager", "report")
    if role == "manager":
        series = series.filter(manager=member)
    elif role == "report":
        series = series.filter(report=member)
    if status:
        series = series.filter(status=status)
    upcoming = OneOnOne.objects.filter(status=OneOnOne.Status.SCHEDULED,
                                       scheduled_at__gte=timezone.now() - timedelta(hours=2)).order_by("scheduled_at")
    return series.prefetch_related(Prefetch("meetings", queryset=upcoming, to_attr="upcoming_meetings"))


def startable_reports(member: Membership) -> QuerySet[Membership]:
    """Whom ``member`` may start a series with (tours.rights.can_start_one_on_one_with, as a query): their
    reports, and for HR anyone who has a manager."""
    from tours.selectors.tours import draftable_employees

    reports = draftable_employees(member)
    return reports.filter(manager__isnull=False) if member.is_hr else reports


def get_series_for_member(member: Membership, series_id: int) -> OneOnOneSeries:
    found = (visible_series(member).select_related("manager__user", "report__user", "organization")
             .filter(pk=series_id).first())
    if found is None:
        raise Http404("No such 1:1 series.")
    return found


def with_meeting_details(meetings: QuerySet[OneOnOne], *, member: Membership) -> QuerySet[OneOnOne]:
    """Talking points, action items and the caller's own private note, in a fixed number of queries."""
    return meetings.prefetch_related(
        Prefetch("talking_points", queryset=TalkingPoint.objects.select_related("added_by__user")),
        Prefetch("action_items", queryset=OneOnOneActionItem.objects.select_related("owner__user")),
        Prefetch("private_notes", queryset=OneOnOnePrivateNote.objects.filter(author=member),
                 to_attr="my_private_notes"),
    )


def series_meetings(*, member: Membership, series: OneOnOneSeries, upcoming_only: bool = False) -> list[OneOnOne]:
    """The series' meetings in time order: the last few held or skipped and every one to come."""
    meetings = OneOnOne.objects.for_org(series.organization_id).filter(series=series)
    now = timezone.now()
    future = list(with_meeting_details(meetings.filter(scheduled_at__gte=now - timedelta(hours=12)), member=member)
                  .order_by("scheduled_at", "id"))
    if upcoming_only:
        return future
    past = list(with_meeting_details(meetings.filter(scheduled_at__lt=now - timedelta(hours=12)), member=member)
                .order_by("-scheduled_at", "-id")[:PAST_MEETINGS_SHOWN])
    return past[::-1] + future


def get_meeting_for_member(member: Membership, meeting_id: int) -> OneOnOne:
    found = (with_meeting_details(OneOnOne.objects.for_org(member.organization_id)
                                  .filter(pk=meeting_id, series__in=visible_series(member)), member=member)
             .select_related("series__manager__user", "series__report__user", "series__organization").first())
    if found is None:
        raise Http404("No such 1:1.")
    return found


def get_talking_point_for_member(member: Membership, point_id: int) -> TalkingPoint:
    found = (TalkingPoint.objects.for_org(member.organization_id)
             .filter(pk=point_id, meeting__series__in=visible_series(member))
             .select_related("meeting__series__manager", "meeting__series__report").first())
    if found is None:
        raise Http404("No such talking point.")
    return found


def my_meeting_note(meeting: OneOnOne) -> str:
    notes = getattr(meeting, "my_private_notes", None)
    return notes[0].body if notes else ""


def active_series_between(*, manager: Membership, report: Membership) -> OneOnOneSeries | None:
    return (OneOnOneSeries.objects.for_org(report.organization_id)
            .filter(manager=manager, report=report, status=OneOnOneSeries.Status.ACTIVE).first())


def active_series_of_report(viewer: Membership, report: Membership) -> OneOnOneSeries | None:
    """The running series of ``report`` the viewer may see (for links from My team and the tour page)."""
    return (visible_series(viewer).filter(report=report, status=OneOnOneSeries.Status.ACTIVE)
            .order_by("-created_at").first())


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    meeting: OneOnOne | None = None
    checkpoint: Checkpoint | None = None  # a tour checkpoint: a milestone of the series


def series_timeline(*, member: Membership, series: OneOnOneSeries, meetings: list[OneOnOne]) -> list[TimelineEntry]:
    """The meetings and the report's tour checkpoints in one time line. A checkpoint at the same time as a
    meeting is that meeting's milestone, not a second entry."""
    if not meetings:
        return []
    start, end = meetings[0].scheduled_at - timedelta(days=1), meetings[-1].scheduled_at + timedelta(days=1)
    tours = Tour.objects.for_org(series.organization_id).filter(employee_id=series.report_id)
    if not member.is_hr and member.pk != series.report_id:
        tours = tours.filter(Q(manager=member) | Q(employee__manager=member))
    elif member.pk == series.report_id:
        tours = tours.exclude(status=Tour.Status.DRAFT, proposed_at__isnull=True)
    checkpoints = list(Checkpoint.objects.for_org(series.organization_id)
                       .filter(tour__in=tours, scheduled_at__gte=start, scheduled_at__lte=end)
                       .exclude(status=Checkpoint.Status.CANCELLED).select_related("tour").order_by("scheduled_at"))
    at_meeting = {meeting.scheduled_at: meeting for meeting in meetings}
    entries = [TimelineEntry(at=meeting.scheduled_at, meeting=meeting) for meeting in meetings]
    milestones: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        same = at_meeting.get(checkpoint.scheduled_at)
        if same is not None:
            milestones[same.pk] = checkpoint
        else:
            entries.append(TimelineEntry(at=checkpoint.scheduled_at, checkpoint=checkpoint))
    for meeting in meetings:
        meeting.milestone = milestones.get(meeting.pk)
    return sorted(entries, key=lambda entry: (entry.at, entry.checkpoint is not None))


def calendar_one_on_ones_for(member: Membership) -> QuerySet[OneOnOne]:
    """What a person's calendar feed carries of their 1:1s: the last 90 days and to come."""
    return (OneOnOne.objects.for_org(member.organization_id)
            .filter(Q(series__manager=member) | Q(series__report=member),
                    scheduled_at__gte=timezone.now() - timedelta(days=90))
            .select_related("series__manager__user", "series__report__user", "series__organization")
            .order_by("scheduled_at", "id"))
