"""iCalendar for checkpoints: one invite per checkpoint, one feed per person.

A checkpoint keeps its calendar identity for life: the UID never changes, and
``Checkpoint.sequence`` rises on every reschedule, confirmation or cancellation,
so calendar clients update the event they already have instead of adding another.
Private notes never go into a calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

import icalendar
from django.conf import settings
from django.urls import reverse

from alliance.people import work_email
from tours.models import Checkpoint, OneOnOne, OneOnOneSeries

PRODID = "-//Alliance//Tours of duty//EN"
# RFC 5545 text values may not carry control characters (line breaks are escaped by icalendar).
CONTROL_CHARACTERS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])


def ical_text(value: str) -> str:
    return (value or "").translate(CONTROL_CHARACTERS)
UID_DOMAIN = "alliance.checkpoints"


def checkpoint_uid(checkpoint: Checkpoint) -> str:
    return f"{checkpoint.uid}@{UID_DOMAIN}"


def checkpoint_url(checkpoint: Checkpoint) -> str:
    path = reverse("tours:checkpoint_detail", args=[checkpoint.tour.organization.slug, checkpoint.pk])
    return settings.SITE_URL.rstrip("/") + path


def _address(membership, *, role: str | None = None) -> icalendar.vCalAddress | None:
    """A participant by their work address; None once they left (a feed keeps past checkpoints, and
    a leaver's account e-mail is their personal address: alliance.people)."""
    email = work_email(membership)
    if email is None:
        return None
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = ical_text(membership.user.full_name or email)
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
    return address


def _event(checkpoint: Checkpoint, *, cancelled: bool) -> icalendar.Event:
    tour = checkpoint.tour
    employee, manager = tour.employee, tour.manager
    event = icalendar.Event()
    event.add("uid", checkpoint_uid(checkpoint))
    event.add("sequence", checkpoint.sequence)
    event.add("dtstamp", checkpoint.updated_at)
    event.add("last-modified", checkpoint.updated_at)
    event.add("dtstart", checkpoint.scheduled_at)
    event.add("dtend", checkpoint.ends_at)
    event.add("summary", ical_text(f"Checkpoint: {tour.title} — {employee.user.full_name} & {manager.user.full_name}"))
    if checkpoint.location:
        event.add("location", ical_text(checkpoint.location))
    url = checkpoint_url(checkpoint)
    event.add("url", url)
    lines = [f"Tour of duty: {tour.title} ({tour.get_kind_display()})"]
    agenda = [item.text for item in checkpoint.agenda_items.all() if not item.discussed]
    if agenda:
        lines += ["", "Agenda so far:", *[f"- {text}" for text in agenda]]
    lines += ["", f"Prepare and take notes: {url}"]
    event.add("description", ical_text("\n".join(lines)))
    for name, address in (("organizer", _address(manager)), ("attendee", _address(employee, role="REQ-PARTICIPANT")),
                          ("attendee", _address(manager, role="CHAIR"))):
        if address is not None:
            event.add(name, address)
    if cancelled or checkpoint.status == Checkpoint.Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif checkpoint.confirmed or checkpoint.status != Checkpoint.Status.SCHEDULED:
        event.add("status", "CONFIRMED")
    else:
        event.add("status", "TENTATIVE")
    return event


def _calendar(method: str | None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def checkpoint_invite(checkpoint: Checkpoint) -> bytes:
    """The ``.ics`` invite: METHOD:REQUEST, or METHOD:CANCEL once the checkpoint is cancelled."""
    cancelled = checkpoint.status == Checkpoint.Status.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(checkpoint, cancelled=cancelled))
    return calendar.to_ical()


def member_feed(*, name: str, checkpoints: Iterable[Checkpoint], meetings: Iterable[OneOnOne] = ()) -> bytes:
    """A subscribable feed (METHOD:PUBLISH); cancelled checkpoints stay in it as CANCELLED."""
    calendar = _calendar("PUBLISH", name=name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for checkpoint in checkpoints:
        calendar.add_component(_event(checkpoint, cancelled=False))
    for meeting in meetings:
        calendar.add_component(meeting_feed_event(meeting))
    return calendar.to_ical()


# --- Recurring 1:1s: one VEVENT with an RRULE for the series, overrides for moved meetings --------------

SERIES_UID_DOMAIN = "alliance.one-on-ones"
RRULES = {
    OneOnOneSeries.Cadence.WEEKLY: {"freq": "weekly"},
    OneOnOneSeries.Cadence.FORTNIGHTLY: {"freq": "weekly", "interval": 2},
    OneOnOneSeries.Cadence.MONTHLY: {"freq": "monthly"},
}


def series_uid(series: OneOnOneSeries) -> str:
    return f"{series.uid}@{SERIES_UID_DOMAIN}"


def series_url(series: OneOnOneSeries) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("tours:one_on_one_detail",
                                                   args=[series.organization.slug, series.pk])


def _series_event(series: OneOnOneSeries, *, start, duration_minutes: int, cancelled: bool) -> icalendar.Event:
    manager, report = series.manager, series.report
    event = icalendar.Event()
    event.add("uid", series_uid(series))
    event.add("sequence", series.sequence)
    event.add("dtstamp", series.updated_at)
    event.add("last-modified", series.updated_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=duration_minutes))
    event.add("summary", ical_text(f"1:1 — {report.user.full_name} & {manager.user.full_name}"))
    if series.location:
        event.add("location", ical_text(series.location))
    url = series_url(series)
    event.add("url", url)
    event.add("description", ical_text(f"Talking points, notes and action items: {url}"))
    for name, address in (("organizer", _address(manager)), ("attendee", _address(report, role="REQ-PARTICIPANT")),
                          ("attendee", _address(manager, role="CHAIR"))):
        if address is not None:
            event.add(name, address)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _series_master(series: OneOnOneSeries, meetings: Iterable[OneOnOne], *, cancelled: bool) -> icalendar.Event:
    zone = series.zone
    event = _series_event(series, start=series.slot_at(0), duration_minutes=series.duration_minutes,
                          cancelled=cancelled)
    rule = dict(RRULES[series.cadence])
    if series.ends_on is not None:
        rule["until"] = datetime.combine(series.ends_on, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
    event.add("rrule", rule)
    skipped = [meeting.original_at.astimezone(zone) for meeting in meetings
               if meeting.pattern == series.pattern and meeting.status == OneOnOne.Status.SKIPPED]
    if skipped:
        event.add("exdate", skipped)
    return event


def _meeting_override(series: OneOnOneSeries, meeting: OneOnOne, *, cancelled: bool = False) -> icalendar.Event:
    event = _series_event(series, start=meeting.scheduled_at.astimezone(series.zone),
                          duration_minutes=meeting.duration_minutes, cancelled=cancelled)
    event.add("recurrence-id", meeting.original_at.astimezone(series.zone))
    return event


def series_invite(series: OneOnOneSeries, meetings: Iterable[OneOnOne]) -> bytes:
    """The whole series as an iTIP REQUEST: the RRULE, skipped meetings as EXDATE, moved ones as
    RECURRENCE-ID overrides; METHOD:CANCEL of the whole series once it ended."""
    meetings = list(meetings)
    ended = series.status == OneOnOneSeries.Status.ENDED
    calendar = _calendar("CANCEL" if ended else "REQUEST")
    calendar.add_component(_series_master(series, meetings, cancelled=ended))
    if not ended:
        for meeting in meetings:
            if meeting.pattern == series.pattern and meeting.moved and meeting.status == OneOnOne.Status.SCHEDULED:
                calendar.add_component(_meeting_override(series, meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_cancel(series: OneOnOneSeries, meeting: OneOnOne) -> bytes:
    """One skipped meeting: METHOD:CANCEL of that instance (its RECURRENCE-ID), the series stays."""
    calendar = _calendar("CANCEL")
    calendar.add_component(_meeting_override(series, meeting, cancelled=True))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_feed_event(meeting: OneOnOne) -> icalendar.Event:
    """A meeting in a person's feed (METHOD:PUBLISH): one event per meeting, its own UID."""
    series = meeting.series
    event = _series_event(series, start=meeting.scheduled_at, duration_minutes=meeting.duration_minutes,
                          cancelled=meeting.status == OneOnOne.Status.SKIPPED)
    event["uid"] = f"{series.uid}-{meeting.pattern}-{meeting.slot}@{SERIES_UID_DOMAIN}"
    return event
