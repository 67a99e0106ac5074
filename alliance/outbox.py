"""The e-mail outbox: every e-mail the product sends is a row written in the sender's transaction.

``OutboxBackend`` is Django's ``EMAIL_BACKEND``: ``send_mail``, ``EmailMessage.send()``, Django's own
password reset — each writes the rendered message as a row, in the transaction of the change that
sends it, so a refused change sends nothing and a saved change never fails because of the mail
server. The real transport (``OUTBOX_TRANSPORT_BACKEND``: SMTP, the file backend under `make run`,
locmem in tests) is used only by ``outbox_dispatch``, which a worker runs (``alliance.tasks.
dispatch_outbox``): enqueued after the commit that wrote rows, and every minute by beat as the safety
net, so a broker outage delays e-mail and never loses it.

Each due row is locked (``FOR UPDATE SKIP LOCKED``), sent and marked in its own transaction; a failed
attempt is retried with exponential backoff (``OUTBOX_RETRY_BASE_SECONDS`` doubling up to
``OUTBOX_RETRY_MAX_SECONDS``) until ``give_up_at`` (``OUTBOX_RETRY_FOR`` after it was written), then the
row is ``failed`` with the reason, the organization's admins hear of it (in-app, at most once a day)
and see it on the "Undelivered e-mail" page, where they send it again. A message the mail server
refuses for good (a 5xx answer) fails at once. Delivery is at least once: a worker that dies after
the server took the message and before the row is marked sent sends it again.

Rows of an organization are ``OutboundEmail`` (under row-level security, in the organization that was
the transaction's tenant); an e-mail written with no tenant set (a password reset asked for by
address) is a ``SystemEmail``, global like users, which operators see in the admin site.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from email.mime.base import MIMEBase
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import (
    EMAIL_ERROR_MAX,
    EMAIL_KIND_MAX,
    EMAIL_MESSAGE_MAX_BYTES,
    EMAIL_RECIPIENTS_MAX,
    EMAIL_SUBJECT_MAX,
    EmailRow,
    Membership,
    Notification,
    Organization,
    OutboundEmail,
    SystemEmail,
)
from alliance.notifications import notification_create
from alliance.rights import can_administer

logger = logging.getLogger(__name__)

DISPATCH_TASK = "alliance.tasks.dispatch_outbox"
# Names the kind of an e-mail (its row's ``kind``: "invitation", "expense"…); not sent.
KIND_HEADER = "X-Alliance-Kind"
REMINDER_HEADER = "X-Alliance-Reminder"  # "<kind>:<reminder id>" (alliance.delivery)
UNDELIVERED_KIND = "undelivered_email"
SCAN_SIZE = 100


# --- Writing rows ------------------------------------------------------------------------------------

def _bytes_of(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else bytes(content)


def email_row_fields(message: EmailMultiAlternatives) -> dict:
    """The row's fields for a Django e-mail message (its recipients, bodies, headers and attachments)."""
    headers = {str(name): str(value) for name, value in (message.extra_headers or {}).items()}
    if not any(name.lower() == "message-id" for name in headers):
        # Fixed when the row is written: a message sent again (a worker killed after the mail server took
        # it, before the row was marked sent) carries the same Message-ID, which mail systems deduplicate.
        headers["Message-ID"] = make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "alliance.invalid")
    kind = headers.pop(KIND_HEADER, "") or headers.get(REMINDER_HEADER, "").partition(":")[0]
    alternatives = [[content if isinstance(content, str) else _bytes_of(content).decode(), mimetype]
                    for content, mimetype in getattr(message, "alternatives", []) or []]
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("Attach files to an e-mail as (filename, content, mimetype), not as MIME parts.")
        filename, content, mimetype = attachment
        attachments.append([filename or "", base64.b64encode(_bytes_of(content)).decode(), mimetype or "",
                            isinstance(content, str)])
    recipients = {"to": list(message.to), "cc": list(message.cc), "bcc": list(message.bcc),
                  "reply_to": list(message.reply_to)}
    if any(len(addresses) > EMAIL_RECIPIENTS_MAX for addresses in recipients.values()):
        raise ValueError(f"An e-mail goes to at most {EMAIL_RECIPIENTS_MAX} addresses of each kind.")
    size = (len(_bytes_of(message.subject)) + len(_bytes_of(message.body or ""))
            + sum(len(_bytes_of(content)) for content, _ in alternatives)
            + sum(len(content) * 3 // 4 for _, content, _, _ in attachments))
    if size > EMAIL_MESSAGE_MAX_BYTES:
        raise ValueError(f"An e-mail of {size} bytes is over the outbox's {EMAIL_MESSAGE_MAX_BYTES}.")
    now = timezone.now()
    return {
        "kind": kind[:EMAIL_KIND_MAX], "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        **recipients, "subject": " ".join(str(message.subject).split())[:EMAIL_SUBJECT_MAX],
        "body": message.body or "", "alternatives": alternatives, "attachments": attachments,
        "headers": headers, "size_bytes": size, "next_attempt_at": now, "give_up_at": now + settings.OUTBOX_RETRY_FOR,
    }


def email_message_of(row: EmailRow) -> EmailMultiAlternatives:
    """The Django e-mail message a row holds, for the transport."""
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=row.from_email, to=row.to, cc=row.cc, bcc=row.bcc,
        reply_to=row.reply_to, headers=dict(row.headers),
    )
    for content, mimetype in row.alternatives:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype, is_text in row.attachments:
        raw = base64.b64decode(content)
        message.attach(filename or None, raw.decode() if is_text else raw, mimetype or None)
    return message


def email_send(*, kind: str, to: str, subject: str, text: str, html: str = "") -> None:
    """Write one e-mail to the outbox in the current transaction; the worker sends it after the commit."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers={KIND_HEADER: kind})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


class OutboxBackend(BaseEmailBackend):
    """``EMAIL_BACKEND``: writes each message as an outbox row in the current transaction."""

    def send_messages(self, email_messages) -> int:
        written = 0
        organization_id = None
        for message in email_messages or []:
            if not message.recipients():
                continue
            if written == 0:
                organization_id = tenancy.current_tenant()
            fields = email_row_fields(message)
            if organization_id is None:
                SystemEmail.objects.create(**fields)
            else:
                OutboundEmail.objects.create(organization_id=organization_id, **fields)
            written += 1
        if written:
            dispatch_after_commit()
        return written


# --- Telling a worker --------------------------------------------------------------------------------

_deferred: ContextVar[list[bool] | None] = ContextVar("outbox_dispatch_deferred", default=None)


def _enqueue_dispatch() -> None:
    """Ask a worker to send what is due. Never raises: with the broker away, beat's minute entry sends it."""
    from alliance.celery import app

    try:
        app.send_task(DISPATCH_TASK, retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2})
    except Exception as error:  # noqa: BLE001 - the rows are saved; the beat entry dispatches them
        logger.warning("could not enqueue the e-mail dispatch (beat sends it within a minute): %r", error)


def dispatch_after_commit() -> None:
    """Enqueue one dispatch when the current transaction commits (once, however many rows it wrote)."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.append(True)
        return
    if any(callback is _enqueue_dispatch for _, callback, *_ in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_dispatch)


@contextmanager
def dispatch_once() -> Iterator[None]:
    """Inside, rows enqueue no dispatch each; one is enqueued at the end if any was written (a batch of
    reminders, each in its own transaction, asks for one dispatch instead of five hundred)."""
    token = _deferred.set([])
    try:
        yield
    finally:
        written = bool(_deferred.get())
        _deferred.reset(token)
        if written:
            transaction.on_commit(_enqueue_dispatch)


# --- Sending ------------------------------------------------------------------------------------------

def _due(*, exclude: set[tuple[str, int]]) -> list[tuple[type[EmailRow], int | None, int]]:
    """(model, organization id, row id) of up to SCAN_SIZE due rows, oldest due first."""
    now = timezone.now()
    found: list[tuple[type[EmailRow], int | None, int]] = []
    with tenancy.cross_tenant(reason="e-mail outbox: find the e-mails due for sending"):
        rows = (OutboundEmail.objects.filter(status=EmailRow.Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("organization_id", "id")[: SCAN_SIZE + len(exclude)])
        found += [(OutboundEmail, org_id, pk) for org_id, pk in rows if ("org", pk) not in exclude]
    rows = (SystemEmail.objects.filter(status=EmailRow.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at").values_list("id", flat=True)[: SCAN_SIZE + len(exclude)])
    found += [(SystemEmail, None, pk) for pk in rows if ("system", pk) not in exclude]
    return found[:SCAN_SIZE]


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a row is tried again."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _is_permanent(error: Exception) -> bool:
    """The mail server refused this message for good (a 5xx answer): retrying will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _waiting_soonest() -> tuple[type[EmailRow], int | None, int] | None:
    """The row that failed before and waits the longest-standing backoff out soonest, if any."""
    waiting = Q(status=EmailRow.Status.PENDING, attempts__gt=0, next_attempt_at__gt=timezone.now())
    with tenancy.cross_tenant(reason="e-mail outbox: find an e-mail to probe the mail server with"):
        row = OutboundEmail.objects.filter(waiting).order_by("next_attempt_at").values_list("organization_id", "id")[:1]
        if row:
            return OutboundEmail, row[0][0], row[0][1]
    pk = SystemEmail.objects.filter(waiting).order_by("next_attempt_at").values_list("id", flat=True).first()
    return (SystemEmail, None, pk) if pk is not None else None


def _make_waiting_due() -> None:
    """The mail server answers again: every row waiting out a backoff is due now."""
    now = timezone.now()
    waiting = Q(status=EmailRow.Status.PENDING, next_attempt_at__gt=now)
    with tenancy.cross_tenant(reason="e-mail outbox: the mail server is back, send what waited"):
        OutboundEmail.objects.filter(waiting).update(next_attempt_at=now)
    SystemEmail.objects.filter(waiting).update(next_attempt_at=now)


def _send_one(model: type[EmailRow], organization_id: int | None, row_id: int, transport, *,
              early: bool = False) -> str:
    context = tenancy.tenant_context(organization_id) if organization_id is not None else transaction.atomic()
    with context:
        now = timezone.now()
        due = Q() if early else Q(next_attempt_at__lte=now)
        row = (model.objects.select_for_update(skip_locked=True)
               .filter(due, pk=row_id, status=EmailRow.Status.PENDING).first())
        if row is None:  # sent meanwhile, or another worker is sending it right now
            return "locked-or-done"
        row.attempts += 1
        try:
            if transport.send_messages([email_message_of(row)]) != 1:
                raise smtplib.SMTPException("the transport accepted no message")
        except Exception as error:  # noqa: BLE001 - whatever the transport says, the row records it
            transport.close()  # a broken connection is opened afresh for the next row
            return _record_failure(row, error, now=now)
        row.status, row.sent_at = EmailRow.Status.SENT, timezone.now()
        row.save(update_fields=["status", "attempts", "sent_at", "updated_at"])
        return "sent"


def _record_failure(row: EmailRow, error: Exception, *, now) -> str:
    row.last_error = f"{error.__class__.__name__}: {error}"[:EMAIL_ERROR_MAX]
    if _is_permanent(error) or now >= row.give_up_at:
        row.status = EmailRow.Status.FAILED
        logger.error("e-mail %s (%s) to %s failed for good: %s", row.pk, row.kind, row.to, row.last_error)
        if isinstance(row, OutboundEmail):
            _tell_admins(row.organization_id)
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
        logger.warning("e-mail %s to %s failed (attempt %s, next at %s): %s", row.pk, row.to, row.attempts,
                       row.next_attempt_at.isoformat(), row.last_error)
    row.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "updated_at"])
    return "failed" if row.status == EmailRow.Status.FAILED else "retrying"


def _tell_admins(organization_id: int) -> None:
    """An in-app notification to each active admin, at most one a day each."""
    since = timezone.now() - timedelta(days=1)
    told = Notification.objects.for_org(organization_id).filter(kind=UNDELIVERED_KIND, created_at__gte=since)
    slug = Organization.objects.filter(pk=organization_id).values_list("slug", flat=True).first()
    admins = (Membership.objects.for_org(organization_id)
              .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
              .exclude(pk__in=told.values("recipient_id")))
    for admin in admins:
        notification_create(
            recipient=admin, kind=UNDELIVERED_KIND, title="Some e-mail could not be delivered",
            body="The mail server refused it or stayed unreachable. See what and why, and send it again.",
            url=reverse("undelivered_email", args=[slug]),
        )


def outbox_dispatch(*, budget_seconds: float | None = None) -> tuple[dict[str, int], bool]:
    """Send the due rows, each in its own transaction, for up to ``budget_seconds``.

    When nothing at all is due but rows wait out a backoff after failures, one of them is tried early
    (so at most once a minute, from beat, while the mail server is down): when it goes through, the mail
    server is back, and every waiting row is due at once, so an outage's mail arrives within about a
    minute of its end however long the backoff had grown.

    Returns the outcomes and whether due rows are left (the budget ran out first)."""
    budget = settings.OUTBOX_DISPATCH_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    outcomes: Counter[str] = Counter()
    tried: set[tuple[str, int]] = set()
    probed = False
    transport = get_connection(settings.OUTBOX_TRANSPORT_BACKEND)
    try:
        while True:
            due = _due(exclude=tried)
            if not due and not tried and not probed:
                probed = True
                waiting = _waiting_soonest()
                if waiting is not None:
                    model, organization_id, row_id = waiting
                    outcome = _send_one(model, organization_id, row_id, transport, early=True)
                    outcomes[outcome] += 1
                    if outcome == "sent":
                        _make_waiting_due()
                    continue
            if not due:
                return dict(outcomes), False
            for model, organization_id, row_id in due:
                if time.monotonic() >= deadline:
                    return dict(outcomes), True
                tried.add(("org" if organization_id is not None else "system", row_id))
                outcomes[_send_one(model, organization_id, row_id, transport)] += 1
    finally:
        transport.close()


# --- A person's right to be erased ---------------------------------------------------------------------

def outbound_emails_forget(*, organization_id: int, mentions: list[str]) -> int:
    """Delete the organization's e-mails (sent, pending or failed) to or about a person being erased —
    addressed to one of their addresses or naming them — and the e-mails outside any organization sent
    to their addresses: the outbox keeps no copy of them. Returns how many rows went."""
    texts = [text for text in mentions if text]
    if not texts:
        return 0
    rows = OutboundEmail.objects.for_org(organization_id).annotate(
        _addresses=Cast("to", TextField()), _copies=Cast("cc", TextField()), _blind=Cast("bcc", TextField()),
        _parts=Cast("alternatives", TextField()))
    about = Q(pk__in=[])
    for text in texts:
        about |= (Q(_addresses__icontains=text) | Q(_copies__icontains=text) | Q(_blind__icontains=text)
                  | Q(subject__icontains=text) | Q(body__icontains=text) | Q(_parts__icontains=text))
    deleted = rows.filter(about).delete()[0]
    addresses = [text.lower() for text in texts if "@" in text]
    deleted += SystemEmail.objects.filter(to__overlap=addresses).delete()[0] if addresses else 0
    return deleted


# --- Undelivered e-mail: the admins' page ------------------------------------------------------------

def undelivered_email_list(*, member: Membership) -> QuerySet[OutboundEmail]:
    """The organization's e-mail that failed for good, newest first (admins only; others see none)."""
    if not can_administer(member):
        return OutboundEmail.objects.none()
    return (OutboundEmail.objects.for_org(member.organization_id).filter(status=EmailRow.Status.FAILED)
            .order_by("-created_at", "-id"))


def get_undelivered_email_for_member(member: Membership, email_id: int) -> OutboundEmail:
    """One undelivered e-mail of the member's organization; 404 when missing, sent, or not theirs to see."""
    found = undelivered_email_list(member=member).filter(pk=email_id).first()
    if found is None:
        raise Http404("No such undelivered e-mail.")
    return found


def _check_admin(by: Membership) -> None:
    if not can_administer(by):
        raise NotAllowed("Only an administrator can send undelivered e-mail again.")


def _requeue(rows: QuerySet) -> int:
    now = timezone.now()
    count = rows.update(status=EmailRow.Status.PENDING, next_attempt_at=now,
                        give_up_at=now + settings.OUTBOX_RETRY_FOR, updated_at=now)
    if count:
        dispatch_after_commit()
    return count


@transaction.atomic
def system_emails_retry(rows: QuerySet[SystemEmail]) -> int:
    """Operators (the admin site): send failed e-mails outside any organization again."""
    return _requeue(rows.filter(status=EmailRow.Status.FAILED))


@transaction.atomic
def outbound_email_retry(*, email: OutboundEmail, by: Membership) -> OutboundEmail:
    """Send a failed e-mail again: pending, due now, retried for another ``OUTBOX_RETRY_FOR``."""
    _check_admin(by)
    if email.organization_id != by.organization_id or email.status != EmailRow.Status.FAILED:
        raise ApplicationError("This e-mail is not undelivered any more.")
    _requeue(OutboundEmail.objects.for_org(by.organization_id).filter(pk=email.pk, status=EmailRow.Status.FAILED))
    email.refresh_from_db()
    return email


@transaction.atomic
def outbound_emails_retry_all(*, by: Membership) -> int:
    """Send every failed e-mail of the organization again; returns how many."""
    _check_admin(by)
    return _requeue(undelivered_email_list(member=by))


# --- Health -------------------------------------------------------------------------------------------

_health: dict[tuple, tuple[float, str]] = {}


def mail_transport_health() -> str:
    """"ok", or "error: <kind>": can the transport reach its mail server? An SMTP transport is asked
    with a connection and NOOP (2 s at most); the answer is kept ``OUTBOX_HEALTH_CACHE_SECONDS`` in
    this process, so a probe every few seconds does not open a connection each. Other transports
    (file, locmem, console) have no server: always "ok"."""
    backend = settings.OUTBOX_TRANSPORT_BACKEND
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        return "ok"
    key = (backend, settings.EMAIL_HOST, settings.EMAIL_PORT)
    checked = _health.get(key)
    if checked is not None and time.monotonic() - checked[0] < settings.OUTBOX_HEALTH_CACHE_SECONDS:
        return checked[1]
    try:
        transport = get_connection(backend, fail_silently=False, timeout=2)
        transport.open()
        try:
            code, _ = transport.connection.noop()
        finally:
            transport.close()
        answer = "ok" if code == 250 else f"error: NOOP answered {code}"
    except Exception as error:  # noqa: BLE001 - any failure means the mail server is not reachable
        answer = f"error: {error.__class__.__name__}"
    _health[key] = (time.monotonic(), answer)
    return answer

