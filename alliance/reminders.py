"""The reminder ledger: claim before sending, send once, never lose one.

A sweep (a beat task in the app that owns the subject, e.g. tours/tasks.py)
selects what is due across organizations with set-based, indexed queries — the one
explicit cross-tenant path — and hands the result to ``reminders_claim``, which
inserts the ledger rows of every organization in one statement with
``ON CONFLICT DO NOTHING``. Only rows that were really inserted are enqueued, after
commit, to ``alliance.tasks.deliver_reminders``. A second sweep, a retried task or two
beat processes racing therefore find the rows there and enqueue nothing.

Delivery locks the row (``FOR UPDATE SKIP LOCKED``), asks the kind's builder
whether the reminder is still relevant (nothing is sent for what is done,
cancelled, or to someone no longer active), sends by the recipient's chosen
channels and marks the row sent. A worker killed mid-send leaves the row
``pending``: the task is redelivered (late acks, reject on worker lost), and
``reminders_requeue_stale`` re-enqueues rows that stayed pending too long.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import orjson
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from alliance import tenancy
from alliance.models import Reminder
from alliance.notifications import Channel, channel_for, notification_create
from alliance.registry import reaches_alumni, reminder_builder
from alliance.tasks import deliver_reminder_batch as deliver_reminder_batch_task
from alliance.tasks import deliver_reminders as deliver_reminders_task

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
# Claimed reminders travel to the worker in batches: one broker message per batch
# of up to DELIVERY_BATCH reminders (of one organization or of several small ones),
# each reminder still locked, sent and marked on its own, in its organization's context,
# so a redelivered or repeated message sends nothing twice. 500 keeps a sweep of 20,000
# reminders at 40 messages (publishing them takes milliseconds, not a second) while a
# batch still ends well inside the task time limit (14 minutes: 1.6 s per reminder).
DELIVERY_BATCH = 500


@dataclass(frozen=True)
class DueReminder:
    organization_id: int
    kind: str
    subject_id: int
    recipient_id: int
    window: str
    due_at: datetime


@dataclass
class ReminderMessage:
    """What a kind's builder says to send; ``None`` from a builder means: skip it."""

    subject: str
    text: str
    html: str = ""
    url: str = ""
    summary: str = ""  # the in-app notification's body; the e-mail text when empty
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


# An app registers each of its kinds with a builder (alliance.registry.register_reminder_kind).
Builder = Callable[[Reminder], "ReminderMessage | None"]


def reminders_claim(due: Iterable[DueReminder]) -> list[tuple[int, int]]:
    """Insert ledger rows for what is due; return (organization_id, reminder_id) of new ones.

    One set-based statement for every organization at once, inside the audited
    cross-tenant path (the RLS policy admits it there): ``INSERT … SELECT FROM
    json_to_recordset(…) ON CONFLICT DO NOTHING RETURNING``, whose new ids come back
    grouped by organization. Its cost does not grow with the number of organizations.
    Rows that exist already (claimed by an earlier or concurrent sweep) are left alone;
    delivery of the new ones is enqueued after commit, in messages of ``DELIVERY_BATCH``
    reminders.

    The due rows travel as one JSON parameter (orjson writes the dataclasses and their
    aware datetimes as they are): 20,000 rows cost tens of milliseconds to write and read,
    where six ``ARRAY[…]`` parameters of 20,000 elements each took about as long to render,
    parse and plan as the insert itself.
    """
    items = list(due)
    if not items:
        return []
    table = Reminder._meta.db_table
    with tenancy.cross_tenant(reason="reminder sweep: claim due reminders in the ledger"):
        with connection.cursor() as cursor:
            # Only the table name is interpolated; every value is a parameter.
            cursor.execute(
                f"""
                WITH claimed AS (
                    INSERT INTO {table} (organization_id, kind, subject_id, recipient_id, "window", due_at,
                                         status, attempts, last_error, created_at, updated_at)
                    SELECT d.organization_id, d.kind, d.subject_id, d.recipient_id, d."window", d.due_at,
                           'pending', 0, '', %(now)s, %(now)s
                    FROM json_to_recordset(%(due)s::json)
                         AS d(organization_id bigint, kind text, subject_id bigint, recipient_id bigint,
                              "window" text, due_at timestamptz)
                    ON CONFLICT (organization_id, kind, subject_id, recipient_id, "window") DO NOTHING
                    RETURNING organization_id, id
                )
                SELECT organization_id, array_agg(id ORDER BY id) FROM claimed
                GROUP BY organization_id ORDER BY organization_id
                """,  # noqa: S608
                {"due": orjson.dumps(items).decode(), "now": timezone.now()},
            )
            by_organization: list[tuple[int, list[int]]] = cursor.fetchall()
        batches = delivery_batches(by_organization)
        if batches:
            transaction.on_commit(lambda: _enqueue_deliveries(batches))
    return [(organization_id, reminder_id) for organization_id, ids in by_organization for reminder_id in ids]


def delivery_batches(by_organization: list[tuple[int, list[int]]]) -> list[list[tuple[int, list[int]]]]:
    """(organization_id, [reminder ids]) in order, cut into messages of at most DELIVERY_BATCH reminders.

    Small organizations share a message; a large one fills as many as it needs.
    """
    batches: list[list[tuple[int, list[int]]]] = []
    current: list[tuple[int, list[int]]] = []
    room = DELIVERY_BATCH
    for organization_id, ids in by_organization:
        start = 0
        while start < len(ids):
            if room == 0:
                batches.append(current)
                current, room = [], DELIVERY_BATCH
            part = ids[start : start + room]
            current.append((organization_id, part))
            start += len(part)
            room -= len(part)
    if current:
        batches.append(current)
    return batches


def _enqueue_deliveries(batches: list[list[tuple[int, list[int]]]]) -> None:
    """Publish every batch through one broker connection (not one pool checkout per message).

    The message's ``argsrepr`` (what logs and monitoring show of its arguments) is a short
    summary: left to Celery, it is a truncated repr of 500 ids, built reminder by reminder.
    """
    with deliver_reminder_batch_task.app.producer_or_acquire() as producer:
        for batch in batches:
            summary = f"[{sum(len(ids) for _, ids in batch)} reminders of {len(batch)} organizations]"
            deliver_reminder_batch_task.apply_async((batch,), producer=producer, argsrepr=summary)


def reminder_deliver(*, organization_id: int, reminder_id: int) -> str:
    """Send one claimed reminder; returns its final status. Call inside tenant_context."""
    reminder = (
        Reminder.objects.for_org(organization_id)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient__user", "recipient__organization")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:  # gone, or another worker is delivering it right now
        return "locked-or-gone"
    if reminder.status != Reminder.Status.PENDING:
        return reminder.status
    recipient = reminder.recipient
    message = None
    as_alumnus = recipient.status == "alumnus" and reaches_alumni(reminder.kind)
    if (recipient.is_active or as_alumnus) and recipient.user.is_active:
        with timezone.override(recipient.user.time_zone):
            message = reminder_builder(reminder.kind)(reminder)
    if message is None:
        _finish(reminder, Reminder.Status.SKIPPED)
        return Reminder.Status.SKIPPED
    # An alumnus has no bell any more: e-mail only, to their sign-in (personal) address.
    channel = channel_for(member=recipient, kind=reminder.kind) if recipient.is_active else Channel.EMAIL
    if channel in (Channel.BOTH, Channel.IN_APP):
        notification_create(
            recipient=recipient, kind=reminder.kind, title=message.subject, body=message.summary or message.text,
            url=message.url, reminder=reminder,
        )
    if channel in (Channel.BOTH, Channel.EMAIL):
        email = EmailMultiAlternatives(
            subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.user.email], headers={"X-Alliance-Reminder": f"{reminder.kind}:{reminder.pk}"},
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for filename, content, mimetype in message.attachments:
            if mimetype.startswith("text/calendar"):
                # Also as a part of the message itself, which is what makes mail clients offer
                # "add to calendar" and update the event they have (text/calendar; method=…).
                email.attach_alternative(content.decode() if isinstance(content, bytes) else content, mimetype)
            email.attach(filename, content, mimetype)
        email.send()  # raises on a transport error; the task retries with backoff
    _finish(reminder, Reminder.Status.SENT)
    return Reminder.Status.SENT


def _finish(reminder: Reminder, status: str) -> None:
    reminder.status = status
    reminder.attempts += 1
    reminder.sent_at = timezone.now() if status == Reminder.Status.SENT else None
    reminder.save(update_fields=["status", "attempts", "sent_at", "updated_at"])


def reminder_record_failure(*, organization_id: int, reminder_id: int, error: str, final: bool) -> None:
    """Note a failed attempt (in its own transaction: the delivery's was rolled back)."""
    with tenancy.tenant_context(organization_id):
        updates = {"last_error": error[:1000], "attempts": F("attempts") + 1, "updated_at": timezone.now()}
        if final:
            updates["status"] = Reminder.Status.FAILED
        Reminder.objects.for_org(organization_id).filter(
            pk=reminder_id, status=Reminder.Status.PENDING
        ).update(**updates)


def reminders_requeue_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Re-enqueue ledger rows left pending (e.g. the broker lost the task). Cross-tenant."""
    cutoff = timezone.now() - older_than
    with tenancy.cross_tenant(reason="reminder sweep: re-enqueue stale pending reminders"):
        stale = list(
            Reminder.objects.filter(status=Reminder.Status.PENDING, updated_at__lt=cutoff)
            .order_by("organization_id", "id")
            .values_list("organization_id", "id")[:5000]
        )
        by_org: dict[int, list[int]] = defaultdict(list)
        for organization_id, reminder_id in stale:
            by_org[organization_id].append(reminder_id)
        Reminder.objects.filter(pk__in=[reminder_id for _, reminder_id in stale]).update(updated_at=timezone.now())
        for organization_id, ids in by_org.items():
            for start in range(0, len(ids), DELIVERY_BATCH):
                deliver_reminders_task.delay_on_commit(organization_id, ids[start : start + DELIVERY_BATCH])
    return len(stale)


def notify(*, kind: str, subject_id: int, recipient, window: str) -> None:
    """A workflow notification (a tour proposed, a checkpoint moved…), sent like a reminder.

    One ledger row per (kind, subject, recipient, window), so the same event never reaches
    a person twice; the kind's builder writes the message at delivery, in the recipient's
    time zone and through their chosen channels. Call it inside the change's transaction:
    delivery is enqueued on commit, so a refused change sends nothing.
    """
    if recipient is None:
        return
    reminders_claim([DueReminder(organization_id=recipient.organization_id, kind=kind, subject_id=subject_id,
                                 recipient_id=recipient.pk, window=window[:40], due_at=timezone.now())])
