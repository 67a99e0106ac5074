"""Background jobs: long work a person asked for, done by a worker while their page shows its progress.

One mechanism for every such work (an import's apply, a very large export): ``job_create`` writes the
intent (a ``BackgroundJob`` row) in the request's transaction and ``job_launch`` either runs it at once, in
that transaction (small work: the same code the worker runs), or enqueues it after the commit. The worker
(``alliance.tasks.run_background_job``) takes the row with ``FOR UPDATE SKIP LOCKED`` in the job's tenant
context and runs the kind's work in that one transaction: all or nothing, and a second delivery of the task
finds the row locked or finished and does nothing. With the broker away the row stays queued and beat's
safety net (``jobs_requeue_stale``) enqueues it again; a worker that dies rolls its work back and leaves the
row queued for the same net.

Progress (rows done of the total) is written to the cache while the work runs (its transaction is invisible
until it commits) and read by the page's progress bar; a missing value only makes the bar wait. When a job
that a worker ran finishes, the person who asked is told (notification kind ``background_job_done``).
Finished jobs and their files are pruned after ``BACKGROUND_JOB_KEEP_HOURS`` (``jobs_prune``, beat).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.handoffs import tell
from alliance.models import JOB_MESSAGE_MAX, JOB_TITLE_MAX, BackgroundJob, Membership
from alliance.registry import job_kind

logger = logging.getLogger(__name__)

RUN_TASK = "alliance.tasks.run_background_job"
JOB_DONE = "background_job_done"
STORAGE_ALIAS = "private"
# A queued job older than this is enqueued again by beat (its task was lost, or its worker died).
STALE_AFTER = timedelta(minutes=2)
REQUEUE_BATCH = 500
PRUNE_BATCH = 500
PROGRESS_WRITE_EVERY = 0.25  # seconds between two writes of a running job's progress
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
FAILED_MESSAGE = "The work failed unexpectedly and nothing was changed; try again, or tell your administrator."


def _progress_key(organization_id: int, job_id: int) -> str:
    return f"job-progress:{organization_id}:{job_id}"


class Progress:
    """What a job's work reports as it goes: ``start(total)``, then ``advance(count)``."""

    def __init__(self, job: BackgroundJob | None = None) -> None:
        self.job = job
        self.done = 0
        self.total = job.total if job is not None else 0
        self._written_at = 0.0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self._write(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._write()

    def _write(self, *, force: bool = False) -> None:
        if self.job is None:
            return
        now = time.monotonic()
        if not force and now - self._written_at < PROGRESS_WRITE_EVERY:
            return
        self._written_at = now
        cache.set(_progress_key(self.job.organization_id, self.job.pk), [self.done, self.total],
                  timeout=settings.BACKGROUND_JOB_KEEP_HOURS * 3600)


NO_PROGRESS = Progress()


def job_progress(job: BackgroundJob) -> tuple[int, int]:
    """(done, total) of a job: the row's own figures once finished, else what its work last reported."""
    if job.finished:
        return job.done, job.total
    value = cache.get(_progress_key(job.organization_id, job.pk))
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), int(value[1])
    return 0, job.total


def job_url(job: BackgroundJob) -> str:
    """The page that shows the job's result (the kind's page, else the job's own)."""
    kind = job_kind(job.kind)
    if kind.url is not None:
        return kind.url(job)
    slug = job.requested_by.organization.slug if job.requested_by else ""
    return reverse("background_job", kwargs={"org_slug": slug, "job_id": job.pk})


# --- Starting ----------------------------------------------------------------------------------------

def job_create(*, by: Membership, kind: str, title: str, params: dict, total: int) -> BackgroundJob:
    """The intent, in the caller's transaction; ``job_launch`` it once the caller's rows point at it."""
    job_kind(kind)  # an unknown kind fails here, in the request, not later in a worker
    return BackgroundJob.objects.create(organization_id=by.organization_id, kind=kind, title=title[:JOB_TITLE_MAX],
                                        params=params, requested_by=by, total=total)


def job_launch(job: BackgroundJob, *, inline: bool) -> BackgroundJob:
    """Run the job now, in the caller's transaction (an ApplicationError of its work is raised and nothing is
    kept), or enqueue it after the caller's commit. Either way the same code runs it (``_execute``)."""
    if inline:
        _execute(job.organization_id, job.pk, raise_errors=True, tell_done=False)
        job.refresh_from_db()
        return job
    organization_id, job_id = job.organization_id, job.pk
    transaction.on_commit(lambda: _enqueue(organization_id, job_id))
    return job


def _enqueue(organization_id: int, job_id: int) -> None:
    """Never raises: with the broker away the row stays queued and beat's safety net enqueues it."""
    from alliance.celery import app

    try:
        app.send_task(RUN_TASK, args=(organization_id, job_id), retry=True,
                      retry_policy={"max_retries": 1, "interval_start": 0.2})
    except Exception as error:  # noqa: BLE001 - the job is saved and queued; the requeue enqueues it
        logger.warning("could not enqueue background job %s of organization %s (beat requeues it): %r",
                       job_id, organization_id, error)


# --- Running -----------------------------------------------------------------------------------------

def job_run(*, organization_id: int, job_id: int) -> str:
    """Run a queued job (the worker's entry): "done", "failed", or "skipped" when another run holds it or it
    finished already. Transient database errors are raised for the task to retry."""
    return _execute(organization_id, job_id, raise_errors=False, tell_done=True)


def _execute(organization_id: int, job_id: int, *, raise_errors: bool, tell_done: bool) -> str:
    try:
        with tenancy.tenant_context(organization_id):
            job = (BackgroundJob.objects.for_org(organization_id).select_for_update(skip_locked=True)
                   .filter(pk=job_id, status=BackgroundJob.Status.QUEUED).first())
            if job is None:
                return "skipped"
            if job.requested_by_id is None:
                raise ApplicationError("The person who asked for this work has left; nothing was changed.")
            job.requested_by = (Membership.objects.for_org(organization_id).select_related("user", "organization")
                                .get(pk=job.requested_by_id))
            progress = Progress(job)
            job_kind(job.kind).run(job=job, progress=progress)
            job.status, job.finished_at = BackgroundJob.Status.DONE, timezone.now()
            job.total = max(job.total, progress.total)
            job.done = job.total
            job.save()
            if tell_done:
                tell(recipient=job.requested_by, kind=JOB_DONE, title=f"Ready: {job.title}"[:200],
                     url=job_url(job))
            return "done"
    except ApplicationError as error:
        if raise_errors:
            raise
        _fail(organization_id, job_id, error.message)
        return "failed"
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        if raise_errors:
            raise
        logger.exception("background job %s of organization %s failed", job_id, organization_id)
        _fail(organization_id, job_id, FAILED_MESSAGE)
        return "failed"


def _fail(organization_id: int, job_id: int, message: str) -> None:
    """Mark a job failed with its reason, put its subject back, and tell the person who asked."""
    with tenancy.tenant_context(organization_id):
        job = (BackgroundJob.objects.for_org(organization_id).select_for_update()
               .filter(pk=job_id, status=BackgroundJob.Status.QUEUED).first())
        if job is None:
            return
        job.status, job.message = BackgroundJob.Status.FAILED, message[:JOB_MESSAGE_MAX]
        job.finished_at = timezone.now()
        job.save()
        kind = job_kind(job.kind)
        if kind.failed is not None:
            kind.failed(job)
        if job.requested_by_id is not None:
            job.requested_by = (Membership.objects.for_org(organization_id).select_related("user", "organization")
                                .get(pk=job.requested_by_id))
            tell(recipient=job.requested_by, kind=JOB_DONE, title=f"Failed: {job.title}"[:200], body=job.message,
                 url=job_url(job))


# --- Reading -----------------------------------------------------------------------------------------

def get_job_for_member(member: Membership, job_id: int) -> BackgroundJob:
    """A job the member asked for; 404 for anyone else's, another organization's, or a missing one."""
    job = (BackgroundJob.objects.for_org(member.organization_id).filter(pk=job_id, requested_by=member).first())
    if job is None:
        raise Http404("No such job.")
    job.requested_by = member
    return job


def job_file_open(job: BackgroundJob):
    """The finished job's file, opened from the private storage; 404 when it has none (any more)."""
    storage = storages[STORAGE_ALIAS]
    if job.status != BackgroundJob.Status.DONE or not job.file or not storage.exists(job.file):
        raise Http404("No such file.")
    return storage.open(job.file, "rb")


def job_file_save(job: BackgroundJob, *, content, file_name: str) -> None:
    """Keep ``content`` (a File) as the job's result, under a name nobody guesses."""
    import secrets

    name = f"jobs/{job.organization_id}/{job.pk}-{secrets.token_hex(8)}-{file_name}"
    job.file = storages[STORAGE_ALIAS].save(name, content)
    job.file_name = file_name


# --- Beat ---------------------------------------------------------------------------------------------

def jobs_requeue_stale() -> int:
    """Enqueue again every job left queued past STALE_AFTER (its task lost, or its worker died)."""
    cutoff = timezone.now() - STALE_AFTER
    with tenancy.cross_tenant(reason="background jobs: requeue the ones left queued"):
        stale = list(BackgroundJob.objects.filter(status=BackgroundJob.Status.QUEUED, updated_at__lt=cutoff)
                     .order_by("updated_at").values_list("organization_id", "pk")[:REQUEUE_BATCH])
    for organization_id, job_id in stale:
        _enqueue(organization_id, job_id)
    return len(stale)


def jobs_prune() -> int:
    """Forget finished jobs (and delete their files) past BACKGROUND_JOB_KEEP_HOURS."""
    cutoff = timezone.now() - timedelta(hours=settings.BACKGROUND_JOB_KEEP_HOURS)
    storage = storages[STORAGE_ALIAS]
    pruned = 0
    while True:
        with tenancy.cross_tenant(reason="background jobs: prune the finished ones and their files"):
            old = list(BackgroundJob.objects.exclude(status=BackgroundJob.Status.QUEUED)
                       .filter(updated_at__lt=cutoff).order_by("updated_at").values_list("pk", "file")[:PRUNE_BATCH])
            for _pk, name in old:
                if name:
                    storage.delete(name)
            BackgroundJob.objects.filter(pk__in=[pk for pk, _name in old]).delete()
        pruned += len(old)
        if len(old) < PRUNE_BATCH:
            return pruned
