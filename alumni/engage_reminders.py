"""What the alumni network's engagement sends, through the exactly-once reminder ledger: the newsletter
digest, reminders to those going to an event, a seat freed for someone on the waiting list, a cancelled
event. Every builder checks again, at delivery, that the message is still true and the level still
offers it (an organization that went down to ``ignore`` sends its alumni nothing)."""

from __future__ import annotations

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from alliance.models import Membership, Reminder
from alliance.registry import register_reminder_kind
from alliance.reminders import ReminderMessage
from alumni.engage_rights import EVENTS_LEVEL, NEWS_LEVEL
from alumni.engage_selectors import news_consenting_alumni, news_since
from alumni.engage_services import (
    EVENT_CANCELLED,
    EVENT_PROMOTED,
    EVENT_REMINDER,
    NEWSLETTER,
    unsubscribe_token,
)
from alumni.models import AlumniEvent, EventRsvp, NewsletterIssue
from alumni.selectors import network_settings

PRODID = "-//Alliance//Alumni events//EN"
UID_DOMAIN = "alliance.alumni-events"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _when(event: AlumniEvent) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return f"{formats.date_format(start, 'DATETIME_FORMAT')} – {formats.time_format(end, 'TIME_FORMAT')} " \
           f"{start.tzname()}"


def event_invite(event: AlumniEvent, member: Membership) -> bytes:
    """The ``.ics``: a stable UID with a rising SEQUENCE; METHOD:CANCEL once the event is cancelled."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.is_cancelled else "REQUEST")
    entry = icalendar.Event()
    entry.add("uid", f"{event.uid}@{UID_DOMAIN}")
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", event.updated_at or timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    if event.place:
        entry.add("location", event.place)
    if event.link:
        entry.add("url", event.link)
    page = _site(reverse("alumni:alumni_event", args=[event.organization.slug, event.pk]))
    entry.add("description", "\n\n".join(part for part in (event.description, event.link, page) if part))
    attendee = icalendar.vCalAddress(f"mailto:{member.user.email}")
    attendee.params["CN"] = member.user.full_name
    entry.add("attendee", attendee)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()


def _message(*, subject: str, lines: list[str], url: str, attachments=None) -> ReminderMessage:
    return ReminderMessage(subject=" ".join(subject.split())[:200], text="\n\n".join([*lines, url]), url=url,
                           summary=" ".join(lines)[:500], attachments=attachments or [])


def build_newsletter(reminder: Reminder) -> ReminderMessage | None:
    issue = (NewsletterIssue.objects.for_org(reminder.organization_id).select_related("organization")
             .filter(pk=reminder.subject_id).first())
    if issue is None or not network_settings(issue.organization).reaches(NEWS_LEVEL):
        return None
    if not news_consenting_alumni(reminder.organization_id).filter(pk=reminder.recipient_id).exists():
        return None  # withdrew their consent since the digest was made
    posts = news_since(reminder.organization_id, since=issue.since, until=issue.until)
    if not posts:
        return None
    slug = issue.organization.slug
    unsubscribe = _site(reverse("alumni_unsubscribe", args=[unsubscribe_token(reminder.recipient)]))
    lines = [f"News from {issue.organization.name} since the last newsletter:"]
    lines += [f"• {post.title} ({formats.date_format(timezone.localtime(post.published_at), 'DATE_FORMAT')})\n  "
              + _site(reverse("alumni:alumni_news_post", args=[slug, post.pk])) for post in posts]
    lines.append(f"You receive this because you agreed to news from {issue.organization.name}. "
                 f"To stop receiving it (no sign-in needed): {unsubscribe}")
    return _message(subject=f"{issue.organization.name} alumni news ({len(posts)} new)", lines=lines,
                    url=_site(reverse("alumni:alumni_news", args=[slug])))


def _event_for(reminder: Reminder) -> AlumniEvent | None:
    event = (AlumniEvent.objects.for_org(reminder.organization_id).select_related("organization")
             .filter(pk=reminder.subject_id).first())
    if event is None or not network_settings(event.organization).reaches(EVENTS_LEVEL):
        return None
    return event


def _going(event: AlumniEvent, member_id: int) -> bool:
    return EventRsvp.objects.for_org(event.organization_id).filter(
        event=event, member_id=member_id, state=EventRsvp.State.GOING).exists()


def _event_message(event: AlumniEvent, reminder: Reminder, *, subject: str, lines: list[str]) -> ReminderMessage:
    url = _site(reverse("alumni:alumni_event", args=[event.organization.slug, event.pk]))
    place = event.place or event.link
    return _message(subject=subject, lines=[*lines, f"{_when(event)} · {place}"], url=url,
                    attachments=[("event.ics", event_invite(event, reminder.recipient),
                                  "text/calendar; method=" + ("CANCEL" if event.is_cancelled else "REQUEST"))])


def build_event_reminder(reminder: Reminder) -> ReminderMessage | None:
    event = _event_for(reminder)
    if event is None or event.is_cancelled or event.starts_at <= timezone.now() \
            or not _going(event, reminder.recipient_id):
        return None
    return _event_message(event, reminder, subject=f"Soon: {event.title}",
                          lines=[f"A reminder: you are going to “{event.title}”."])


def build_event_promoted(reminder: Reminder) -> ReminderMessage | None:
    event = _event_for(reminder)
    if event is None or event.is_cancelled or not _going(event, reminder.recipient_id):
        return None
    return _event_message(event, reminder, subject=f"A seat for you: {event.title}",
                          lines=[f"A seat became free at “{event.title}”: you were first on the waiting list, "
                                 "so you are going now. If you cannot come, cancel on the event's page."])


def build_event_cancelled(reminder: Reminder) -> ReminderMessage | None:
    event = _event_for(reminder)
    if event is None or not event.is_cancelled:
        return None
    return _event_message(event, reminder, subject=f"Cancelled: {event.title}",
                          lines=[f"“{event.title}” is cancelled. We are sorry."])


def register() -> None:
    register_reminder_kind(NEWSLETTER, "Alumni newsletter", build_newsletter, order=48, reaches_alumni=True,
                           default_channel="email")
    register_reminder_kind(EVENT_REMINDER, "Alumni events you are going to", build_event_reminder, order=49,
                           reaches_alumni=True)
    register_reminder_kind(EVENT_PROMOTED, "A seat for you at an alumni event", build_event_promoted, order=50,
                           reaches_alumni=True)
    register_reminder_kind(EVENT_CANCELLED, "Cancelled alumni events", build_event_cancelled, order=51,
                           reaches_alumni=True)
