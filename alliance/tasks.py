from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from alliance import tenancy
from alliance.delivery import DELIVERY_BATCH, reminder_deliver, reminder_record_failure, reminders_take_stale

logger = logging.getLogger(__name__)


@shared_task
def heartbeat() -> str:
    """Beat's sign of life: proves the schedule, the broker and a worker all run."""
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now


@shared_task
def prune_idempotency_keys() -> int:
    """Forget the API's kept answers once their keys are past ``IDEMPOTENCY_KEEP`` (hourly)."""
    from alliance.idempotency import idempotent_requests_prune

    return idempotent_requests_prune()


# Transient failures of the mail transport or the database: retried with exponential backoff.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError, OperationalError, InterfaceError)
MAX_DELIVERY_RETRIES = 6


def _deliver(organization_id: int, reminder_ids: list[int], *, final: bool) -> tuple[dict[str, int], list[int]]:
    """Deliver each reminder in its own transaction; return the outcomes and the ids to retry."""
    outcomes: dict[str, int] = {}
    failed: list[int] = []
    for reminder_id in reminder_ids:
        try:
            with tenancy.tenant_context(organization_id):
                outcome = reminder_deliver(organization_id=organization_id, reminder_id=reminder_id)
        except TRANSIENT_ERRORS as error:
            reminder_record_failure(
                organization_id=organization_id, reminder_id=reminder_id, error=repr(error), final=final
            )
            outcome = "failed" if final else "retrying"
            if final:
                logger.error("reminder %s of organization %s failed for good: %r", reminder_id, organization_id, error)
            else:
                failed.append(reminder_id)
        except Exception as error:
            # A defect (a template error, an unknown kind…) will not heal by retrying:
            # record it, mark this reminder failed, and deliver the rest of the batch.
            logger.exception("reminder %s of organization %s failed", reminder_id, organization_id)
            reminder_record_failure(
                organization_id=organization_id, reminder_id=reminder_id, error=repr(error), final=True
            )
            outcome = "failed"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes, failed


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_DELIVERY_RETRIES)
def deliver_reminders(self, organization_id: int, reminder_ids: list[int]) -> dict[str, int]:
    """Send claimed reminders of one organization (see alliance.reminders and alliance.delivery). Safe to run twice.

    Each reminder is delivered in its own transaction, so one failing address does
    not hold back the others; the ones that failed transiently are retried, alone,
    with exponential backoff.
    """
    outcomes, failed = _deliver(organization_id, reminder_ids, final=self.request.retries >= MAX_DELIVERY_RETRIES)
    if failed:
        # 5 s, 10 s, 20 s … 160 s by default: well inside the broker's visibility timeout.
        countdown = settings.REMINDER_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(args=(organization_id, failed), countdown=countdown)
    return outcomes


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminder_batch(batch: list[tuple[int, list[int]]]) -> dict[str, int]:
    """Send claimed reminders of several organizations: ``[(organization_id, [reminder ids]), …]``.

    One broker message for many small organizations (a sweep over 10,000 organizations
    with a reminder or two each publishes hundreds of messages, not 10,000). Each
    organization's part runs in its own tenant context exactly as ``deliver_reminders``;
    what fails transiently continues as that organization's ``deliver_reminders`` task,
    with its retries and backoff. Safe to run twice, like every delivery.
    """
    outcomes: dict[str, int] = {}
    for organization_id, reminder_ids in batch:
        part, failed = _deliver(organization_id, reminder_ids, final=False)
        for outcome, count in part.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
        if failed:
            deliver_reminders.apply_async((organization_id, failed), countdown=settings.REMINDER_RETRY_BASE_SECONDS)
    return outcomes


@shared_task
def requeue_stale_reminders() -> int:
    """Re-enqueue ledger rows left pending (e.g. the broker lost the task), in messages of DELIVERY_BATCH."""
    by_org = reminders_take_stale()
    for organization_id, ids in by_org.items():
        for start in range(0, len(ids), DELIVERY_BATCH):
            deliver_reminders.delay_on_commit(organization_id, ids[start : start + DELIVERY_BATCH])
    return sum(len(ids) for ids in by_org.values())
