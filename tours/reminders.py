"""What tours remind people of, and when (DESIGN "Reminders", issue: reminders).

Each ``due_*`` function is one set-based, indexed query across organizations — the
explicit cross-tenant path, inside ``cross_tenant`` — that returns only what is due
*and not yet in the ledger*, so its cost follows the number of due reminders, not
the number of checkpoints or tours. Lead times come from each organization's
settings. ``sweep`` hands the result to ``alliance.reminders.reminders_claim``.

Each ``build_*`` function turns a claimed ledger row into the message, or returns
``None`` when the reminder is no longer relevant (done, cancelled, rescheduled).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from alliance import tenancy
from alliance.models import Reminder
from alliance.registry import register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from tours.models import ActionItem, AgendaItem, Checkpoint, FirstConversation, Tour
from tours.notifications import CHECKPOINT_CHANGED, build_one_on_one_upcoming

CHECKPOINT_UPCOMING = "checkpoint_upcoming"
AGENDA_NUDGE = "agenda_nudge"
CHECKPOINT_OVERDUE = "checkpoint_overdue"
TOUR_ENDING = "tour_ending"
FIRST_CONVERSATION = "first_conversation"
ACTION_ITEM_OVERDUE = "action_item_overdue"
ONE_ON_ONE_UPCOMING = "one_on_one_upcoming"
ONE_ON_ONE_LEAD = timedelta(days=1)  # both people hear of a 1:1 the day before

# Exercised conversations older than this without an outcome are past reminding.
FIRST_CONVERSATION_LOOKBACK_DAYS = 60

DECIDED_PLANS = Tour.DECIDED_PLANS


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M")


def _not_in_ledger(kind: str, subject: str, recipient: str, window: str) -> str:
    return f"""NOT EXISTS (
        SELECT 1 FROM alliance_reminder r
        WHERE r.organization_id = cp_org AND r.kind = '{kind}' AND r.subject_id = {subject}
          AND r.recipient_id = {recipient} AND r."window" = {window})"""


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The widest window any organization has chosen: bounds each index range scan, so a
# sweep reads the checkpoints that are due somewhere, not all the scheduled ones.
MAX_CHECKPOINT_LEAD = "(SELECT coalesce(max(d), 0) FROM alliance_organization, unnest(checkpoint_days_before) d)"
MAX_AGENDA_LEAD = "(SELECT coalesce(max(agenda_nudge_days_before), 0) FROM alliance_organization)"
MAX_OVERDUE_SPAN = (
    "(SELECT coalesce(max(overdue_days_after + 7 * overdue_max_reminders), 0) FROM alliance_organization)"
)
MIN_OVERDUE_DELAY = "(SELECT coalesce(min(overdue_days_after), 1) FROM alliance_organization)"
MAX_TOUR_ENDING_LEAD = "(SELECT coalesce(max(d), 0) FROM alliance_organization, unnest(tour_ending_days_before) d)"


def due_checkpoint_reminders(now: datetime) -> list[DueReminder]:
    """Manager and employee, at the nearest lead time that has been reached."""
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT cp.organization_id, cp.id, cp.tour_id, cp.scheduled_at
            FROM tours_checkpoint cp
            WHERE cp.status = 'scheduled' AND cp.scheduled_at > %(now)s
              AND cp.scheduled_at <= %(now)s + make_interval(days => {MAX_CHECKPOINT_LEAD})
        ), due AS (
            SELECT c.organization_id AS cp_org, c.id, c.scheduled_at, t.employee_id, t.manager_id,
                   (SELECT min(d) FROM unnest(o.checkpoint_days_before) AS d
                     WHERE c.scheduled_at - make_interval(days => d) <= %(now)s) AS lead
            FROM candidates c
            JOIN tours_tour t ON t.id = c.tour_id AND t.organization_id = c.organization_id
            JOIN alliance_organization o ON o.id = c.organization_id
            WHERE t.status = 'active'
        ), windows AS (
            SELECT due.*, recipient_id, lead || 'd@' || to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI')
                   AS win
            FROM due CROSS JOIN LATERAL (VALUES (employee_id), (manager_id)) AS r(recipient_id)
            WHERE lead IS NOT NULL
        )
        SELECT cp_org, id, recipient_id, win FROM windows
        WHERE {_not_in_ledger(CHECKPOINT_UPCOMING, "windows.id", "windows.recipient_id", "windows.win")}
          AND {_not_told_since_lead("windows")}
    """
    rows = _rows(sql, {"now": now})
    return [DueReminder(org, CHECKPOINT_UPCOMING, cid, rid, win, now) for org, cid, rid, win in rows]


def _not_told_since_lead(windows: str) -> str:
    """One event, one message: whoever was sent the invitation of this checkpoint (scheduled, moved or
    confirmed: ``checkpoint_changed``) inside this lead time has just been told; the next lead time
    reminds them."""
    return f"""NOT EXISTS (
        SELECT 1 FROM alliance_reminder told
        WHERE told.organization_id = {windows}.cp_org AND told.kind = '{CHECKPOINT_CHANGED}'
          AND told.subject_id = {windows}.id AND told.recipient_id = {windows}.recipient_id
          AND told.created_at >= {windows}.scheduled_at - make_interval(days => {windows}.lead))"""


def due_agenda_nudges(now: datetime) -> list[DueReminder]:
    """The employee, a few days before, while the agenda is still empty."""
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT cp.organization_id, cp.id, cp.tour_id, cp.scheduled_at
            FROM tours_checkpoint cp
            WHERE cp.status = 'scheduled' AND cp.scheduled_at > %(now)s
              AND cp.scheduled_at <= %(now)s + make_interval(days => {MAX_AGENDA_LEAD})
        ), due AS (
            SELECT c.organization_id AS cp_org, c.id, t.employee_id,
                   'agenda@' || to_char(c.scheduled_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI') AS win
            FROM candidates c
            JOIN tours_tour t ON t.id = c.tour_id AND t.organization_id = c.organization_id
            JOIN alliance_organization o ON o.id = c.organization_id
            WHERE c.scheduled_at - make_interval(days => o.agenda_nudge_days_before) <= %(now)s
              AND t.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM tours_agendaitem a
                              WHERE a.organization_id = c.organization_id AND a.checkpoint_id = c.id)
        )
        SELECT cp_org, id, employee_id, win FROM due
        WHERE {_not_in_ledger(AGENDA_NUDGE, "due.id", "due.employee_id", "due.win")}
    """
    rows = _rows(sql, {"now": now})
    return [DueReminder(org, AGENDA_NUDGE, cid, rid, win, now) for org, cid, rid, win in rows]


def due_overdue_notices(now: datetime) -> list[DueReminder]:
    """The manager, N days after a checkpoint still 'scheduled', then weekly, at most M times."""
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT cp.organization_id, cp.id, cp.tour_id, cp.scheduled_at
            FROM tours_checkpoint cp
            WHERE cp.status = 'scheduled'
              AND cp.scheduled_at <= %(now)s - make_interval(days => {MIN_OVERDUE_DELAY})
              AND cp.scheduled_at > %(now)s - make_interval(days => {MAX_OVERDUE_SPAN})
        ), due AS (
            SELECT c.organization_id AS cp_org, c.id, t.manager_id,
                   'overdue-' || LEAST(
                       floor(extract(epoch FROM %(now)s - (c.scheduled_at
                             + make_interval(days => o.overdue_days_after))) / (7 * 86400))::int,
                       o.overdue_max_reminders - 1)
                   || '@' || to_char(c.scheduled_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI') AS win
            FROM candidates c
            JOIN tours_tour t ON t.id = c.tour_id AND t.organization_id = c.organization_id
            JOIN alliance_organization o ON o.id = c.organization_id
            WHERE c.scheduled_at + make_interval(days => o.overdue_days_after) <= %(now)s
              AND c.scheduled_at + make_interval(days => o.overdue_days_after + 7 * o.overdue_max_reminders)
                  > %(now)s
              AND t.status = 'active'
        )
        SELECT cp_org, id, manager_id, win FROM due
        WHERE {_not_in_ledger(CHECKPOINT_OVERDUE, "due.id", "due.manager_id", "due.win")}
    """
    rows = _rows(sql, {"now": now})
    return [DueReminder(org, CHECKPOINT_OVERDUE, cid, rid, win, now) for org, cid, rid, win in rows]


def due_action_item_notices(now: datetime) -> list[DueReminder]:
    """The owner of an open action item, once, the day after its due date in the organization's zone.

    Only the tip of a carry-over chain counts (the copies are the same commitment), and
    only on an active tour.
    """
    sql = f"""
        WITH due AS (
            SELECT a.organization_id AS cp_org, a.id, a.owner_id, 'due@' || to_char(a.due_on, 'YYYYMMDD') AS win
            FROM tours_actionitem a
            JOIN alliance_organization o ON o.id = a.organization_id
            JOIN tours_checkpoint cp ON cp.id = a.checkpoint_id AND cp.organization_id = a.organization_id
            JOIN tours_tour t ON t.id = cp.tour_id AND t.organization_id = cp.organization_id
            WHERE a.done = false AND a.owner_id IS NOT NULL
              AND a.due_on < (%(now)s AT TIME ZONE o.time_zone)::date
              AND a.due_on >= (%(now)s AT TIME ZONE 'UTC')::date - 60
              AND t.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM tours_actionitem c
                              WHERE c.carried_from_id = a.id AND c.organization_id = a.organization_id)
        )
        SELECT cp_org, id, owner_id, win FROM due
        WHERE {_not_in_ledger(ACTION_ITEM_OVERDUE, "due.id", "due.owner_id", "due.win")}
    """
    rows = _rows(sql, {"now": now})
    return [DueReminder(org, ACTION_ITEM_OVERDUE, item_id, rid, win, now) for org, item_id, rid, win in rows]


def due_tour_ending_prompts(now: datetime) -> list[DueReminder]:
    """Manager and employee, at the nearest lead time reached, until a next-tour plan is decided."""
    sql = f"""
        WITH candidates AS MATERIALIZED (
            SELECT t.organization_id, t.id, t.employee_id, t.manager_id, t.end_date
            FROM tours_tour t
            WHERE t.status = 'active' AND t.end_date IS NOT NULL
              AND t.end_date >= (%(now)s AT TIME ZONE 'UTC')::date - 1
              AND t.end_date <= (%(now)s AT TIME ZONE 'UTC')::date + {MAX_TOUR_ENDING_LEAD} + 1
              AND t.next_tour_plan NOT IN %(decided)s
        ), due AS (
            SELECT c.organization_id AS cp_org, c.id, c.employee_id, c.manager_id, c.end_date,
                   (%(now)s AT TIME ZONE o.time_zone)::date AS today,
                   (SELECT min(d) FROM unnest(o.tour_ending_days_before) AS d
                     WHERE c.end_date - d <= (%(now)s AT TIME ZONE o.time_zone)::date) AS lead
            FROM candidates c
            JOIN alliance_organization o ON o.id = c.organization_id
        ), windows AS (
            SELECT due.*, recipient_id, lead || 'd@' || to_char(end_date, 'YYYYMMDD') AS win
            FROM due CROSS JOIN LATERAL (VALUES (employee_id), (manager_id)) AS r(recipient_id)
            WHERE lead IS NOT NULL AND end_date >= today
        )
        SELECT cp_org, id, recipient_id, win FROM windows
        WHERE {_not_in_ledger(TOUR_ENDING, "windows.id", "windows.recipient_id", "windows.win")}
    """
    rows = _rows(sql, {"now": now, "decided": tuple(DECIDED_PLANS)})
    return [DueReminder(org, TOUR_ENDING, tid, rid, win, now) for org, tid, rid, win in rows]


def add_working_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due_first_conversation_notices(now: datetime) -> list[DueReminder]:
    """The manager at once, and again after N working days while no outcome is recorded."""
    sql = f"""
        WITH open AS (
            SELECT fc.organization_id AS cp_org, fc.id, t.manager_id, fc.exercised_at, o.time_zone,
                   o.first_conversation_followup_working_days AS followup
            FROM tours_firstconversation fc
            JOIN tours_tour t ON t.id = fc.tour_id AND t.organization_id = fc.organization_id
            JOIN alliance_organization o ON o.id = fc.organization_id
            WHERE fc.outcome = '' AND t.status = 'active'
              AND fc.exercised_at > %(now)s - make_interval(days => %(lookback)s)
              AND fc.exercised_at <= %(now)s
        )
        SELECT cp_org, id, manager_id, exercised_at, time_zone, followup,
               {_not_in_ledger(FIRST_CONVERSATION, "open.id", "open.manager_id", "'exercised'")},
               {_not_in_ledger(FIRST_CONVERSATION, "open.id", "open.manager_id", "'follow-up'")}
        FROM open
    """
    due = []
    for org, fid, manager_id, exercised_at, tz, followup, first_missing, followup_missing in _rows(
        sql, {"now": now, "lookback": FIRST_CONVERSATION_LOOKBACK_DAYS}
    ):
        if first_missing:
            due.append(DueReminder(org, FIRST_CONVERSATION, fid, manager_id, "exercised", now))
        local_day = timezone.localtime(exercised_at, timezone=zoneinfo.ZoneInfo(tz)).date()
        followup_day = add_working_days(local_day, followup)
        if followup_missing and timezone.localtime(now, timezone=zoneinfo.ZoneInfo(tz)).date() >= followup_day:
            due.append(DueReminder(org, FIRST_CONVERSATION, fid, manager_id, "follow-up", now))
    return due


def due_one_on_one_reminders(now: datetime) -> list[DueReminder]:
    """Both people of an active series, once, the day before each scheduled meeting (a moved meeting has a new
    window: its new time)."""
    sql = f"""
        WITH due AS (
            SELECT m.organization_id AS cp_org, m.id, s.manager_id, s.report_id,
                   'd1@' || to_char(m.scheduled_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MI') AS win
            FROM tours_oneonone m
            JOIN tours_oneononeseries s ON s.id = m.series_id AND s.organization_id = m.organization_id
            WHERE m.status = 'scheduled' AND s.status = 'active'
              AND m.scheduled_at > %(now)s AND m.scheduled_at <= %(until)s
        ), windows AS (
            SELECT due.*, recipient_id FROM due
            CROSS JOIN LATERAL (VALUES (manager_id), (report_id)) AS r(recipient_id)
        )
        SELECT cp_org, id, recipient_id, win FROM windows
        WHERE {_not_in_ledger(ONE_ON_ONE_UPCOMING, "windows.id", "windows.recipient_id", "windows.win")}
    """
    rows = _rows(sql, {"now": now, "until": now + ONE_ON_ONE_LEAD})
    return [DueReminder(org, ONE_ON_ONE_UPCOMING, mid, rid, win, now) for org, mid, rid, win in rows]


SELECTORS = {
    ONE_ON_ONE_UPCOMING: due_one_on_one_reminders,
    CHECKPOINT_UPCOMING: due_checkpoint_reminders,
    AGENDA_NUDGE: due_agenda_nudges,
    CHECKPOINT_OVERDUE: due_overdue_notices,
    TOUR_ENDING: due_tour_ending_prompts,
    FIRST_CONVERSATION: due_first_conversation_notices,
    ACTION_ITEM_OVERDUE: due_action_item_notices,
}


def sweep(kind: str, *, now: datetime | None = None) -> int:
    """Select what is due for one kind across organizations and claim it; returns how many."""
    now = now or timezone.now()
    with tenancy.cross_tenant(reason=f"reminder sweep: {kind}"):
        due = SELECTORS[kind](now)
    return len(reminders_claim(due))


# --- Messages -------------------------------------------------------------------

def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _checkpoint(reminder: Reminder) -> Checkpoint | None:
    return (
        Checkpoint.objects.for_org(reminder.organization_id)
        .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
        .filter(pk=reminder.subject_id)
        .first()
    )


def _window_time(window: str) -> str:
    return window.split("@", 1)[1] if "@" in window else ""


def _message(template: str, context: dict, *, url: str, attachments=None) -> ReminderMessage:
    def render(name: str) -> str:
        return render_to_string(f"tours/email/{template}{name}", context)

    return ReminderMessage(
        subject=" ".join(render("_subject.txt").split()),
        text=render(".txt"),
        html=render(".html"),
        summary=" ".join(render("_summary.txt").split()),
        url=url,
        attachments=attachments or [],
    )


def build_checkpoint_upcoming(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import checkpoint_invite, checkpoint_url

    checkpoint = _checkpoint(reminder)
    if (
        checkpoint is None
        or checkpoint.status != Checkpoint.Status.SCHEDULED
        or checkpoint.tour.status != Tour.Status.ACTIVE
        or _stamp(checkpoint.scheduled_at) != _window_time(reminder.window)  # moved since
        or reminder.recipient_id not in (checkpoint.tour.employee_id, checkpoint.tour.manager_id)
    ):
        return None
    agenda = list(
        AgendaItem.objects.for_org(reminder.organization_id)
        .filter(checkpoint=checkpoint, discussed=False)
        .select_related("added_by__user")
    )
    is_manager = reminder.recipient_id == checkpoint.tour.manager_id
    other = checkpoint.tour.employee if is_manager else checkpoint.tour.manager
    context = {"checkpoint": checkpoint, "tour": checkpoint.tour, "agenda": agenda, "other": other,
               "recipient": reminder.recipient, "url": checkpoint_url(checkpoint)}
    invite = ("checkpoint.ics", checkpoint_invite(checkpoint), "text/calendar; method=REQUEST")
    return _message("checkpoint_upcoming", context, url=checkpoint_url(checkpoint), attachments=[invite])


def build_agenda_nudge(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import checkpoint_url

    checkpoint = _checkpoint(reminder)
    if (
        checkpoint is None
        or checkpoint.status != Checkpoint.Status.SCHEDULED
        or _stamp(checkpoint.scheduled_at) != _window_time(reminder.window)
        or AgendaItem.objects.for_org(reminder.organization_id).filter(checkpoint=checkpoint).exists()
    ):
        return None
    context = {"checkpoint": checkpoint, "tour": checkpoint.tour, "recipient": reminder.recipient,
               "url": checkpoint_url(checkpoint)}
    return _message("agenda_nudge", context, url=checkpoint_url(checkpoint))


def build_checkpoint_overdue(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import checkpoint_url

    checkpoint = _checkpoint(reminder)
    if (
        checkpoint is None
        or checkpoint.status != Checkpoint.Status.SCHEDULED
        or _stamp(checkpoint.scheduled_at) != _window_time(reminder.window)  # moved since
        or checkpoint.tour.status != Tour.Status.ACTIVE
        or reminder.recipient_id != checkpoint.tour.manager_id
    ):
        return None
    context = {"checkpoint": checkpoint, "tour": checkpoint.tour, "recipient": reminder.recipient,
               "url": checkpoint_url(checkpoint), "days": (timezone.now() - checkpoint.scheduled_at).days}
    return _message("checkpoint_overdue", context, url=checkpoint_url(checkpoint))


def _tour_url(tour: Tour) -> str:
    return _site(reverse("tours:detail", args=[tour.organization.slug, tour.pk]))


def build_tour_ending(reminder: Reminder) -> ReminderMessage | None:
    tour = (
        Tour.objects.for_org(reminder.organization_id)
        .select_related("employee__user", "manager__user", "organization")
        .filter(pk=reminder.subject_id)
        .first()
    )
    if (
        tour is None
        or tour.status != Tour.Status.ACTIVE
        or tour.end_date is None
        or tour.next_tour_plan in DECIDED_PLANS
        or tour.end_date.strftime("%Y%m%d") != _window_time(reminder.window)
        or reminder.recipient_id not in (tour.employee_id, tour.manager_id)
    ):
        return None
    context = {"tour": tour, "recipient": reminder.recipient, "url": _tour_url(tour),
               "days_left": tour.days_left(), "is_manager": reminder.recipient_id == tour.manager_id}
    return _message("tour_ending", context, url=_tour_url(tour))


def build_first_conversation(reminder: Reminder) -> ReminderMessage | None:
    conversation = (
        FirstConversation.objects.for_org(reminder.organization_id)
        .select_related("tour__employee__user", "tour__manager__user", "tour__organization")
        .filter(pk=reminder.subject_id)
        .first()
    )
    if (
        conversation is None
        or conversation.outcome
        or conversation.tour.status != Tour.Status.ACTIVE
        or reminder.recipient_id != conversation.tour.manager_id
    ):
        return None
    context = {"conversation": conversation, "tour": conversation.tour, "recipient": reminder.recipient,
               "url": _tour_url(conversation.tour), "follow_up": reminder.window == "follow-up"}
    return _message("first_conversation", context, url=_tour_url(conversation.tour))


def build_action_item_overdue(reminder: Reminder) -> ReminderMessage | None:
    from tours.calendar import checkpoint_url

    item = (ActionItem.objects.for_org(reminder.organization_id)
            .select_related("checkpoint__tour__employee__user", "checkpoint__tour__manager__user",
                            "checkpoint__tour__organization")
            .filter(pk=reminder.subject_id).first())
    if (item is None or item.done or item.owner_id != reminder.recipient_id or item.due_on is None
            or item.checkpoint.tour.status != Tour.Status.ACTIVE
            or ActionItem.objects.for_org(reminder.organization_id).filter(carried_from=item).exists()):
        return None
    tour = item.checkpoint.tour
    url = checkpoint_url(item.checkpoint)
    due = formats.date_format(item.due_on, "DATE_FORMAT")
    text = (f"Hello {reminder.recipient.user.get_short_name()},\n\n"
            f"“{item.text}”, agreed at a checkpoint of “{tour.title}”, was due on {due} and is still open.\n"
            f"Tick it when it is done, or bring it to the next checkpoint.\n\nOpen it: {url}\n\n— Alliance")
    return ReminderMessage(subject=f"Overdue: {item.text}"[:200], text=text,
                           summary=f"“{item.text}” was due on {due}.", url=url)


def register() -> None:
    """Called from ToursConfig.ready(): the kinds, in the order the preferences page lists them."""
    register_reminder_kind(CHECKPOINT_UPCOMING, "Upcoming checkpoint conversations", build_checkpoint_upcoming,
                           order=10)
    register_reminder_kind(AGENDA_NUDGE, "Empty agenda before a checkpoint", build_agenda_nudge, order=11)
    register_reminder_kind(CHECKPOINT_OVERDUE, "Overdue checkpoints (managers)", build_checkpoint_overdue,
                           order=12)
    register_reminder_kind(TOUR_ENDING, "Tour ending: start the next-tour conversation", build_tour_ending,
                           order=13)
    register_reminder_kind(FIRST_CONVERSATION, "Right of first conversation exercised (managers)",
                           build_first_conversation, order=14)
    register_reminder_kind(ACTION_ITEM_OVERDUE, "An action item you own is overdue", build_action_item_overdue,
                           order=15)
    register_reminder_kind(ONE_ON_ONE_UPCOMING, "Your 1:1 is tomorrow", build_one_on_one_upcoming, order=16)
