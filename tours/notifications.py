"""Workflow notifications: the other party hears of what changed, by their chosen channels.

Each event is one row of the reminder ledger (``alliance.reminders.notify``), so it is
sent once, retried when the mail transport fails, and written at delivery in the
recipient's time zone. A checkpoint scheduled, moved or cancelled carries its ``.ics``
as a calendar invitation (METHOD:REQUEST or METHOD:CANCEL, the same UID and a higher
SEQUENCE), so calendars update the event in place.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from alliance.handoffs import tell, tell_each
from alliance.models import Membership, Reminder
from alliance.registry import register_notification_kind, register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, notify, reminders_claim
from alliance.templatetags.alliance_tags import day as format_day
from tours.models import Checkpoint, FirstConversation, OneOnOne, OneOnOneSeries, Tour, TourAmendment

TOUR_PROPOSED = "tour_proposed"
TOUR_ANSWERED = "tour_answered"
AMENDMENT_PROPOSED = "amendment_proposed"
AMENDMENT_ANSWERED = "amendment_answered"
CHECKPOINT_CHANGED = "checkpoint_changed"
FIRST_CONVERSATION_OUTCOME = "first_conversation_outcome"
CHECKPOINT_OUTCOME = "checkpoint_outcome"
NEXT_TOUR_PLAN = "next_tour_plan"
TOUR_IMPORTED = "tour_imported"
ONE_ON_ONE_INVITE = "one_on_one_invite"
ONE_ON_ONE_NEWS = "one_on_one_news"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _tour_url(tour: Tour) -> str:
    return _site(reverse("tours:detail", args=[tour.organization.slug, tour.pk]))


def _message(*, recipient: Membership, subject: str, headline: str, lines: list[str], action: str, url: str,
             attachments=None) -> ReminderMessage:
    context = {"recipient": recipient, "headline": headline, "lines": lines, "action": action, "url": url}
    return ReminderMessage(
        subject=" ".join(subject.split())[:200],
        text=render_to_string("tours/email/workflow.txt", context),
        html=render_to_string("tours/email/workflow.html", context),
        summary=" ".join([headline, *lines])[:500],
        url=url,
        attachments=attachments or [],
    )


def _stamp(moment) -> int:
    """An event's identity in the ledger window: its time in microseconds."""
    return int(moment.timestamp() * 1_000_000)


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def _tour(reminder: Reminder) -> Tour | None:
    return (Tour.objects.for_org(reminder.organization_id)
            .select_related("employee__user", "manager__user", "organization").filter(pk=reminder.subject_id).first())


# --- Sending (called by the services, inside their transaction) ---------------------------


def _others(tour: Tour, by: Membership | None, *candidates: Membership) -> list[Membership]:
    seen, found = set(), []
    for member in candidates:
        if member is not None and member.pk != getattr(by, "pk", None) and member.pk not in seen:
            seen.add(member.pk)
            found.append(member)
    return found


def notify_tour_proposed(tour: Tour) -> None:
    notify(kind=TOUR_PROPOSED, subject_id=tour.pk, recipient=tour.employee, window=f"p{_stamp(tour.proposed_at)}")


def notify_tour_answered(tour: Tour, *, by: Membership) -> None:
    stamp = _stamp(timezone.now())
    for member in _others(tour, by, tour.manager, tour.created_by):
        notify(kind=TOUR_ANSWERED, subject_id=tour.pk, recipient=member, window=f"{tour.status}{stamp}")


def notify_amendment_proposed(amendment: TourAmendment) -> None:
    notify(kind=AMENDMENT_PROPOSED, subject_id=amendment.pk, recipient=amendment.tour.employee,
           window=f"a{amendment.pk}")


def notify_amendment_answered(amendment: TourAmendment) -> None:
    tour = amendment.tour
    for member in _others(tour, amendment.answered_by, amendment.proposed_by, tour.manager):
        notify(kind=AMENDMENT_ANSWERED, subject_id=amendment.pk, recipient=member, window=f"a{amendment.pk}")


def notify_checkpoint_changed(checkpoint: Checkpoint, *, by: Membership | None) -> None:
    tour = checkpoint.tour
    for member in _others(tour, by, tour.employee, tour.manager):
        notify(kind=CHECKPOINT_CHANGED, subject_id=checkpoint.pk, recipient=member, window=f"s{checkpoint.sequence}")


def notify_first_conversation_outcome(conversation: FirstConversation) -> None:
    notify(kind=FIRST_CONVERSATION_OUTCOME, subject_id=conversation.pk, recipient=conversation.tour.employee,
           window=f"fc{conversation.pk}")


def notify_checkpoint_outcome(checkpoint: Checkpoint, *, by: Membership, action_items) -> None:
    """The outcome is recorded: the other participant hears of it; whoever owns a new action item, of that."""
    tour = checkpoint.tour
    path = reverse("tours:checkpoint_detail", args=[tour.organization.slug, checkpoint.pk])
    day = format_day(checkpoint.scheduled_at)
    owned: dict[int, list[str]] = {}
    for item in action_items:
        if item.owner_id is not None:
            owned.setdefault(item.owner_id, []).append(item.text)
    by_name = by.user.full_name
    for member in _others(tour, by, tour.employee, tour.manager):
        lines = [f"Progress: {checkpoint.get_progress_display()}."]
        if checkpoint.course_corrections:
            lines.append(f"Course corrections: {checkpoint.course_corrections[:500]}")
        mine = owned.pop(member.pk, [])
        if mine:
            lines.append("Action items for you: " + "; ".join(text[:200] for text in mine))
        tell(recipient=member, kind=CHECKPOINT_OUTCOME,
             title=f"{by_name} recorded the checkpoint of {day} on “{tour.title}”"
                   + (f" with {len(mine)} action item{'s' if len(mine) != 1 else ''} for you" if mine else ""),
             body=" ".join(lines), url=path)
    others = Membership.objects.for_org(tour.organization_id).filter(pk__in=[pk for pk in owned if pk != by.pk])
    for owner in others.select_related("user"):
        texts = owned[owner.pk]
        tell(recipient=owner, kind=CHECKPOINT_OUTCOME,
             title=f"{len(texts)} action item{'s' if len(texts) != 1 else ''} for you from the checkpoint on "
                   f"“{tour.title}”", body="; ".join(text[:200] for text in texts), url=path)


def notify_next_tour_plan(tour: Tour, *, by: Membership) -> None:
    """The next-tour plan is recorded: the employee hears what it is."""
    lines = [f"Plan: {tour.get_next_tour_plan_display()}."]
    if tour.next_tour_plan_notes:
        lines.append(tour.next_tour_plan_notes[:1000])
    tell_each([tour.employee], but=by, kind=NEXT_TOUR_PLAN,
              title=f"{by.user.full_name} recorded the plan for your next tour after “{tour.title}”",
              body=" ".join(lines), url=reverse("tours:detail", args=[tour.organization.slug, tour.pk]))


# --- Messages (written at delivery) ---------------------------------------------------------


def notify_tours_imported(tours: list[Tour]) -> None:
    """HR recorded tours the employees and managers are on already: both sides of each hear of it (one
    ledger write for them all)."""
    now = timezone.now()
    reminders_claim([DueReminder(organization_id=tour.organization_id, kind=TOUR_IMPORTED, subject_id=tour.pk,
                                 recipient_id=member_id, window="imported", due_at=now)
                     for tour in tours for member_id in (tour.employee_id, tour.manager_id)])


def build_tour_imported(reminder: Reminder) -> ReminderMessage | None:
    tour = _tour(reminder)
    if tour is None or tour.status != Tour.Status.ACTIVE:
        return None
    other = tour.manager if reminder.recipient_id == tour.employee_id else tour.employee
    return _message(
        recipient=reminder.recipient, subject=f"Your tour of duty with {other.user.full_name} is in Alliance now",
        headline=f"HR recorded “{tour.title}”, the {tour.get_kind_display().lower()} tour of duty of "
                 f"{tour.employee.user.full_name} with {tour.manager.user.full_name}, as active.",
        lines=[f"Mission: {tour.mission}"], action="Open the tour (check its terms and plan its checkpoints)",
        url=_tour_url(tour),
    )


def build_tour_proposed(reminder: Reminder) -> ReminderMessage | None:
    tour = _tour(reminder)
    if tour is None or tour.status != Tour.Status.PROPOSED or reminder.recipient_id != tour.employee_id:
        return None
    return _message(
        recipient=reminder.recipient, subject=f"{tour.manager.user.full_name} proposed a tour of duty: {tour.title}",
        headline=f"{tour.manager.user.full_name} proposed “{tour.title}”, a {tour.get_kind_display().lower()} "
                 "tour of duty, to you.",
        lines=[f"Mission: {tour.mission}", f"What you get: {tour.employee_benefits}"],
        action="Read it, then accept it or ask for changes", url=_tour_url(tour),
    )


def build_tour_answered(reminder: Reminder) -> ReminderMessage | None:
    tour = _tour(reminder)
    if tour is None:
        return None
    name = tour.employee.user.full_name
    if reminder.window.startswith(Tour.Status.ACTIVE):
        subject, headline, lines = (f"{name} accepted “{tour.title}”", f"{name} accepted the tour “{tour.title}”. "
                                    "It is active now.", [])
    elif reminder.window.startswith(Tour.Status.DRAFT):
        subject = f"{name} asked for changes to “{tour.title}”"
        headline = subject + "."
        lines = [f"“{tour.changes_requested}”"] if tour.changes_requested else []
    else:
        return None
    return _message(recipient=reminder.recipient, subject=subject, headline=headline, lines=lines,
                    action="Open the tour", url=_tour_url(tour))


def _amendment(reminder: Reminder) -> TourAmendment | None:
    return (TourAmendment.objects.for_org(reminder.organization_id)
            .select_related("tour__employee__user", "tour__manager__user", "tour__organization",
                            "proposed_by__user", "answered_by__user")
            .filter(pk=reminder.subject_id).first())


def _diff_lines(amendment: TourAmendment) -> list[str]:
    return [f"{item['label']}: {item['from'] or '—'} → {item['to'] or '—'}" for item in amendment.diff.values()]


def build_amendment_proposed(reminder: Reminder) -> ReminderMessage | None:
    amendment = _amendment(reminder)
    if amendment is None or not amendment.is_pending or reminder.recipient_id != amendment.tour.employee_id:
        return None
    tour, by = amendment.tour, amendment.proposed_by
    who = by.user.full_name if by else "Your manager"
    lines = _diff_lines(amendment) + ([f"Why: {amendment.reason}"] if amendment.reason else [])
    return _message(recipient=reminder.recipient, subject=f"{who} proposes to amend “{tour.title}”",
                    headline=f"{who} proposes new terms for your tour “{tour.title}”. The terms in force stay "
                             "until you accept.", lines=lines, action="Accept or decline the amendment",
                    url=_tour_url(tour) + "#amendment")


def build_amendment_answered(reminder: Reminder) -> ReminderMessage | None:
    amendment = _amendment(reminder)
    if amendment is None or amendment.status not in (TourAmendment.Status.ACCEPTED, TourAmendment.Status.DECLINED):
        return None
    tour = amendment.tour
    name = tour.employee.user.full_name
    verb = "accepted" if amendment.status == TourAmendment.Status.ACCEPTED else "declined"
    lines = _diff_lines(amendment) + ([f"“{amendment.answer_note}”"] if amendment.answer_note else [])
    return _message(recipient=reminder.recipient, subject=f"{name} {verb} the amendment of “{tour.title}”",
                    headline=f"{name} {verb} the amendment of “{tour.title}”."
                    + (" The new terms are in force." if verb == "accepted" else " The terms stay as they were."),
                    lines=lines, action="Open the tour", url=_tour_url(tour))


def build_checkpoint_changed(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import checkpoint_invite, checkpoint_url

    checkpoint = (Checkpoint.objects.for_org(reminder.organization_id)
                  .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
                  .prefetch_related("agenda_items").filter(pk=reminder.subject_id).first())
    if checkpoint is None or f"s{checkpoint.sequence}" != reminder.window:
        return None  # gone, or changed again since: the newer change has its own message
    tour = checkpoint.tour
    if reminder.recipient_id not in (tour.employee_id, tour.manager_id):
        return None
    other = tour.manager if reminder.recipient_id == tour.employee_id else tour.employee
    cancelled = checkpoint.status == Checkpoint.Status.CANCELLED
    if cancelled:
        subject = f"Cancelled: checkpoint on “{tour.title}”, {_when(checkpoint.scheduled_at)}"
        headline = f"The checkpoint conversation with {other.user.full_name} on {_when(checkpoint.scheduled_at)} " \
                   "is cancelled. Open points move to the next one."
    elif checkpoint.status != Checkpoint.Status.SCHEDULED:
        return None
    else:
        subject = f"Checkpoint on “{tour.title}”: {_when(checkpoint.scheduled_at)}"
        headline = f"Your checkpoint conversation with {other.user.full_name} is on {_when(checkpoint.scheduled_at)}" \
                   f" ({checkpoint.duration_minutes} minutes)."
    lines = [f"Where: {checkpoint.location}"] if checkpoint.location and not cancelled else []
    method = "CANCEL" if cancelled else "REQUEST"
    invite = ("checkpoint.ics", checkpoint_invite(checkpoint), f"text/calendar; method={method}; charset=utf-8")
    return _message(recipient=reminder.recipient, subject=subject, headline=headline, lines=lines,
                    action="Open the checkpoint", url=checkpoint_url(checkpoint), attachments=[invite])


def build_first_conversation_outcome(reminder: Reminder) -> ReminderMessage | None:
    conversation = (FirstConversation.objects.for_org(reminder.organization_id)
                    .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
                    .filter(pk=reminder.subject_id).first())
    if conversation is None or conversation.is_open:
        return None
    tour = conversation.tour
    lines = [f"“{conversation.outcome_note}”"] if conversation.outcome_note else []
    outcome = conversation.get_outcome_display()
    return _message(recipient=reminder.recipient, subject=f"Your first conversation: {outcome}",
                    headline=f"{tour.manager.user.full_name} recorded the outcome of your right of first "
                             f"conversation on “{tour.title}”: {outcome}.",
                    lines=lines, action="Open the tour", url=_tour_url(tour) + "#first-conversation")


# --- Recurring 1:1s ----------------------------------------------------------------------


def notify_series_changed(series: OneOnOneSeries, *, by: Membership | None, meeting: OneOnOne | None = None) -> None:
    """The series started, changed or ended, or one meeting moved or was skipped: the other person (both, when
    HR made the change) gets the calendar message for this ``sequence``."""
    window = f"s{series.sequence}" + (f"m{meeting.pk}" if meeting is not None else "")
    for member in (series.manager, series.report):
        if member.pk != getattr(by, "pk", None):
            notify(kind=ONE_ON_ONE_INVITE, subject_id=series.pk, recipient=member, window=window)


def notify_series_news(series: OneOnOneSeries, *, by: Membership, title: str, body: str = "",
                       recipients: list[Membership] | None = None) -> int:
    """News of a 1:1 (a talking point, a meeting recorded) for the other participant(s), in-app and by e-mail."""
    path = reverse("tours:one_on_one_detail", args=[series.organization.slug, series.pk])
    return tell_each(recipients or [series.manager, series.report], but=by, kind=ONE_ON_ONE_NEWS, title=title,
                     body=body, url=path)


def _cadence_line(series: OneOnOneSeries) -> str:
    local = series.slot_at(0)
    every = {OneOnOneSeries.Cadence.WEEKLY: f"every {local:%A}", OneOnOneSeries.Cadence.FORTNIGHTLY:
             f"every other {local:%A}", OneOnOneSeries.Cadence.MONTHLY: f"on day {local.day} of every month"}
    until = f", until {format_day(series.ends_on)}" if series.ends_on else ""
    return (f"{every[series.cadence]} at {local:%H:%M} ({series.time_zone}), {series.duration_minutes} minutes"
            f"{until}")


def build_one_on_one_invite(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import meeting_cancel, series_invite, series_url

    series = (OneOnOneSeries.objects.for_org(reminder.organization_id)
              .select_related("manager__user", "report__user", "organization").filter(pk=reminder.subject_id).first())
    sequence, _, meeting_id = reminder.window.partition("m")
    if series is None or sequence != f"s{series.sequence}":
        return None  # gone, or changed again since: the newer change has its own message with the whole series
    if reminder.recipient_id not in (series.manager_id, series.report_id):
        return None
    other = series.manager if reminder.recipient_id == series.report_id else series.report
    name = other.user.full_name
    meetings = list(OneOnOne.objects.for_org(series.organization_id).filter(series=series, pattern=series.pattern))
    meeting = next((m for m in meetings if meeting_id and str(m.pk) == meeting_id), None)
    change = series.last_change
    lines: list[str] = []
    if change == OneOnOneSeries.Change.SKIPPED and meeting is not None:
        method, ics = "CANCEL", meeting_cancel(series, meeting)
        subject = f"Skipped: 1:1 with {name}, {_when(meeting.original_at)}"
        headline = f"The 1:1 with {name} on {_when(meeting.original_at)} is skipped. Open talking points move to " \
                   "the next one."
    elif change == OneOnOneSeries.Change.ENDED:
        method, ics = "CANCEL", series_invite(series, meetings)
        subject = f"Ended: your 1:1s with {name}"
        headline = f"The recurring 1:1 with {name} has ended; its notes stay in Alliance."
    elif change == OneOnOneSeries.Change.MOVED and meeting is not None:
        method, ics = "REQUEST", series_invite(series, meetings)
        subject = f"Moved: 1:1 with {name} to {_when(meeting.scheduled_at)}"
        headline = f"The 1:1 with {name} of {_when(meeting.original_at)} moves to {_when(meeting.scheduled_at)} " \
                   f"({meeting.duration_minutes} minutes). The rest of the series stays as it was."
    elif series.is_active:
        method, ics = "REQUEST", series_invite(series, meetings)
        verb = "Changed" if change == OneOnOneSeries.Change.EDITED else "New"
        subject = f"{verb}: recurring 1:1 with {name}"
        headline = f"Your 1:1s with {name}: {_cadence_line(series)}."
        lines = [f"Where: {series.location}"] if series.location else []
    else:
        return None
    invite = ("one-on-one.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return _message(recipient=reminder.recipient, subject=subject, headline=headline, lines=lines,
                    action="Open the 1:1s (talking points and notes)", url=series_url(series),
                    attachments=[invite])


def build_one_on_one_upcoming(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import series_url

    meeting = (OneOnOne.objects.for_org(reminder.organization_id)
               .select_related("series__manager__user", "series__report__user", "series__organization")
               .filter(pk=reminder.subject_id).first())
    if meeting is None or meeting.status != OneOnOne.Status.SCHEDULED or not meeting.series.is_active:
        return None
    series = meeting.series
    stamp = meeting.scheduled_at.astimezone(UTC).strftime("%Y%m%dT%H%M")
    if reminder.window.partition("@")[2] != stamp or reminder.recipient_id not in (series.manager_id,
                                                                                   series.report_id):
        return None  # moved since: its new time has its own reminder
    other = series.manager if reminder.recipient_id == series.report_id else series.report
    points = [point.text for point in meeting.talking_points.all() if not point.discussed]
    lines = ["Talking points so far: " + "; ".join(text[:200] for text in points)] if points else [
        "No talking points yet: add yours."]
    return _message(recipient=reminder.recipient, subject=f"1:1 with {other.user.full_name}: "
                    f"{_when(meeting.scheduled_at)}",
                    headline=f"Your 1:1 with {other.user.full_name} is on {_when(meeting.scheduled_at)} "
                             f"({meeting.duration_minutes} minutes).", lines=lines,
                    action="Open the 1:1", url=series_url(series) + f"#meeting-{meeting.pk}")


def register() -> None:
    """Called from ToursConfig.ready(): the kinds, in the order the preferences page lists them."""
    register_reminder_kind(TOUR_PROPOSED, "A tour is proposed to you", build_tour_proposed, order=20,
                           required=True)
    register_reminder_kind(TOUR_ANSWERED, "Your report accepts a tour or asks for changes (managers)",
                           build_tour_answered, order=21)
    register_reminder_kind(AMENDMENT_PROPOSED, "An amendment of your tour is proposed", build_amendment_proposed,
                           order=22)
    register_reminder_kind(AMENDMENT_ANSWERED, "Your proposed amendment is accepted or declined (managers)",
                           build_amendment_answered, order=23)
    register_reminder_kind(CHECKPOINT_CHANGED, "A checkpoint is scheduled, moved or cancelled (with the invite)",
                           build_checkpoint_changed, order=24)
    register_reminder_kind(FIRST_CONVERSATION_OUTCOME, "The outcome of your first conversation is recorded",
                           build_first_conversation_outcome, order=25)
    register_notification_kind(CHECKPOINT_OUTCOME, "A checkpoint's outcome is recorded, or an action item given "
                               "to you", order=26)
    register_notification_kind(NEXT_TOUR_PLAN, "The plan for your next tour is recorded", order=27)
    register_reminder_kind(TOUR_IMPORTED, "HR records a tour you are on already (from a spreadsheet)",
                           build_tour_imported, order=28)
    register_reminder_kind(ONE_ON_ONE_INVITE, "A recurring 1:1 starts, changes, or a meeting moves or is skipped "
                           "(with the invite)", build_one_on_one_invite, order=29)
    register_notification_kind(ONE_ON_ONE_NEWS, "A talking point is added to your 1:1, or the 1:1 is recorded",
                               order=30)
