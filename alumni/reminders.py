"""What the alumni app reminds people of, and its workflow notifications.

Checklist tasks: the assignee is reminded ``TASK_DUE_SOON_DAYS`` before the due day and
once the day has passed (windows ``before`` and ``overdue``), through the exactly-once
reminder ledger. The sweep is one set-based query across organizations, anti-joined with
the ledger, over the partial index of open tasks by due day. Also: the newsletter, event
reminders and invitations, and the notifications of referrals, leads and boomerangs."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone

from alliance import tenancy
from alliance.models import Membership, Reminder
from alliance.registry import register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from alumni.models import (
    AlumniEvent,
    Boomerang,
    CustomerLead,
    EventRsvp,
    ExitInterview,
    ExitProcess,
    ExitTask,
    InvestmentLevel,
    NewsletterIssue,
    Referral,
)
from alumni.rights import EVENTS_LEVEL, NEWS_LEVEL
from alumni.selectors import network_settings, news_consenting_alumni, news_since
from alumni.services import (
    BOOMERANG_REHIRED,
    BOOMERANG_REQUESTED,
    EVENT_CANCELLED,
    EVENT_PROMOTED,
    EVENT_REMINDER,
    EXIT_INTERVIEW_INVITE,
    EXIT_STARTED,
    LEAD_STATUS,
    NEWSLETTER,
    REFERRAL_STATUS,
    unsubscribe_token,
)

EXIT_TASK_DUE = "exit_task_due"
EXIT_TASK_OVERDUE = "exit_task_overdue"
TASK_DUE_SOON_DAYS = 2
# Overdue tasks older than this are past reminding (the exit is long over).
TASK_LOOKBACK_DAYS = 60

PRODID = "-//Alliance//Exit interviews//EN"
UID_DOMAIN = "alliance.exit-interviews"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def due_task_reminders(now: datetime) -> list[DueReminder]:
    today = now.date()
    due: list[DueReminder] = []
    with tenancy.cross_tenant(reason="exit task reminders: open checklist tasks near or past their due day"):
        for kind, window, low, high in (
            (EXIT_TASK_DUE, "before", today, today + timedelta(days=TASK_DUE_SOON_DAYS)),
            (EXIT_TASK_OVERDUE, "overdue", today - timedelta(days=TASK_LOOKBACK_DAYS), today - timedelta(days=1)),
        ):
            claimed = Reminder.objects.filter(organization_id=OuterRef("organization_id"), kind=kind,
                                              subject_id=OuterRef("pk"), recipient_id=OuterRef("assignee_id"),
                                              window=window)
            rows = (ExitTask.objects.filter(done_at__isnull=True, due_on__gte=low, due_on__lte=high,
                                            process__state=ExitProcess.State.IN_PROGRESS,
                                            assignee__status=Membership.Status.ACTIVE)
                    .exclude(Exists(claimed))
                    .values_list("organization_id", "pk", "assignee_id"))
            due += [DueReminder(organization_id=org_id, kind=kind, subject_id=pk, recipient_id=assignee_id,
                                window=window, due_at=now) for org_id, pk, assignee_id in rows]
    return due


def sweep_task_reminders(*, now: datetime | None = None) -> int:
    return len(reminders_claim(due_task_reminders(now or timezone.now())))


def _message(*, subject: str, lines: list[str], url: str, attachments=None) -> ReminderMessage:
    text = "\n\n".join([*lines, url])
    return ReminderMessage(subject=" ".join(subject.split())[:200], text=text, url=url,
                           summary=" ".join(lines)[:500], attachments=attachments or [])


def build_task_reminder(reminder: Reminder) -> ReminderMessage | None:
    task = (ExitTask.objects.for_org(reminder.organization_id)
            .select_related("process__member__user", "organization").filter(pk=reminder.subject_id).first())
    if task is None or task.is_done or not task.process.is_open or task.assignee_id != reminder.recipient_id:
        return None
    leaver = task.process.member.user.full_name
    url = _site(reverse("alumni:todo", args=[task.organization.slug]))
    day = formats.date_format(task.due_on, "DATE_FORMAT")
    if reminder.kind == EXIT_TASK_OVERDUE:
        return _message(subject=f"Overdue: {task.title} ({leaver}'s exit)",
                        lines=[f"“{task.title}” for {leaver}'s exit was due on {day}."], url=url)
    return _message(subject=f"Due {day}: {task.title} ({leaver}'s exit)",
                    lines=[f"“{task.title}” for {leaver}'s exit is due on {day}."], url=url)


def build_exit_started(reminder: Reminder) -> ReminderMessage | None:
    process = (ExitProcess.objects.for_org(reminder.organization_id).select_related("organization")
               .filter(pk=reminder.subject_id).first())
    if process is None or not process.is_open:
        return None
    url = _site(reverse("alumni:my_exit", args=[process.organization.slug]))
    day = formats.date_format(process.last_working_day, "DATE_FORMAT")
    return _message(subject=f"Your last working day at {process.organization.name}: {day}",
                    lines=[f"Your exit is being prepared; your last working day is {day}.",
                           "Your page shows your tasks, the exit interview, and how to join the alumni network."],
                    url=url)


def interview_invite(interview: ExitInterview) -> bytes:
    """The ``.ics``: METHOD:REQUEST with a stable UID and rising SEQUENCE, METHOD:CANCEL once cancelled."""
    cancelled = interview.status == ExitInterview.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{interview.uid}@{UID_DOMAIN}")
    event.add("sequence", interview.sequence)
    event.add("dtstamp", interview.updated_at)
    event.add("dtstart", interview.scheduled_at)
    event.add("dtend", interview.ends_at)
    leaver = interview.process.member
    event.add("summary", f"Exit interview — {leaver.user.full_name}")
    if interview.location:
        event.add("location", interview.location)
    url = _site(reverse("alumni:my_exit", args=[interview.organization.slug]))
    event.add("description", f"Prepare your answers in advance: {url}")
    organizer = icalendar.vCalAddress(f"mailto:{interview.interviewer.user.email}")
    organizer.params["CN"] = interview.interviewer.user.full_name
    event.add("organizer", organizer)
    for person in (leaver, interview.interviewer):
        attendee = icalendar.vCalAddress(f"mailto:{person.user.email}")
        attendee.params["CN"] = person.user.full_name
        event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def build_interview_invite(reminder: Reminder) -> ReminderMessage | None:
    interview = (ExitInterview.objects.for_org(reminder.organization_id)
                 .select_related("process__member__user", "interviewer__user", "organization")
                 .filter(pk=reminder.subject_id).first())
    if interview is None or interview.scheduled_at is None or f"seq{interview.sequence}" != reminder.window:
        return None  # moved again since: the newer invite says it
    local = timezone.localtime(interview.scheduled_at)
    when = f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
    url = _site(reverse("alumni:my_exit", args=[interview.organization.slug]))
    if reminder.recipient_id != interview.process.member_id:
        url = _site(reverse("alumni:exit_detail", args=[interview.organization.slug, interview.process_id]))
    return _message(subject=f"Exit interview — {interview.process.member.user.full_name}, {when}",
                    lines=[f"The exit interview is on {when}" + (f" ({interview.location})." if interview.location
                                                                   else ".")],
                    url=url, attachments=[("exit-interview.ics", interview_invite(interview),
                                           "text/calendar; method=REQUEST")])


def _alumnus_muted(reminder: Reminder, organization) -> bool:
    """At ``ignore`` the organization sends its alumni no messages at all."""
    return (reminder.recipient.status == Membership.Status.ALUMNUS
            and not network_settings(organization).reaches(InvestmentLevel.SUPPORT))


def _money(amount, currency: str) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


def _contribution_message(obj, reminder: Reminder, *, what: str, success: str, url_name: str,
                          ) -> ReminderMessage | None:
    """A referral's or lead's step, told to whoever brought it: the status of that step (the ledger's
    window), its note while it is still the latest step, and the bonus it started."""
    if obj is None or reminder.window not in type(obj).Status.values:
        return None
    if _alumnus_muted(reminder, obj.organization):
        return None
    status = type(obj).Status(reminder.window).label.lower()
    lines = [f"{what} is now: {status}."]
    if obj.status == reminder.window and obj.status_note:
        lines.append(obj.status_note)
    if reminder.window == success and obj.bonus_amount and obj.bonus_state != "not_applicable":
        lines.append(f"Thank you: a bonus of {_money(obj.bonus_amount, obj.bonus_currency)} is on its way.")
    url = _site(reverse(url_name, args=[obj.organization.slug]))
    return _message(subject=f"{what}: {status}", lines=lines, url=url)


def build_referral_status(reminder: Reminder) -> ReminderMessage | None:
    referral = (Referral.objects.for_org(reminder.organization_id).select_related("organization")
                .filter(pk=reminder.subject_id, referrer_id=reminder.recipient_id).first())
    what = f"Your referral of {referral.candidate_name} for {referral.role}" if referral else ""
    return _contribution_message(referral, reminder, what=what, success=Referral.Status.HIRED,
                                 url_name="alumni:alumni_referrals")


def build_lead_status(reminder: Reminder) -> ReminderMessage | None:
    lead = (CustomerLead.objects.for_org(reminder.organization_id).select_related("organization")
            .filter(pk=reminder.subject_id, submitter_id=reminder.recipient_id).first())
    what = f"The lead you brought ({lead.company})" if lead else ""
    return _contribution_message(lead, reminder, what=what, success=CustomerLead.Status.WON,
                                 url_name="alumni:alumni_leads")


def build_boomerang_requested(reminder: Reminder) -> ReminderMessage | None:
    boomerang = (Boomerang.objects.for_org(reminder.organization_id).select_related("member__user", "organization")
                 .filter(pk=reminder.subject_id).first())
    if boomerang is None or boomerang.state != Boomerang.State.REQUESTED:
        return None
    name = boomerang.member.user.full_name
    url = _site(reverse("alumni:boomerangs", args=[boomerang.organization.slug]))
    return _message(subject=f"{name} would like to come back", lines=[f"{name} asked to come back:",
                                                                      boomerang.message], url=url)


def build_boomerang_rehired(reminder: Reminder) -> ReminderMessage | None:
    boomerang = (Boomerang.objects.for_org(reminder.organization_id).select_related("organization")
                 .filter(pk=reminder.subject_id).first())
    if boomerang is None or boomerang.state != Boomerang.State.REHIRED or boomerang.start_date is None:
        return None
    day = formats.date_format(boomerang.start_date, "DATE_FORMAT")
    url = _site(reverse("home"))
    return _message(subject=f"Welcome back to {boomerang.organization.name}",
                    lines=[f"Welcome back: your new stay starts on {day}. Your manager is drafting your next tour "
                           "of duty with you."], url=url)


EVENT_PRODID = "-//Alliance//Alumni events//EN"
EVENT_UID_DOMAIN = "alliance.alumni-events"


def _when(event: AlumniEvent) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return f"{formats.date_format(start, 'DATETIME_FORMAT')} – {formats.time_format(end, 'TIME_FORMAT')} " \
           f"{start.tzname()}"


def _invite_status(event: AlumniEvent, member: Membership) -> str:
    """CANCELLED once the event is; TENTATIVE while the person waits for a seat; CONFIRMED otherwise."""
    if event.is_cancelled:
        return "CANCELLED"
    waiting = EventRsvp.objects.for_org(event.organization_id).filter(
        event=event, member_id=member.pk, state=EventRsvp.State.WAITING).exists()
    return "TENTATIVE" if waiting else "CONFIRMED"


def event_invite(event: AlumniEvent, member: Membership) -> bytes:
    """The ``.ics``: a stable UID with a rising SEQUENCE; METHOD:CANCEL once the event is cancelled, and
    STATUS:TENTATIVE while the person is on the waiting list (a calendar must not promise a seat)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", EVENT_PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.is_cancelled else "REQUEST")
    entry = icalendar.Event()
    entry.add("uid", f"{event.uid}@{EVENT_UID_DOMAIN}")
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
    entry.add("status", _invite_status(event, member))
    calendar.add_component(entry)
    return calendar.to_ical()


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
    register_reminder_kind(EXIT_TASK_DUE, "Exit checklist tasks coming due", build_task_reminder, order=40)
    register_reminder_kind(EXIT_TASK_OVERDUE, "Overdue exit checklist tasks", build_task_reminder, order=41)
    register_reminder_kind(EXIT_STARTED, "Your exit process", build_exit_started, order=42, required=True)
    register_reminder_kind(EXIT_INTERVIEW_INVITE, "Exit interview invitations", build_interview_invite, order=43)

    register_reminder_kind(REFERRAL_STATUS, "Referrals you made", build_referral_status, order=44,
                           reaches_alumni=True)
    register_reminder_kind(LEAD_STATUS, "Customer leads you brought", build_lead_status, order=45,
                           reaches_alumni=True)
    register_reminder_kind(BOOMERANG_REQUESTED, "Alumni asking to come back", build_boomerang_requested, order=46)
    register_reminder_kind(BOOMERANG_REHIRED, "Your return", build_boomerang_rehired, order=47)
    register_reminder_kind(NEWSLETTER, "Alumni newsletter", build_newsletter, order=48, reaches_alumni=True,
                           default_channel="email")
    register_reminder_kind(EVENT_REMINDER, "Alumni events you are going to", build_event_reminder, order=49,
                           reaches_alumni=True)
    register_reminder_kind(EVENT_PROMOTED, "A seat for you at an alumni event", build_event_promoted, order=50,
                           reaches_alumni=True)
    register_reminder_kind(EVENT_CANCELLED, "Cancelled alumni events", build_event_cancelled, order=51,
                           reaches_alumni=True)
