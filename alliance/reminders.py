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
``alliance.tasks.requeue_stale_reminders`` re-enqueues rows that stayed pending too long.
Delivery lives in alliance.delivery, below both this module and the tasks that call it;
``reminder_deliver`` is also named here, beside the ledger it sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from django.db import connection, transaction
from django.utils import timezone

from alliance import tenancy
from alliance.delivery import DELIVERY_BATCH
from alliance.delivery import reminder_deliver as reminder_deliver  # the ledger's public name for sending one
from alliance.models import Reminder
from alliance.tasks import deliver_reminder_batch as deliver_reminder_batch_task

logger = logging.getLogger(__name__)


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

    Runs after the commit that claimed the reminders, so it never raises: with the broker away the
    claimed rows stay pending, and ``alliance.tasks.requeue_stale_reminders`` enqueues them once it is
    back (the change that claimed them, a checkpoint moved in the browser, answers as usual).
    """
    try:
        with deliver_reminder_batch_task.app.producer_or_acquire() as producer:
            for batch in batches:
                summary = f"[{sum(len(ids) for _, ids in batch)} reminders of {len(batch)} organizations]"
                deliver_reminder_batch_task.apply_async((batch,), producer=producer, argsrepr=summary, retry=True,
                                                        retry_policy={"max_retries": 1, "interval_start": 0.2})
    except Exception as error:  # noqa: BLE001 - the rows are saved and pending; the requeue sends them
        logger.warning("could not enqueue %s reminder deliveries (the stale requeue sends them): %r",
                       len(batches), error)


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
