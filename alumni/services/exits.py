"""Starting, changing and cancelling an exit."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.notifications import notification_create
from alliance.reminders import notify
from alliance.selectors import direct_reports_of
from alliance.services import (
    full_clean_or_raise,
    model_update,
)
from alliance.templatetags.alliance_tags import day as format_day
from alliance.webhooks.events import webhook_event_emit
from alumni import handoffs, rights
from alumni.models import (
    MAX_LAST_DAY_AHEAD_DAYS,
    AssigneeRole,
    ExitInterview,
    ExitKind,
    ExitProcess,
    ExitQuestionSet,
    ExitTask,
    ExitTemplate,
    ExitTemplateTask,
    LeaverStep,
)
from alumni.services._common import _lock, _require_open, organization_today
from tours import selectors as tour_selectors
from tours import services as tour_services

# Notification kinds (the reminder ledger's workflow notifications, alliance.reminders.notify).
EXIT_STARTED = "exit_started"


def _check_last_day(member: Membership, last_working_day: date | None) -> None:
    if last_working_day is None:
        raise field_error("last_working_day", "Give the last working day.")
    if last_working_day < member.employment_started_on:
        raise field_error("last_working_day",
                           f"The last working day cannot be before {member.user.full_name}'s employment "
                           f"started ({format_day(member.employment_started_on)}).")
    if last_working_day > timezone.localdate() + timedelta(days=MAX_LAST_DAY_AHEAD_DAYS):
        raise field_error("last_working_day", "The last working day must be within two years.")


def _assignee_for(row: ExitTemplateTask, *, process: ExitProcess, hr: Membership) -> Membership:
    member = process.member
    if row.assignee_role == AssigneeRole.LEAVER:
        return member
    if row.assignee_role == AssigneeRole.MANAGER and member.manager_id and member.manager.is_active:
        return member.manager
    if row.assignee_role == AssigneeRole.ADMIN:
        admin = (Membership.objects.for_org(process.organization_id)
                 .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
                 .exclude(pk=member.pk).order_by("pk").first())
        if admin is not None:
            return admin
    if row.assignee_role == AssigneeRole.MEMBER and row.assignee_member_id:
        named = row.assignee_member
        if named.is_active and named.pk != member.pk:
            return named
    return hr  # HR, and whatever has nobody else to do it


def _due(day: date, *, today: date) -> dict:
    """A checklist task is never created already overdue: a day before today is today, with a note."""
    if day >= today:
        return {"due_on": day}
    return {"due_on": today, "due_note": f"Due {format_day(day)} by the template; the last day is near, so today."}


@transaction.atomic
def exit_start(
    *, by: Membership, member: Membership, kind: str, last_working_day: date | None, initiated_by: str,
    hr_note: str = "",
) -> ExitProcess:
    """HR starts an exit: the checklist from the kind's template, the interview, the leaver's step."""
    rights.require_exit_runner(by)
    if member.organization_id != by.organization_id:
        raise field_error("member", "Choose a member of this organization.")
    # A member their identity provider deactivated (suspended) is who HR most often starts an exit for.
    if member.status not in (Membership.Status.ACTIVE, Membership.Status.SUSPENDED):
        raise field_error("member", f"{member.user.full_name} is already an alumnus or a former member.")
    if member.pk == by.pk:
        raise field_error("member", "Another HR person or an administrator starts your own exit.")
    if kind not in ExitKind.values:
        raise field_error("kind", "Choose the kind of exit.")
    if initiated_by not in ExitProcess.InitiatedBy.values:
        raise field_error("initiated_by", "Say who initiated the exit.")
    _check_last_day(member, last_working_day)
    if member.role == Membership.Role.ADMIN and not (
        Membership.objects.for_org(member.organization_id)
        .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE).exclude(pk=member.pk).exists()
    ):
        raise field_error("member", "The organization needs another administrator before its last one leaves.")
    Membership.objects.for_org(member.organization_id).select_for_update().filter(pk=member.pk).first()
    if ExitProcess.objects.for_org(member.organization_id).filter(
            member=member, state=ExitProcess.State.IN_PROGRESS).exists():
        raise field_error("member", f"{member.user.full_name} is already leaving: their exit is in progress.")
    process = ExitProcess(organization_id=by.organization_id, member=member, kind=kind,
                          last_working_day=last_working_day, initiated_by=initiated_by, started_by=by,
                          hr_note=(hr_note or "").strip())
    full_clean_or_raise(process, exclude=["organization"])
    try:
        with transaction.atomic():
            process.save()
    except IntegrityError as error:  # a second start at the same moment
        raise field_error("member", f"{member.user.full_name} is already leaving.") from error
    template = (ExitTemplate.objects.for_org(by.organization_id).filter(kind=kind)
                .prefetch_related("tasks__assignee_member").first())
    tasks = []
    if template is not None:
        today = organization_today(by.organization)
        tasks = ExitTask.objects.bulk_create([
            ExitTask(organization_id=by.organization_id, process=process, title=row.title,
                     assignee_role=row.assignee_role, assignee=_assignee_for(row, process=process, hr=by),
                     **_due(last_working_day + timedelta(days=row.due_offset_days), today=today))
            for row in template.tasks.all()
        ])
    question_set = ExitQuestionSet.objects.for_org(by.organization_id).filter(is_default=True).first()
    ExitInterview.objects.create(organization_id=by.organization_id, process=process, question_set=question_set,
                                 interviewer=by)
    LeaverStep.objects.create(organization_id=by.organization_id, process=process)
    _cancel_checkpoints_after(process, by=by)
    _flag_direct_reports(process, by=by)
    notify(kind=EXIT_STARTED, subject_id=process.pk, recipient=member, window="started")
    handoffs.exit_started(process, by=by, tasks=tasks)
    webhook_event_emit("exit.started", process)
    return process


def _cancel_checkpoints_after(process: ExitProcess, *, by: Membership) -> int:
    """Conversations after the last day will not happen: cancelled, with calendar cancellations."""
    zone = zoneinfo.ZoneInfo(by.organization.time_zone)
    cancelled = 0
    for tour in tour_selectors.open_tours_of(process.member):
        for checkpoint in tour_selectors.tour_checkpoints(member=by, tour=tour):
            if checkpoint.is_open and checkpoint.scheduled_at.astimezone(zone).date() > process.last_working_day:
                tour_services.checkpoint_cancel(checkpoint=checkpoint, by=by)
                cancelled += 1
    return cancelled


def _flag_direct_reports(process: ExitProcess, *, by: Membership) -> None:
    reports = list(direct_reports_of(process.member).select_related("user"))
    if not reports:
        return
    names = ", ".join(report.user.full_name for report in reports)
    url = reverse("alumni:exit_detail", args=[by.organization.slug, process.pk])
    for hr in Membership.objects.for_org(process.organization_id).filter(
        role__in=(Membership.Role.HR, Membership.Role.ADMIN), status=Membership.Status.ACTIVE,
    ).exclude(pk=process.member_id):
        notification_create(
            recipient=hr, kind=EXIT_STARTED,
            title=f"{process.member.user.full_name}'s direct reports need a new manager",
            body=f"{process.member.user.full_name} leaves on {process.last_working_day.isoformat()}: "
                 f"give {names} a new manager.", url=url,
        )


EXIT_EDITABLE = ("last_working_day", "initiated_by", "hr_note", "good_standing", "rehire", "rehire_reason",
                 "alumni_tier", "regretted", "alumni_despite", "alumni_despite_note")


@transaction.atomic
def exit_update(*, process: ExitProcess, by: Membership, data: dict[str, Any]) -> ExitProcess:
    """HR changes the last day, the notes or the classification of an open exit."""
    rights.require_exit_runner(by)
    unknown = set(data) - set(EXIT_EDITABLE)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    _lock(process)
    _require_open(process)
    data = dict(data)
    for name in ("hr_note", "rehire_reason", "alumni_despite_note"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if data.get("alumni_despite") and not (data.get("alumni_despite_note", process.alumni_despite_note)):
        raise field_error("alumni_despite_note", "Record why this person joins the alumni network anyway.")
    previous_day = process.last_working_day
    if "last_working_day" in data:
        _check_last_day(process.member, data["last_working_day"])
    changed = model_update(process, data=data, fields=EXIT_EDITABLE)
    if "last_working_day" in changed:
        shift = process.last_working_day - previous_day
        for task in ExitTask.objects.for_org(process.organization_id).filter(process=process, done_at__isnull=True):
            task.due_on += shift
            task.save(update_fields=["due_on", "updated_at"])
        _cancel_checkpoints_after(process, by=by)
        handoffs.last_day_moved(process, by=by)
    return process


@transaction.atomic
def exit_cancel(*, process: ExitProcess, by: Membership) -> ExitProcess:
    """Before the last day: the member stays; the conversations cancelled for the exit are proposed again."""
    rights.require_exit_runner(by)
    _lock(process)
    _require_open(process)
    process.state = ExitProcess.State.CANCELLED
    process.cancelled_at = timezone.now()
    process.cancelled_by = by
    process.save(update_fields=["state", "cancelled_at", "cancelled_by", "updated_at"])
    ExitInterview.objects.for_org(process.organization_id).filter(
        process=process, status=ExitInterview.Status.SCHEDULED).update(status=ExitInterview.Status.CANCELLED)
    for tour in tour_selectors.open_tours_of(process.member):
        if tour.status == "active":
            tour_services.checkpoints_plan_series(tour=tour)
    handoffs.exit_cancelled(process, by=by)
    return process
