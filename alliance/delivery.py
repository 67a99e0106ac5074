"""Delivering the reminder ledger's claimed rows, below both the ledger (alliance.reminders) and the tasks
that send (alliance.tasks).

``reminder_deliver`` locks one row (``FOR UPDATE SKIP LOCKED``), asks the kind's builder
whether the reminder is still relevant, writes it for the recipient's chosen channels — the
in-app notification, and the e-mail as an outbox row (alliance.outbox) — and marks the row
sent, all in the reminder's one transaction: the mail server cannot fail a reminder, and a mail
outage never takes the notification with it; the outbox retries the e-mail on its own.
``reminder_record_failure`` notes a failed attempt (the database away, a defect);
``reminders_take_stale`` finds the rows left pending too long, for
``alliance.tasks.requeue_stale_reminders`` to enqueue again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from alliance import tenancy
from alliance.limits import DELIVERY_ERROR_MAX
from alliance.models import Reminder
from alliance.notifications import Channel, channel_for, notification_create
from alliance.registry import reaches_alumni, reminder_builder
from alliance.webhooks.chat import chat_forward

# A claimed row still pending this long after it was claimed (or last requeued) lost its broker message
# or its worker: beat's minute entry enqueues it again, so it is delivered within 2 minutes. A row being
# delivered right now is locked, and its second delivery finds it sent.
STALE_AFTER = timedelta(seconds=60)
# Claimed reminders travel to the worker in batches: one broker message per batch
# of up to DELIVERY_BATCH reminders (of one organization or of several small ones),
# each reminder still locked, sent and marked on its own, in its organization's context,
# so a redelivered or repeated message sends nothing twice. 500 keeps a sweep of 20,000
# reminders at 40 messages (publishing them takes milliseconds, not a second) while a
# batch still ends well inside the task time limit (14 minutes: 1.6 s per reminder).
DELIVERY_BATCH = 500


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
        return f"already-{reminder.status}"  # an earlier run did it: this one did nothing
    recipient = reminder.recipient
    message = None
    as_alumnus = recipient.status == "alumnus" and reaches_alumni(reminder.kind)
    if (recipient.is_active or as_alumnus) and recipient.user.is_active:
        with timezone.override(recipient.user.time_zone):
            message = reminder_builder(reminder.kind)(reminder)
    if message is None:
        _finish(reminder, Reminder.Status.SKIPPED)
        return Reminder.Status.SKIPPED
    # Slack or Teams, when the person sends this kind there (alliance.webhooks.chat): beside the bell and e-mail.
    forwarded = recipient.is_active and chat_forward(recipient=recipient, kind=reminder.kind, title=message.subject,
                                                     url=message.url)
    # An alumnus keeps a bell (the notifications page is open to alumni) and their chosen channels.
    channel = channel_for(member=recipient, kind=reminder.kind)
    if channel == Channel.OFF:
        status = Reminder.Status.SENT if forwarded else Reminder.Status.SKIPPED
        _finish(reminder, status)
        return status
    if channel in (Channel.BOTH, Channel.IN_APP):
        notification_create(
            recipient=recipient, kind=reminder.kind, title=message.subject, body=message.summary or message.text,
            url=message.url, reminder=reminder, topic=f"{reminder.kind}:{reminder.subject_id}",
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
        email.send()  # an outbox row in this transaction (alliance.outbox): sent by the dispatcher
    _finish(reminder, Reminder.Status.SENT)
    return Reminder.Status.SENT


def _finish(reminder: Reminder, status: str) -> None:
    reminder.status = status
    reminder.attempts += 1
    reminder.sent_at = timezone.now() if status == Reminder.Status.SENT else None
    reminder.save(update_fields=["status", "attempts", "sent_at", "updated_at"])


def reminder_record_failure(*, organization_id: int, reminder_id: int, error: str, final: bool) -> None:
    """Note a failed attempt (in its own transaction: the delivery's was rolled back). Raises when the
    database is away: the caller logs it and retries the delivery, never only the note."""
    with tenancy.tenant_context(organization_id):
        updates = {"last_error": error[:DELIVERY_ERROR_MAX], "attempts": F("attempts") + 1,
                   "updated_at": timezone.now()}
        if final:
            updates["status"] = Reminder.Status.FAILED
        Reminder.objects.for_org(organization_id).filter(
            pk=reminder_id, status=Reminder.Status.PENDING
        ).update(**updates)


def reminders_take_stale(*, older_than: timedelta = STALE_AFTER) -> dict[int, list[int]]:
    """Ledger rows left pending (e.g. the broker lost the task), by organization, touched so that the
    next pass leaves them alone; the caller enqueues their delivery again. Cross-tenant."""
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
    return by_org
