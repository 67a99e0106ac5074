"""Recurring 1:1s: start, edit, end a series; move, skip and record a meeting; talking points and notes.

Meetings are materialized ``ONE_ON_ONE_HORIZON`` ahead, by these services on every change and by the
``sweep-one-on-ones`` beat entry (``one_on_ones_sweep``), each in a bounded loop. Talking points not
discussed carry over (copies linked by ``carried_from``; only the tip of a chain moves, so running it
again never duplicates) when a meeting is recorded, skipped, or passes unrecorded.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.services import check_text_bounds, full_clean_or_raise
from alliance.templatetags.alliance_tags import day as format_day
from tours import limits, rights
from tours.models import (
    DEFAULT_ONE_ON_ONE_MINUTES,
    LATEST_DATE,
    LATEST_TIME,
    MAX_CHECKPOINT_MINUTES,
    MIN_CHECKPOINT_MINUTES,
    ONE_ON_ONE_HORIZON,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    TalkingPoint,
)
from tours.notifications import notify_series_changed, notify_series_news
from tours.services._common import SCHEDULE_GRACE

MONTHLY_LAST_DAY = 28  # a monthly series falls on a day every month has
PASSED_AFTER = timedelta(hours=1)  # a meeting this long past its end, unrecorded, passes its points on


# --- Checks ------------------------------------------------------------------------------


def _zone_of(member: Membership) -> str:
    for name in (member.user.time_zone, member.organization.time_zone):
        try:
            zoneinfo.ZoneInfo(name)
            return name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            continue
    return "UTC"


def _check_pattern(*, cadence: str, first_date: date | None, local_time: time | None, duration_minutes: int,
                   location: str, ends_on: date | None, zone: str) -> None:
    errors: dict[str, list[str]] = {}
    if cadence not in OneOnOneSeries.Cadence.values:
        errors["cadence"] = ["Choose weekly, every two weeks or monthly."]
    if first_date is None:
        errors["first_date"] = ["Choose the date of the first meeting."]
    if local_time is None:
        errors["local_time"] = ["Choose the time of day."]
    if not (isinstance(duration_minutes, int)
            and MIN_CHECKPOINT_MINUTES <= duration_minutes <= MAX_CHECKPOINT_MINUTES):
        errors["duration_minutes"] = [f"Between {MIN_CHECKPOINT_MINUTES} and {MAX_CHECKPOINT_MINUTES} minutes."]
    if errors:
        raise ApplicationError("Check the 1:1's schedule.", field_errors=errors)
    check_text_bounds(OneOnOneSeries, location=location)
    if cadence == OneOnOneSeries.Cadence.MONTHLY and first_date.day > MONTHLY_LAST_DAY:
        raise ApplicationError("A monthly 1:1 falls on a day every month has.",
                               field_errors={"first_date": [f"Choose a day from 1 to {MONTHLY_LAST_DAY}."]})
    start = datetime.combine(first_date, local_time, tzinfo=zoneinfo.ZoneInfo(zone))
    if start < timezone.now() - SCHEDULE_GRACE or first_date > LATEST_DATE or start >= LATEST_TIME:
        raise ApplicationError("The first meeting is in the future.",
                               field_errors={"first_date": ["Choose a date and time still to come."]})
    if ends_on is not None and not first_date <= ends_on <= LATEST_DATE:
        raise ApplicationError("The series ends on or after its first meeting.",
                               field_errors={"ends_on": ["Choose a day on or after the first meeting."]})


def _lock(series: OneOnOneSeries) -> OneOnOneSeries:
    locked = OneOnOneSeries.objects.for_org(series.organization_id).select_for_update().get(pk=series.pk)
    series.status, series.sequence, series.pattern = locked.status, locked.sequence, locked.pattern
    return series


def _require_active(series: OneOnOneSeries) -> None:
    if not series.is_active:
        raise ApplicationError("This 1:1 series has ended.")


def _require_open(meeting: OneOnOne, verb: str) -> None:
    if meeting.status != OneOnOne.Status.SCHEDULED:
        raise ApplicationError(f"Only a scheduled meeting can be {verb}; this one is "
                               f"{meeting.get_status_display().lower()}.")


def _changed(series: OneOnOneSeries, change: str, *, fields: Iterable[str] = ()) -> None:
    series.sequence += 1
    series.last_change = change
    series.save(update_fields=["sequence", "last_change", "updated_at", *fields])


# --- Materializing the meetings -------------------------------------------------------------


def _first_slot_after(series: OneOnOneSeries, moment: datetime) -> int:
    """The first slot of the pattern that starts after ``moment`` (a few steps at most, never a scan)."""
    local = moment.astimezone(series.zone).date()
    if series.cadence == OneOnOneSeries.Cadence.MONTHLY:
        slot = (local.year - series.first_date.year) * 12 + local.month - series.first_date.month - 1
    else:
        step = 14 if series.cadence == OneOnOneSeries.Cadence.FORTNIGHTLY else 7
        slot = (local - series.first_date).days // step - 1
    slot = max(slot, 0)
    for _ in range(4):
        if series.slot_at(slot) > moment:
            break
        slot += 1
    return slot


def one_on_ones_top_up(*, series: OneOnOneSeries, now: datetime | None = None) -> list[OneOnOne]:
    """Make the next meetings of an active series until ``ONE_ON_ONE_HORIZON`` are scheduled ahead."""
    if not series.is_active:
        return []
    now = now or timezone.now()
    meetings = OneOnOne.objects.for_org(series.organization_id).filter(series=series, pattern=series.pattern)
    ahead = meetings.filter(status=OneOnOne.Status.SCHEDULED, scheduled_at__gt=now).count()
    last = meetings.aggregate(last=Max("slot"))["last"]
    slot = max(0 if last is None else last + 1, _first_slot_after(series, now))
    created = []
    while ahead + len(created) < ONE_ON_ONE_HORIZON:
        day = series.slot_date(slot)
        if (series.ends_on is not None and day > series.ends_on) or day > LATEST_DATE:
            break
        when = series.slot_at(slot)
        created.append(OneOnOne(organization_id=series.organization_id, series=series, pattern=series.pattern,
                                slot=slot, original_at=when, scheduled_at=when,
                                duration_minutes=series.duration_minutes))
        slot += 1
    return OneOnOne.objects.bulk_create(created)


def _next_meeting(meeting: OneOnOne) -> OneOnOne | None:
    return (OneOnOne.objects.for_org(meeting.organization_id)
            .filter(series_id=meeting.series_id, status=OneOnOne.Status.SCHEDULED,
                    scheduled_at__gt=meeting.scheduled_at)
            .exclude(pk=meeting.pk).order_by("scheduled_at", "id").first())


def _carry_points(meeting: OneOnOne, *, to: OneOnOne | None = None) -> int:
    """Copy the meeting's undiscussed points (the tips of their chains) into the next scheduled meeting."""
    target = to or _next_meeting(meeting)
    if target is None:
        return 0
    points = list(TalkingPoint.objects.for_org(meeting.organization_id).filter(meeting=meeting, discussed=False)
                  .exclude(Exists(TalkingPoint.objects.filter(carried_from=OuterRef("pk"))))
                  .order_by("created_at", "id"))
    TalkingPoint.objects.bulk_create([
        TalkingPoint(organization_id=meeting.organization_id, meeting=target, text=point.text,
                     added_by_id=point.added_by_id, carried_from=point) for point in points])
    return len(points)


# --- The series ----------------------------------------------------------------------------------


@transaction.atomic
def one_on_one_series_start(*, by: Membership, report: Membership, cadence: str, first_date: date | None,
                            local_time: time | None, duration_minutes: int = DEFAULT_ONE_ON_ONE_MINUTES,
                            location: str = "", ends_on: date | None = None) -> OneOnOneSeries:
    """A manager (or HR, for the report's manager) starts a recurring 1:1; the other person gets the invite."""
    rights.require_can_start_one_on_one_with(by, report)
    manager = by if not by.is_hr or report.manager_id == by.pk else report.manager
    zone = _zone_of(manager)
    _check_pattern(cadence=cadence, first_date=first_date, local_time=local_time, duration_minutes=duration_minutes,
                   location=location, ends_on=ends_on, zone=zone)
    if OneOnOneSeries.objects.for_org(by.organization_id).filter(
            manager=manager, report=report, status=OneOnOneSeries.Status.ACTIVE).exists():
        raise ApplicationError(f"{manager.user.full_name} and {report.user.full_name} have a recurring 1:1 "
                               "already: edit that one.", field_errors={"report": ["A series is running already."]})
    series = OneOnOneSeries(organization_id=by.organization_id, manager=manager, report=report, cadence=cadence,
                            first_date=first_date, local_time=local_time, time_zone=zone,
                            duration_minutes=duration_minutes, location=location, ends_on=ends_on, created_by=by)
    full_clean_or_raise(series, exclude=["organization", "manager", "report", "created_by"])
    series.save()
    one_on_ones_top_up(series=series)
    notify_series_changed(series, by=by)
    return series


@transaction.atomic
def one_on_one_series_update(*, series: OneOnOneSeries, by: Membership, cadence: str, first_date: date | None,
                             local_time: time | None, duration_minutes: int, location: str = "",
                             ends_on: date | None = None) -> OneOnOneSeries:
    """Change the series from ``first_date`` on: every future meeting not yet held follows the new pattern
    (their talking points stay with them); meetings moved alone rejoin the pattern."""
    rights.require_series_manager(series, by)
    _lock(series)
    _require_active(series)
    _check_pattern(cadence=cadence, first_date=first_date, local_time=local_time, duration_minutes=duration_minutes,
                   location=location, ends_on=ends_on, zone=series.time_zone)
    now = timezone.now()
    future = OneOnOne.objects.for_org(series.organization_id).filter(series=series, scheduled_at__gt=now)
    future.filter(status=OneOnOne.Status.SKIPPED).delete()
    pending = list(future.filter(status=OneOnOne.Status.SCHEDULED).order_by("scheduled_at", "id"))
    series.cadence, series.first_date, series.local_time = cadence, first_date, local_time
    series.duration_minutes, series.location, series.ends_on = duration_minutes, location, ends_on
    series.pattern += 1
    full_clean_or_raise(series, exclude=["organization", "manager", "report", "created_by"])
    _changed(series, OneOnOneSeries.Change.EDITED, fields=["cadence", "first_date", "local_time",
                                                           "duration_minutes", "location", "ends_on", "pattern"])
    kept: list[OneOnOne] = []
    for slot, meeting in enumerate(pending):
        if ends_on is not None and series.slot_date(slot) > ends_on:
            break
        meeting.pattern, meeting.slot, meeting.moved = series.pattern, slot, False
        meeting.original_at = meeting.scheduled_at = series.slot_at(slot)
        meeting.duration_minutes = duration_minutes
        kept.append(meeting)
    OneOnOne.objects.bulk_update(kept, ["pattern", "slot", "moved", "original_at", "scheduled_at",
                                        "duration_minutes"])
    for meeting in pending[len(kept):]:  # past the new last day: their open points go to the last one kept
        if kept:
            _carry_points(meeting, to=kept[-1])
        meeting.delete()
    one_on_ones_top_up(series=series, now=now)
    notify_series_changed(series, by=by)
    return series


@transaction.atomic
def one_on_one_series_end(*, series: OneOnOneSeries, by: Membership) -> OneOnOneSeries:
    """End the series: the meetings still to come are skipped, calendars get METHOD:CANCEL."""
    rights.require_series_manager(series, by)
    _lock(series)
    _require_active(series)
    now = timezone.now()
    OneOnOne.objects.for_org(series.organization_id).filter(
        series=series, status=OneOnOne.Status.SCHEDULED, scheduled_at__gt=now).update(
        status=OneOnOne.Status.SKIPPED, updated_at=now)
    series.status, series.ended_at = OneOnOneSeries.Status.ENDED, now
    _changed(series, OneOnOneSeries.Change.ENDED, fields=["status", "ended_at"])
    notify_series_changed(series, by=by)
    return series


# --- One meeting -------------------------------------------------------------------------------


def _lock_meeting(meeting: OneOnOne) -> OneOnOne:
    locked = OneOnOne.objects.for_org(meeting.organization_id).select_for_update().get(pk=meeting.pk)
    meeting.status, meeting.scheduled_at = locked.status, locked.scheduled_at
    return meeting


@transaction.atomic
def one_on_one_move(*, meeting: OneOnOne, by: Membership, scheduled_at: datetime | None,
                    duration_minutes: int | None = None) -> OneOnOne:
    """Move one meeting on its own; the rest of the series stays. Calendars get a RECURRENCE-ID override."""
    series = meeting.series
    rights.require_series_manager(series, by)
    _lock(series)
    _require_active(series)
    _lock_meeting(meeting)
    _require_open(meeting, "moved")
    duration = meeting.duration_minutes if duration_minutes is None else duration_minutes
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ApplicationError("Choose the new date and time.", field_errors={"scheduled_at": ["Required."]})
    if not scheduled_at > timezone.now() - SCHEDULE_GRACE or scheduled_at >= LATEST_TIME:
        raise ApplicationError("A meeting moves to a time still to come.",
                               field_errors={"scheduled_at": ["Choose a date and time still to come."]})
    if not isinstance(duration, int) or not MIN_CHECKPOINT_MINUTES <= duration <= MAX_CHECKPOINT_MINUTES:
        raise ApplicationError("Check the length.", field_errors={
            "duration_minutes": [f"Between {MIN_CHECKPOINT_MINUTES} and {MAX_CHECKPOINT_MINUTES} minutes."]})
    meeting.scheduled_at, meeting.duration_minutes = scheduled_at, duration
    meeting.moved = scheduled_at != meeting.original_at or duration != series.duration_minutes
    meeting.save(update_fields=["scheduled_at", "duration_minutes", "moved", "updated_at"])
    _changed(series, OneOnOneSeries.Change.MOVED)
    notify_series_changed(series, by=by, meeting=meeting)
    return meeting


@transaction.atomic
def one_on_one_skip(*, meeting: OneOnOne, by: Membership) -> OneOnOne:
    """Skip one meeting: its open talking points go to the next one, calendars cancel that instance."""
    series = meeting.series
    rights.require_series_manager(series, by)
    _lock(series)
    _require_active(series)
    _lock_meeting(meeting)
    _require_open(meeting, "skipped")
    meeting.status = OneOnOne.Status.SKIPPED
    meeting.save(update_fields=["status", "updated_at"])
    one_on_ones_top_up(series=series)
    _carry_points(meeting)
    _changed(series, OneOnOneSeries.Change.SKIPPED)
    notify_series_changed(series, by=by, meeting=meeting)
    return meeting


@transaction.atomic
def one_on_one_record(*, meeting: OneOnOne, by: Membership, shared_notes: str = "",
                      discussed_ids: Iterable[int] = (), action_items: Iterable[tuple[str, Membership | None]] = ()
                      ) -> OneOnOne:
    """Record the meeting as held (any time after it started): shared notes, the points discussed, action
    items. Points not discussed carry over to the next meeting; the other person hears of it."""
    series = meeting.series
    rights.require_series_manager(series, by)
    _lock_meeting(meeting)
    _require_open(meeting, "recorded")
    if not meeting.has_started:
        raise ApplicationError(f"The meeting starts on {format_day(meeting.scheduled_at)}: record it once it has "
                               "started (or move it).")
    check_text_bounds(OneOnOne, shared_notes=shared_notes)
    items = [(" ".join((text or "").split()), owner) for text, owner in action_items]
    items = [(text, owner) for text, owner in items if text]
    if len(items) > limits.ACTION_ITEMS_MAX:
        raise ApplicationError(f"At most {limits.ACTION_ITEMS_MAX} action items at a time.")
    for text, owner in items:
        check_text_bounds(OneOnOneActionItem, text=text)
        if owner is not None and owner.pk not in (series.manager_id, series.report_id):
            raise ApplicationError("An action item belongs to one of the two people who met.",
                                   field_errors={"action_items": ["Choose the manager or the report."]})
    discussed = {int(pk) for pk in discussed_ids}
    points = TalkingPoint.objects.for_org(meeting.organization_id).filter(meeting=meeting)
    if discussed - set(points.values_list("pk", flat=True)):
        raise ApplicationError("Tick only this meeting's talking points.")
    points.filter(pk__in=discussed).update(discussed=True, updated_at=timezone.now())
    # Copies made when the meeting passed unrecorded go away for the points now discussed.
    TalkingPoint.objects.for_org(meeting.organization_id).filter(
        carried_from__in=discussed, meeting__status=OneOnOne.Status.SCHEDULED).delete()
    meeting.status, meeting.shared_notes = OneOnOne.Status.HELD, shared_notes
    meeting.held_at, meeting.held_by = timezone.now(), by
    meeting.save(update_fields=["status", "shared_notes", "held_at", "held_by", "updated_at"])
    OneOnOneActionItem.objects.bulk_create([
        OneOnOneActionItem(organization_id=meeting.organization_id, meeting=meeting, text=text, owner=owner)
        for text, owner in items])
    one_on_ones_top_up(series=series)
    carried = _carry_points(meeting)
    body = [f"{carried} open talking point{'s' if carried != 1 else ''} carried over to the next 1:1."] if carried \
        else []
    for text, owner in items:
        if owner is not None and owner.pk != by.pk:
            body.append(f"Action item for you: {text[:200]}")
    notify_series_news(series, by=by, title=f"{by.user.full_name} recorded your 1:1 of "
                                             f"{format_day(meeting.scheduled_at)}", body=" ".join(body))
    return meeting


@transaction.atomic
def talking_point_add(*, meeting: OneOnOne, by: Membership, text: str) -> TalkingPoint:
    """Either person puts a point on a meeting still to hold; the other hears of it."""
    series = meeting.series
    rights.require_series_participant(series, by)
    _require_open(meeting, "prepared")
    text = " ".join((text or "").split())
    if not text:
        raise ApplicationError("Write the talking point.", field_errors={"text": ["Required."]})
    check_text_bounds(TalkingPoint, text=text)
    if TalkingPoint.objects.for_org(meeting.organization_id).filter(meeting=meeting).count() >= limits.AGENDA_ITEMS_MAX:
        raise ApplicationError(f"A meeting takes at most {limits.AGENDA_ITEMS_MAX} talking points.")
    point = TalkingPoint.objects.create(organization_id=meeting.organization_id, meeting=meeting, text=text,
                                        added_by=by)
    notify_series_news(series, by=by, title=f"{by.user.full_name} added a talking point to your 1:1 of "
                                             f"{format_day(meeting.scheduled_at)}", body=text[:500])
    return point


@transaction.atomic
def talking_point_set_discussed(*, point: TalkingPoint, by: Membership, discussed: bool) -> TalkingPoint:
    rights.require_series_participant(point.meeting.series, by)
    _require_open(point.meeting, "changed")
    point.discussed = bool(discussed)
    point.save(update_fields=["discussed", "updated_at"])
    return point


@transaction.atomic
def one_on_one_private_note_save(*, meeting: OneOnOne, by: Membership, body: str) -> OneOnOnePrivateNote:
    """A participant's own note on a meeting: nobody else reads it."""
    rights.require_series_participant(meeting.series, by)
    check_text_bounds(OneOnOnePrivateNote, body=body)
    note, _ = OneOnOnePrivateNote.objects.for_org(meeting.organization_id).update_or_create(
        organization_id=meeting.organization_id, meeting=meeting, author=by, defaults={"body": body})
    return note


# --- The beat entry ---------------------------------------------------------------------------------


def one_on_ones_sweep(*, now: datetime | None = None) -> int:
    """Across organizations, one series or meeting at a time: pass on the open points of meetings that
    passed unrecorded, and top up every active series. Returns how many meetings were touched."""
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="1:1 sweep: carry-over and top-up"):
        passed = list(OneOnOne.objects.filter(status=OneOnOne.Status.SCHEDULED, carried_over=False,
                                              scheduled_at__lt=now - PASSED_AFTER).values_list("organization_id", "pk"))
        # Only the series short of meetings ahead (and not past their last day).
        series = list(
            OneOnOneSeries.objects.filter(status=OneOnOneSeries.Status.ACTIVE)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=now.date()))
            .annotate(ahead=Count("meetings", filter=Q(meetings__status=OneOnOne.Status.SCHEDULED,
                                                       meetings__scheduled_at__gt=now,
                                                       meetings__pattern=F("pattern"))))
            .filter(ahead__lt=ONE_ON_ONE_HORIZON).values_list("organization_id", "pk"))
    touched = 0
    for organization_id, series_id in series:
        with tenancy.tenant_context(organization_id), transaction.atomic():
            found = OneOnOneSeries.objects.for_org(organization_id).select_for_update().filter(pk=series_id).first()
            if found is not None:
                touched += len(one_on_ones_top_up(series=found, now=now))
    for organization_id, meeting_id in passed:
        with tenancy.tenant_context(organization_id), transaction.atomic():
            meeting = (OneOnOne.objects.for_org(organization_id).select_for_update()
                       .filter(pk=meeting_id, status=OneOnOne.Status.SCHEDULED, carried_over=False).first())
            if meeting is None or meeting.ends_at + PASSED_AFTER > now:
                continue
            _carry_points(meeting)
            meeting.carried_over = True
            meeting.save(update_fields=["carried_over", "updated_at"])
            touched += 1
    return touched
