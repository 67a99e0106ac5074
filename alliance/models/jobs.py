"""Background jobs: long work a person asked for (applying a large import, a very large export) that a
worker does while the page shows its progress.

The row is the intent: written in the request's transaction, enqueued after the commit, taken by a worker
that locks it for the length of the work (``FOR UPDATE SKIP LOCKED``: a second delivery of the task finds
it locked or finished and does nothing), and enqueued again by beat's safety net while it stays queued (the
broker was away, a worker died). Its progress while it runs lives in the cache (the work's own transaction
is invisible until it commits); its result is the row's status, message and, for an export, a file in the
private storage served only to the person who asked.
"""

from __future__ import annotations

from django.db import models

from alliance.models.members import Membership
from alliance.models.tenancy import TenantForeignKey, TenantModel

JOB_KIND_MAX = 40
JOB_TITLE_MAX = 200
JOB_MESSAGE_MAX = 500
JOB_FILE_NAME_MAX = 200
JOB_FILE_PATH_MAX = 300


class BackgroundJob(TenantModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # A kind registered with alliance.registry.register_job_kind ("import-apply", "export").
    kind = models.CharField(max_length=JOB_KIND_MAX)
    title = models.CharField(max_length=JOB_TITLE_MAX)
    params = models.JSONField(default=dict)
    requested_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=JOB_MESSAGE_MAX, blank=True, default="")
    # An export's file in the private storage, and the name it is downloaded under.
    file = models.CharField(max_length=JOB_FILE_PATH_MAX, blank=True, default="")
    file_name = models.CharField(max_length=JOB_FILE_NAME_MAX, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_at", "id"], name="job_org_created_idx"),
            # Beat's safety net (jobs left queued) and the pruning of finished ones, across organizations.
            models.Index(fields=["status", "updated_at"], name="job_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status != self.Status.QUEUED
