"""The weekly digest: new notes on what a member follows, through the reminder ledger.

The sweep runs often (beat); in ISO week W it claims, once per member, the digest of
week W-1 (Monday 00:00 to Monday 00:00, UTC): the ledger key is (``intel_digest``,
member, member, ``W``), so however often the sweep runs, a member gets one digest a
week. The candidate query is one set-based, cross-tenant statement over notes created
in that week (index on ``created_at``); the builder then lists what the member may see
with ``notes_visible_to`` — when nothing is left (say every new note was private to
its team), the reminder is skipped and nothing is sent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.models import Reminder
from alliance.registry import register_notification_kind, register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from network_intel.selectors.notes import digest_notes

DIGEST = "intel_digest"

DUE_SQL = """
    WITH recent AS MATERIALIZED (
        SELECT organization_id, id, author_id FROM network_intel_intelnote
        WHERE created_at >= %(since)s AND created_at < %(until)s AND visibility <> 'private' AND deleted_at IS NULL
    ), hits AS (
        SELECT f.organization_id, f.member_id FROM network_intel_follow f
        JOIN network_intel_intelnotecompany l ON l.organization_id = f.organization_id AND l.company_id = f.company_id
        JOIN recent r ON r.organization_id = l.organization_id AND r.id = l.note_id AND r.author_id <> f.member_id
        UNION
        SELECT f.organization_id, f.member_id FROM network_intel_follow f
        JOIN network_intel_intelnotetag l ON l.organization_id = f.organization_id AND l.tag_id = f.tag_id
        JOIN recent r ON r.organization_id = l.organization_id AND r.id = l.note_id AND r.author_id <> f.member_id
    )
    SELECT h.organization_id, h.member_id FROM hits h
    JOIN alliance_membership m ON m.id = h.member_id AND m.organization_id = h.organization_id
    WHERE m.status = 'active' AND NOT EXISTS (
        SELECT 1 FROM alliance_reminder r
        WHERE r.organization_id = h.organization_id AND r.kind = %(kind)s AND r.subject_id = h.member_id
          AND r.recipient_id = h.member_id AND r."window" = %(window)s)
    ORDER BY h.organization_id, h.member_id
"""


def week_window(now: datetime) -> str:
    year, week, _ = now.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def covered_period(window: str) -> tuple[datetime, datetime]:
    """The week a digest sent in ``window`` covers: the ISO week before it, in UTC."""
    year, week = window.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    until = datetime.combine(monday, time.min, tzinfo=UTC)
    return until - timedelta(days=7), until


def due_digests(now: datetime) -> list[DueReminder]:
    window = week_window(now)
    since, until = covered_period(window)
    with connection.cursor() as cursor:
        cursor.execute(DUE_SQL, {"since": since, "until": until, "kind": DIGEST, "window": window})
        rows = cursor.fetchall()
    return [DueReminder(org, DIGEST, member_id, member_id, window, now) for org, member_id in rows]


def sweep(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="reminder sweep: weekly intel digests"):
        due = due_digests(now)
    return len(reminders_claim(due))


def build_digest(reminder: Reminder) -> ReminderMessage | None:
    member = reminder.recipient
    since, until = covered_period(reminder.window)
    notes = digest_notes(member=member, since=since, until=until)
    if not notes:
        return None
    slug = member.organization.slug
    site = settings.SITE_URL.rstrip("/")
    items = [{"note": note, "url": site + reverse("network_intel:note_detail", args=[slug, note.pk])}
             for note in notes]
    url = site + reverse("network_intel:follows", args=[slug])
    context = {"member": member, "items": items, "since": since, "until": until - timedelta(seconds=1),
               "url": url, "organization": member.organization}
    count = len(notes)
    subject = f"{count} new note{'s' if count != 1 else ''} on what you follow"
    return ReminderMessage(
        subject=subject,
        text=render_to_string("network_intel/email/digest.txt", context),
        html=render_to_string("network_intel/email/digest.html", context),
        summary=", ".join(note.title for note in notes[:5]) + (" …" if count > 5 else ""),
        url=url,
    )


def register() -> None:
    register_reminder_kind(DIGEST, "Weekly digest of what you follow (network intelligence)", build_digest,
                           order=30)
    register_notification_kind("intel_introduction", "Introduction requests and answers", order=31)
