"""The weekly alliance digest, through the reminder ledger: on Monday (from 07:00 in each recipient's time
zone) every manager gets their to-do and what changed in their team's figures, and HR and administrators
the organization's figures that moved since a week earlier.

The sweep runs hourly (beat) and claims, once per person and ISO week of their own calendar, a ledger
row keyed (kind, person, person, ``YYYY-Www``): however often it runs, and however many sweeps race,
each person gets one digest of each kind a week. A sweep that was down on Monday catches up later in
the week. The candidates are one set-based, cross-tenant statement over the active memberships.

"What moved" compares each figure's headline now with the one kept a week earlier: building a digest keeps
the week's headlines of its scope (the organization, or the manager's team) in ``HealthWeek``, once a
week, and compares with the previous week's rows. The past is read as it was, not recomputed from today's
rows (an edited tour, a member who left or a deleted note would rewrite it).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alliance import health, tenancy
from alliance.models import HealthWeek, Membership, Reminder
from alliance.notifications import unsubscribe_token
from alliance.registry import register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from alliance.rights import can_see_organization_health
from alliance.services import health_week_record

MANAGER_DIGEST = "alliance_digest_manager"
HR_DIGEST = "alliance_digest_hr"
SEND_FROM_HOUR = 7  # local time on Monday

# Managers (with at least one active report) and HR/admins, with the ISO week of their local calendar,
# once it is Monday 07:00 or later where they are; those already claimed this week are left out.
DUE_SQL = """
    WITH people AS (
        SELECT m.organization_id, m.id, m.role,
               EXISTS (SELECT 1 FROM alliance_membership r WHERE r.organization_id = m.organization_id
                       AND r.manager_id = m.id AND r.status = 'active') AS manages,
               (%(now)s::timestamptz AT TIME ZONE u.time_zone) AS local
        FROM alliance_membership m JOIN alliance_user u ON u.id = m.user_id
        WHERE m.status = 'active' AND u.is_active AND m.role IN ('manager', 'hr', 'admin')
    ), due AS (
        SELECT organization_id, id, %(manager)s AS kind, to_char(local, 'IYYY-"W"IW') AS week FROM people
        WHERE manages AND NOT (EXTRACT(ISODOW FROM local) = 1 AND EXTRACT(HOUR FROM local) < %(hour)s)
        UNION ALL
        SELECT organization_id, id, %(hr)s, to_char(local, 'IYYY-"W"IW') FROM people
        WHERE role IN ('hr', 'admin') AND NOT (EXTRACT(ISODOW FROM local) = 1 AND EXTRACT(HOUR FROM local) < %(hour)s)
    )
    SELECT d.organization_id, d.id, d.kind, d.week FROM due d
    WHERE NOT EXISTS (SELECT 1 FROM alliance_reminder r WHERE r.organization_id = d.organization_id
                      AND r.kind = d.kind AND r.subject_id = d.id AND r.recipient_id = d.id AND r."window" = d.week)
    ORDER BY d.organization_id, d.id, d.kind
"""


def due_digests(now: datetime) -> list[DueReminder]:
    with connection.cursor() as cursor:
        cursor.execute(DUE_SQL, {"now": now, "manager": MANAGER_DIGEST, "hr": HR_DIGEST, "hour": SEND_FROM_HOUR})
        rows = cursor.fetchall()
    return [DueReminder(org, kind, member_id, member_id, week, now) for org, member_id, kind, week in rows]


def sweep(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="reminder sweep: weekly alliance digests"):
        due = due_digests(now)
    return len(reminders_claim(due))


@shared_task
def sweep_alliance_digests(now: str | None = None) -> int:
    """The beat entry (hourly). It lives beside the sweep, not in alliance.tasks: the ledger
    (alliance.reminders) already imports alliance.tasks."""
    return sweep(now=parse_datetime(now) if now else None)


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _change(before: float, after: float) -> str:
    difference = round(after - before, 1)
    text = f"{difference:+,.1f}".removesuffix(".0")
    return text.replace("-", "−")


def _shown(value: float | None) -> str | float | int:
    if value is None:
        return "—"
    return int(value) if float(value).is_integer() else round(value, 1)


def figures_that_moved(scope: health.HealthScope, *, snapshot: str) -> tuple[list[dict], bool]:
    """Each figure whose headline differs from the one kept a week earlier (``HealthWeek``, scope
    ``snapshot``): label, before, after and the change. This week's headlines are kept first (the first
    digest of the week writes them). Returns the figures and whether last week's were kept at all (not
    before the first digest)."""
    figures = [figure for figure in health.health_figures_for(scope) if figure.headline_label]
    week = week_of(scope.today)
    health_week_record(organization_id=scope.organization_id, scope=snapshot, week=week, figures=figures)
    kept = dict(HealthWeek.objects.for_org(scope.organization_id).filter(scope=snapshot, week=week - timedelta(days=7))
                .values_list("figure", "value"))
    moved = []
    for figure in figures:
        if figure.key not in kept:
            continue
        before = kept[figure.key]
        after = None if figure.headline is None else float(figure.headline)
        if before == after:
            continue
        change = "" if before is None or after is None else _change(before, after)
        moved.append({"label": figure.headline_label, "before": _shown(before), "after": _shown(after),
                      "change": change})
    return moved, bool(kept)


def _message(member: Membership, kind: str, *, subject: str, context: dict, url: str) -> ReminderMessage:
    site = settings.SITE_URL.rstrip("/")
    context = {**context, "member": member, "site_url": site, "organization": member.organization, "url": url,
               "unsubscribe_url": site + reverse("email_unsubscribe", args=[unsubscribe_token(member=member,
                                                                                               kind=kind)]),
               "preferences_url": site + reverse("notification_preferences", args=[member.organization.slug])}
    return ReminderMessage(subject=subject, text=render_to_string("alliance/email/digest.txt", context),
                           html=render_to_string("alliance/email/digest.html", context), url=url,
                           summary=context["summary"])


def build_manager_digest(reminder: Reminder) -> ReminderMessage | None:
    member = reminder.recipient
    if not member.is_manager:
        return None
    scope = health.health_scope(viewer=member, own_team=True)
    if not scope.member_ids:
        return None
    todo = health.manager_todo(member, team_ids=scope.member_ids)
    moved, compared = figures_that_moved(scope, snapshot=HealthWeek.team_scope(member.pk))
    waiting = sum(len(group.items) for group in todo)
    url = settings.SITE_URL.rstrip("/") + reverse("team_alliance_health", args=[member.organization.slug])
    summary = f"{waiting} thing{'s' if waiting != 1 else ''} to do" + (
        f"; {len(moved)} figure{'s' if len(moved) != 1 else ''} of your team moved." if compared else ".")
    return _message(member, MANAGER_DIGEST, subject=f"Your team's alliance this week: {waiting} to do", url=url,
                    context={"todo": todo, "moved": moved, "compared": compared, "summary": summary,
                             "for_team": True})


def build_hr_digest(reminder: Reminder) -> ReminderMessage | None:
    member = reminder.recipient
    if not can_see_organization_health(member):
        return None
    moved, compared = figures_that_moved(health.health_scope(viewer=member), snapshot=HealthWeek.ORGANIZATION)
    url = settings.SITE_URL.rstrip("/") + reverse("alliance_health", args=[member.organization.slug])
    summary = (f"{len(moved)} figure{'s' if len(moved) != 1 else ''} of the alliance moved since last week."
               if compared else "The alliance's figures this week, kept for next week's comparison.")
    return _message(member, HR_DIGEST, subject=f"The alliance at {member.organization.name} this week", url=url,
                    context={"todo": [], "moved": moved, "compared": compared, "summary": summary,
                             "for_team": False})


def register() -> None:
    from alliance.registry import register_beat_entry

    register_reminder_kind(MANAGER_DIGEST, "Weekly alliance digest: your to-do and your team", build_manager_digest,
                           default_channel="email", order=40)
    register_reminder_kind(HR_DIGEST, "Weekly alliance digest: the organization's figures that moved",
                           build_hr_digest, default_channel="email", order=41)
    register_beat_entry("alliance-digests", task="alliance.digests.sweep_alliance_digests", schedule=3600.0)
