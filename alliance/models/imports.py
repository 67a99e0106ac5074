"""A people import: an uploaded spreadsheet's rows, their preview (new / changed / unchanged / errors),
and whether it was applied. The rows are kept (not the file), so applying re-checks exactly what was
previewed against the organization as it is then."""

from __future__ import annotations

from django.db import models

from alliance.models.jobs import BackgroundJob
from alliance.models.members import Membership
from alliance.models.tenancy import TenantForeignKey, TenantModel

IMPORT_FILE_NAME_MAX = 200


class PeopleImport(TenantModel):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"

    # What the file holds: "people" (the members page's import) or a kind an app adds (e.g. "alumni").
    kind = models.CharField(max_length=16, default="people")
    created_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    applied_by = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=IMPORT_FILE_NAME_MAX)
    file_format = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    # The rows as read (row number and the known columns), and the preview made of them.
    rows = models.JSONField(default=list)
    preview = models.JSONField(default=list)
    unknown_columns = models.JSONField(default=list)
    missing = models.JSONField(default=list, help_text="Active members the file does not name.")
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    invitations_sent = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The apply's background job while (and after) it runs: its progress, and the reason it failed.
    job = TenantForeignKey(BackgroundJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_at", "id"], name="people_import_org_created_idx"),
            models.Index(fields=["organization", "kind", "created_at", "id"], name="import_org_kind_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Import {self.file_name} ({self.status})"

    @property
    def row_count(self) -> int:
        return self.new_count + self.changed_count + self.unchanged_count + self.error_count
