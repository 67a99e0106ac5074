from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from alliance import tenancy
from alliance.delivery import DELIVERY_BATCH, reminder_deliver, reminder_record_failure, reminders_take_stale
from alliance.outbox import dispatch_once, outbox_dispatch

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


# Transient failures (the database away, a connection dropped): retried with exponential backoff, and
# never final: past the retries the row stays pending, and the stale requeue enqueues it again.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError, OperationalError, InterfaceError)
MAX_DELIVERY_RETRIES = 6
# A retry's countdown stays under the broker's visibility timeout (alliance.settings.base): a task held
# longer by a worker would be handed to a second worker meanwhile.
MAX_RETRY_COUNTDOWN = 60.0


def _note_failure(organization_id: int, reminder_id: int, error: Exception, *, final: bool) -> None:
    """Record a failed attempt; when that fails too (the database is away), log it and go on: the
    delivery is retried all the same, and the row, still pending, says nothing false."""
    try:
        reminder_record_failure(organization_id=organization_id, reminder_id=reminder_id, error=repr(error),
                                final=final)
    except Exception:  # noqa: BLE001 - recording must never be what stops a delivery's retry
        logger.exception("could not record the failure of reminder %s of organization %s (%r)",
                         reminder_id, organization_id, error)


def _deliver(organization_id: int, reminder_ids: list[int]) -> tuple[dict[str, int], list[int]]:
    """Deliver each reminder in its own transaction; return what this run did, and the ids to retry."""
    outcomes: dict[str, int] = {}
    failed: list[int] = []
    with dispatch_once():  # the e-mails of the whole batch: one dispatch, enqueued at the end
        for reminder_id in reminder_ids:
            try:
                with tenancy.tenant_context(organization_id):
                    outcome = reminder_deliver(organization_id=organization_id, reminder_id=reminder_id)
            except TRANSIENT_ERRORS as error:
                logger.warning("reminder %s of organization %s: %r; retrying", reminder_id, organization_id, error)
                if not connection.in_atomic_block:  # a dropped connection is opened afresh for the next row
                    connection.close_if_unusable_or_obsolete()
                _note_failure(organization_id, reminder_id, error, final=False)
                outcome = "retrying"
                failed.append(reminder_id)
            except Exception as error:
                # A defect (a template error, an unknown kind…) will not heal by retrying:
                # record it, mark this reminder failed, and deliver the rest of the batch.
                logger.exception("reminder %s of organization %s failed", reminder_id, organization_id)
                _note_failure(organization_id, reminder_id, error, final=True)
                outcome = "failed"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes, failed


def _countdown(retries: int) -> float:
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2**retries, MAX_RETRY_COUNTDOWN)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_DELIVERY_RETRIES)
def deliver_reminders(self, organization_id: int, reminder_ids: list[int]) -> dict[str, int]:
    """Deliver claimed reminders of one organization (see alliance.reminders and alliance.delivery). Safe to
    run twice: what an earlier run delivered counts as "already-sent", not "sent".

    Each reminder is delivered in its own transaction, so one failing row does not hold back the
    others; the ones that failed transiently are retried, alone, with exponential backoff; past the
    retries they stay pending for the stale requeue (alliance.delivery.STALE_AFTER).
    """
    outcomes, failed = _deliver(organization_id, reminder_ids)
    if failed and self.request.retries < MAX_DELIVERY_RETRIES:
        raise self.retry(args=(organization_id, failed), countdown=_countdown(self.request.retries))
    if failed:
        logger.error("reminders %s of organization %s still failing; the stale requeue takes them again",
                     failed, organization_id)
    return outcomes


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminder_batch(batch: list[tuple[int, list[int]]]) -> dict[str, int]:
    """Deliver claimed reminders of several organizations: ``[(organization_id, [reminder ids]), …]``.

    One broker message for many small organizations (a sweep over 10,000 organizations
    with a reminder or two each publishes hundreds of messages, not 10,000). Each
    organization's part runs in its own tenant context exactly as ``deliver_reminders``;
    what fails transiently continues as that organization's ``deliver_reminders`` task,
    with its retries and backoff. Safe to run twice, like every delivery.
    """
    outcomes: dict[str, int] = {}
    for organization_id, reminder_ids in batch:
        part, failed = _deliver(organization_id, reminder_ids)
        for outcome, count in part.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
        if failed:
            try:
                deliver_reminders.apply_async((organization_id, failed), countdown=_countdown(0))
            except Exception:  # noqa: BLE001 - the broker away too: the rows are pending, the requeue takes them
                logger.exception("could not enqueue the retry of %s reminders of organization %s",
                                 len(failed), organization_id)
    return outcomes


@shared_task
def requeue_stale_reminders() -> int:
    """Re-enqueue ledger rows left pending (the broker lost the task, its worker died, the retries ran
    out), in messages of DELIVERY_BATCH."""
    by_org = reminders_take_stale()
    for organization_id, ids in by_org.items():
        for start in range(0, len(ids), DELIVERY_BATCH):
            deliver_reminders.delay_on_commit(organization_id, ids[start : start + DELIVERY_BATCH])
    return sum(len(ids) for ids in by_org.values())


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=10)
def dispatch_outbox(self) -> dict[str, int]:
    """Send the outbox's due e-mails (alliance.outbox), each row on its own. Enqueued after every commit
    that wrote e-mail and by beat every minute; safe to run twice or side by side (rows are locked and
    skipped). Stops after OUTBOX_DISPATCH_SECONDS and enqueues the next run when rows are left; with the
    database away, it is retried shortly (and beat runs it again anyway)."""
    try:
        outcomes, more = outbox_dispatch()
    except (OperationalError, InterfaceError) as error:
        logger.warning("e-mail dispatch: the database is away (%r); retrying", error)
        raise self.retry(countdown=min(5 * 2**self.request.retries, MAX_RETRY_COUNTDOWN)) from error
    if more:
        dispatch_outbox.delay()
    return outcomes


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=10)
def run_background_job(self, organization_id: int, job_id: int) -> str:
    """Run one background job (alliance.jobs): an import's apply, a very large export. Safe to deliver
    twice: a second run finds the job locked by the first, or finished, and does nothing. With the
    database away it is retried; past the retries the job stays queued for beat's requeue."""
    from alliance.jobs import job_run

    try:
        return job_run(organization_id=organization_id, job_id=job_id)
    except (OperationalError, InterfaceError) as error:
        logger.warning("background job %s: the database is away (%r); retrying", job_id, error)
        raise self.retry(countdown=min(5 * 2**self.request.retries, MAX_RETRY_COUNTDOWN)) from error


@shared_task
def requeue_background_jobs() -> int:
    """Beat's safety net: enqueue again the jobs left queued (the broker was away, a worker died)."""
    from alliance.jobs import jobs_requeue_stale

    return jobs_requeue_stale()


@shared_task
def prune_background_jobs() -> int:
    """Forget finished background jobs and delete their files after BACKGROUND_JOB_KEEP_HOURS (hourly)."""
    from alliance.jobs import jobs_prune

    return jobs_prune()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=10)
def dispatch_webhooks(self) -> dict[str, int]:
    """Send the due webhook deliveries (alliance.webhooks.delivery), each on its own. Enqueued after every
    commit that wrote deliveries and by beat every minute; safe to run twice or side by side (rows are
    locked and skipped). Stops after WEBHOOKS_DISPATCH_SECONDS and enqueues the next run when rows are left."""
    from alliance.webhooks.delivery import webhooks_dispatch

    try:
        outcomes, more = webhooks_dispatch()
    except (OperationalError, InterfaceError) as error:
        logger.warning("webhook dispatch: the database is away (%r); retrying", error)
        raise self.retry(countdown=min(5 * 2**self.request.retries, MAX_RETRY_COUNTDOWN)) from error
    if more:
        dispatch_webhooks.delay()
    return outcomes


@shared_task
def prune_webhook_deliveries() -> int:
    """Forget webhook deliveries older than WEBHOOKS_KEEP_DAYS (hourly)."""
    from alliance.webhooks.delivery import webhook_deliveries_prune

    return webhook_deliveries_prune()
