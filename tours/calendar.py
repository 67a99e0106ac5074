"""iCalendar for checkpoints: one invite per checkpoint, one feed per person.

A checkpoint keeps its calendar identity for life: the UID never changes, and
``Checkpoint.sequence`` rises on every reschedule, confirmation or cancellation,
so calendar clients update the event they already have instead of adding another.
Private notes never go into a calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings
from django.urls import reverse

from alliance.people import work_email
from tours.models import Checkpoint

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


def member_feed(*, name: str, checkpoints: Iterable[Checkpoint]) -> bytes:
    """A subscribable feed (METHOD:PUBLISH); cancelled checkpoints stay in it as CANCELLED."""
    calendar = _calendar("PUBLISH", name=name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for checkpoint in checkpoints:
        calendar.add_component(_event(checkpoint, cancelled=False))
    return calendar.to_ical()
