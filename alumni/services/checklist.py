"""The exit checklist: a task's assignee marks it done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alumni import rights
from alumni.models import ExitProcess, ExitTask


@transaction.atomic
def exit_task_complete(*, task: ExitTask, by: Membership) -> ExitTask:
    rights.require_task_completer(by, task)
    claimed = ExitTask.objects.for_org(task.organization_id).filter(pk=task.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=by, updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This task is done already.")
    task.refresh_from_db()
    ExitProcess.objects.for_org(task.organization_id).filter(pk=task.process_id).update(updated_at=timezone.now())
    return task
