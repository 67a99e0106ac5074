"""Writes of the exit process. Views, API views, tasks and commands all call these.

Each service checks the caller's rights itself (alumni/rights.py) and refuses with
``NotAllowed`` (403) or ``ApplicationError`` (400, with field errors), changing nothing.
Tours are closed through the tours app's public services, acting as the HR person who
started the exit (or an administrator), never by writing its tables.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership, Notification, NotificationPreference, Organization, Reminder, User
from alliance.notifications import notification_create
from alliance.reminders import notify
from alliance.selectors import direct_reports_of
from alliance.services import (
    email_in_use,
    full_clean_or_raise,
    membership_leave,
    model_update,
    user_email_change_keeping_alias,
)
from alliance.tokens import token_make, token_parse
from alumni import engage_services, rights
from alumni.models import (
    CONSENT_TEXT_VERSION,
    DIRECTORY_FIELDS,
    MAX_LAST_DAY_AHEAD_DAYS,
    AlumniProfile,
    AlumniSettings,
    AssigneeRole,
    BonusFor,
    BonusState,
    Boomerang,
    CustomerLead,
    ErasureRecord,
    ExitInterview,
    ExitKind,
    ExitProcess,
    ExitQuestion,
    ExitQuestionSet,
    ExitTask,
    ExitTemplate,
    ExitTemplateTask,
    InvestmentLevel,
    LeaverStep,
    Referral,
    Visibility,
)

log = logging.getLogger(__name__)

LEAVER_LINK_KIND = "alx"
VERIFY_LINK_KIND = "alv"
LEAVER_LINK_VALID_DAYS = 14

# Notification kinds (the reminder ledger's workflow notifications, alliance.reminders.notify).
EXIT_STARTED = "exit_started"
EXIT_INTERVIEW_INVITE = "exit_interview_invite"

FIRST_CONVERSATION_CLOSED_OUTCOME = "supported_move_outside"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


def organization_today(organization: Organization, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()


def _lock(process: ExitProcess) -> ExitProcess:
    locked = ExitProcess.objects.for_org(process.organization_id).select_for_update().get(pk=process.pk)
    process.state, process.last_working_day = locked.state, locked.last_working_day
    return process


def _require_open(process: ExitProcess) -> None:
    if not process.is_open:
        raise ApplicationError(f"This exit is {process.get_state_display().lower()}; it cannot change any more.")


def _actor(process: ExitProcess) -> Membership:
    """Who the exit acts as in other apps: the HR person who started it, or an administrator."""
    if process.started_by_id:
        starter = Membership.objects.for_org(process.organization_id).select_related("user").get(
            pk=process.started_by_id)
        if rights.can_run_exits(starter):
            return starter
    admin = (Membership.objects.for_org(process.organization_id).select_related("user")
             .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
             .exclude(pk=process.member_id).order_by("pk").first())
    if admin is None:
        raise ApplicationError("The organization has no administrator to close the exit.")
    return admin


def _tours():
    # The tours app's public services and selectors (apps talk through declared public modules).
    from tours import selectors as tour_selectors
    from tours import services as tour_services

    return tour_services, tour_selectors


# --- Starting, changing, cancelling -----------------------------------------------


def _check_last_day(member: Membership, last_working_day: date | None) -> None:
    if last_working_day is None:
        raise _field_error("last_working_day", "Give the last working day.")
    if last_working_day < member.joined_on:
        raise _field_error("last_working_day",
                           f"The last working day cannot be before {member.user.full_name} joined "
                           f"({member.joined_on.isoformat()}).")
    if last_working_day > timezone.localdate() + timedelta(days=MAX_LAST_DAY_AHEAD_DAYS):
        raise _field_error("last_working_day", "The last working day must be within two years.")


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


@transaction.atomic
def exit_start(
    *, by: Membership, member: Membership, kind: str, last_working_day: date | None, initiated_by: str,
    hr_note: str = "",
) -> ExitProcess:
    """HR starts an exit: the checklist from the kind's template, the interview, the leaver's step."""
    rights.require_exit_runner(by)
    if member.organization_id != by.organization_id:
        raise _field_error("member", "Choose a member of this organization.")
    if not member.is_active:
        raise _field_error("member", f"{member.user.full_name} is already an alumnus or a former member.")
    if member.pk == by.pk:
        raise _field_error("member", "Another HR person or an administrator starts your own exit.")
    if kind not in ExitKind.values:
        raise _field_error("kind", "Choose the kind of exit.")
    if initiated_by not in ExitProcess.InitiatedBy.values:
        raise _field_error("initiated_by", "Say who initiated the exit.")
    _check_last_day(member, last_working_day)
    if member.role == Membership.Role.ADMIN and not (
        Membership.objects.for_org(member.organization_id)
        .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE).exclude(pk=member.pk).exists()
    ):
        raise _field_error("member", "The organization needs another administrator before its last one leaves.")
    Membership.objects.for_org(member.organization_id).select_for_update().filter(pk=member.pk).first()
    if ExitProcess.objects.for_org(member.organization_id).filter(
            member=member, state=ExitProcess.State.IN_PROGRESS).exists():
        raise _field_error("member", f"{member.user.full_name} is already leaving: their exit is in progress.")
    process = ExitProcess(organization_id=by.organization_id, member=member, kind=kind,
                          last_working_day=last_working_day, initiated_by=initiated_by, started_by=by,
                          hr_note=(hr_note or "").strip())
    full_clean_or_raise(process, exclude=["organization"])
    try:
        with transaction.atomic():
            process.save()
    except IntegrityError as error:  # a second start at the same moment
        raise _field_error("member", f"{member.user.full_name} is already leaving.") from error
    template = (ExitTemplate.objects.for_org(by.organization_id).filter(kind=kind)
                .prefetch_related("tasks__assignee_member").first())
    if template is not None:
        ExitTask.objects.bulk_create([
            ExitTask(organization_id=by.organization_id, process=process, title=row.title,
                     assignee_role=row.assignee_role, assignee=_assignee_for(row, process=process, hr=by),
                     due_on=last_working_day + timedelta(days=row.due_offset_days))
            for row in template.tasks.all()
        ])
    question_set = ExitQuestionSet.objects.for_org(by.organization_id).filter(is_default=True).first()
    ExitInterview.objects.create(organization_id=by.organization_id, process=process, question_set=question_set,
                                 interviewer=by)
    LeaverStep.objects.create(organization_id=by.organization_id, process=process)
    _cancel_checkpoints_after(process, by=by)
    _flag_direct_reports(process, by=by)
    notify(kind=EXIT_STARTED, subject_id=process.pk, recipient=member, window="started")
    return process


def _cancel_checkpoints_after(process: ExitProcess, *, by: Membership) -> int:
    """Conversations after the last day will not happen: cancelled, with calendar cancellations."""
    tour_services, tour_selectors = _tours()
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
        raise _field_error("alumni_despite_note", "Record why this person joins the alumni network anyway.")
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
    tour_services, tour_selectors = _tours()
    for tour in tour_selectors.open_tours_of(process.member):
        if tour.status == "active":
            tour_services.checkpoints_plan_series(tour=tour)
    return process


# --- The checklist ---------------------------------------------------------------


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


# --- The exit interview ------------------------------------------------------------


@transaction.atomic
def exit_interview_schedule(
    *, interview: ExitInterview, by: Membership, scheduled_at: datetime | None, duration_minutes: int,
    location: str = "", interviewer: Membership | None = None,
) -> ExitInterview:
    """Schedule (or move) the conversation; leaver and interviewer get a calendar invite."""
    rights.require_exit_runner(by)
    _require_open(interview.process)
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise _field_error("scheduled_at", "Give the date and time of the conversation.")
    if scheduled_at < timezone.now():
        raise _field_error("scheduled_at", "The conversation must be in the future.")
    interviewer = interviewer or by
    if interviewer.organization_id != by.organization_id or not rights.can_run_exits(interviewer):
        raise _field_error("interviewer", "The interviewer must be HR or an administrator of this organization.")
    interview.scheduled_at, interview.duration_minutes = scheduled_at, duration_minutes
    interview.location, interview.interviewer = (location or "").strip(), interviewer
    interview.status = ExitInterview.Status.SCHEDULED
    interview.sequence += 1
    full_clean_or_raise(interview, exclude=["organization", "process", "question_set"])
    interview.save()
    window = f"seq{interview.sequence}"
    for person in {interview.process.member, interviewer}:
        notify(kind=EXIT_INTERVIEW_INVITE, subject_id=interview.pk, recipient=person, window=window)
    return interview


def _clean_answers(interview: ExitInterview, answers: dict[str, Any]) -> dict[str, Any]:
    questions = {str(q.pk): q for q in ExitQuestion.objects.for_org(interview.organization_id).filter(
        question_set_id=interview.question_set_id)}
    unknown = [key for key in answers if str(key) not in questions]
    if unknown:
        raise ApplicationError("These answers are for questions of another interview.",
                               field_errors={"answers": [f"Unknown question {unknown[0]}."]})
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        question = questions[str(key)]
        field = f"q{question.pk}"
        if value in (None, ""):
            continue
        if question.kind == ExitQuestion.Kind.SCALE:
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                errors[field] = ["Choose a number from 1 to 5."]
                continue
            cleaned[str(question.pk)] = number
        elif question.kind == ExitQuestion.Kind.CHOICE:
            if value not in question.choice_list:
                errors[field] = ["Choose one of the choices."]
                continue
            cleaned[str(question.pk)] = value
        else:
            text = str(value).strip()
            if len(text) > 5000:
                errors[field] = ["Keep the answer under 5,000 characters."]
                continue
            cleaned[str(question.pk)] = text
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], field_errors=errors)
    return cleaned


@transaction.atomic
def exit_interview_answer(*, interview: ExitInterview, by: Membership, answers: dict[str, Any],
                          held: bool = False) -> ExitInterview:
    """The leaver answers in advance, or HR records the conversation's answers (``held``)."""
    rights.require_interview_answerer(by, interview)
    if held and not rights.can_run_exits(by):
        raise ApplicationError("Only HR marks the conversation as held.")
    interview.answers = {**interview.answers, **_clean_answers(interview, answers)}
    interview.answered_at = timezone.now()
    fields = ["answers", "answered_at", "updated_at"]
    if held:
        interview.status = ExitInterview.Status.HELD
        fields.append("status")
    interview.save(update_fields=fields)
    return interview


# --- The leaver's step ------------------------------------------------------------


STEP_FIELDS = ("personal_email", "phone", "city", "linkedin_url", "note", *LeaverStep.CONSENT_FIELDS)


def _send_verification(step: LeaverStep, organization: Organization) -> None:
    token, digest = token_make(kind=VERIFY_LINK_KIND, organization_id=step.organization_id)
    step.verification_token_hash = digest
    step.save(update_fields=["verification_token_hash", "updated_at"])
    link = _site(reverse("alumni_verify_email", args=[token]))
    email = step.personal_email
    context = {"organization": organization, "link": link}
    transaction.on_commit(lambda: send_mail(
        subject=f"Confirm your personal address for {organization.name}",
        message=render_to_string("alumni/email/verify.txt", context), from_email=None, recipient_list=[email],
    ))


def _save_step(step: LeaverStep, *, data: dict[str, Any], organization: Organization,
               verified_address: str = "") -> LeaverStep:
    """Save the step; an address is verified when it is the one a link was sent to (and opened)."""
    data = {name: data[name] for name in STEP_FIELDS if name in data}
    for name in ("personal_email", "phone", "city", "linkedin_url", "note"):
        if name in data:
            data[name] = (data[name] or "").strip()
    data["personal_email"] = data.get("personal_email", step.personal_email).lower()
    if not data["personal_email"]:
        raise _field_error("personal_email", "Give a personal e-mail address: it is how we stay in touch.")
    process = step.process
    work_email = process.member.user.email
    if data["personal_email"] == work_email.lower():
        raise _field_error("personal_email", "Give a personal address, not your work address.")
    if email_in_use(data["personal_email"], except_user=process.member.user):
        raise _field_error("personal_email", "This address belongs to another account.")
    address_changed = data["personal_email"] != step.personal_email
    consents_before = step.consents
    model_update(step, data=data, fields=STEP_FIELDS)
    now = timezone.now()
    step.submitted_at = now
    updates = ["submitted_at", "updated_at"]
    if step.consents != consents_before or not step.consented_at:
        step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, now
        updates += ["consent_text_version", "consented_at"]
    verified = bool(verified_address) and step.personal_email == verified_address
    if address_changed or (verified and not step.personal_email_verified_at):
        step.personal_email_verified_at = now if verified else None
        updates.append("personal_email_verified_at")
    step.save(update_fields=updates)
    if address_changed and not verified:
        _send_verification(step, organization)
    return step


@transaction.atomic
def leaver_step_save(*, step: LeaverStep, by: Membership, data: dict[str, Any]) -> LeaverStep:
    """The leaver fills their step; a new personal address gets a verification link."""
    process = step.process
    if not rights.can_fill_leaver_step(by, process):
        from alliance.errors import NotAllowed

        raise NotAllowed("Only the person leaving fills this step, while their exit is open.")
    return _save_step(step, data=data, organization=by.organization)


def _step_by_token(token: str, *, kind: str, field: str) -> LeaverStep | None:
    parsed = token_parse(token, kind=kind)
    if parsed is None or not Organization.objects.filter(pk=parsed.organization_id).exists():
        return None
    tenancy.set_tenant(parsed.organization_id)
    return (LeaverStep.objects.for_org(parsed.organization_id)
            .select_related("process__member__user", "organization")
            .filter(**{field: parsed.digest}).first())


@transaction.atomic
def leaver_email_verify(*, token: str) -> LeaverStep:
    step = _step_by_token(token, kind=VERIFY_LINK_KIND, field="verification_token_hash")
    if step is None:
        raise ApplicationError("This confirmation link is not valid any more. Ask for a new one on your exit page.")
    step.personal_email_verified_at = timezone.now()
    step.verification_token_hash = ""
    step.save(update_fields=["personal_email_verified_at", "verification_token_hash", "updated_at"])
    return step


@transaction.atomic
def leaver_verification_resend(*, step: LeaverStep, by: Membership) -> LeaverStep:
    if not rights.can_fill_leaver_step(by, step.process):
        from alliance.errors import NotAllowed

        raise NotAllowed("Only the person leaving can ask for this.")
    if not step.personal_email:
        raise _field_error("personal_email", "Give your personal address first.")
    if step.is_verified:
        raise ApplicationError("Your personal address is confirmed already.")
    _send_verification(step, by.organization)
    return step


@transaction.atomic
def leaver_link_send(*, process: ExitProcess, by: Membership, email: str) -> str:
    """HR sends the leaver a one-time link to their step, at their personal address."""
    rights.require_exit_runner(by)
    _require_open(process)
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise _field_error("email", "Give the leaver's personal e-mail address.")
    if email_in_use(email, except_user=process.member.user) or email == process.member.user.email.lower():
        raise _field_error("email", "Give a personal address that no other account uses.")
    step = LeaverStep.objects.for_org(process.organization_id).select_for_update().get(process=process)
    token, digest = token_make(kind=LEAVER_LINK_KIND, organization_id=process.organization_id)
    step.access_token_hash, step.access_used_at = digest, None
    step.access_expires_at = timezone.now() + timedelta(days=LEAVER_LINK_VALID_DAYS)
    fields = ["access_token_hash", "access_used_at", "access_expires_at", "updated_at"]
    if step.personal_email != email:  # the link goes to this address: opening it proves it
        step.personal_email, step.personal_email_verified_at = email, None
        fields += ["personal_email", "personal_email_verified_at"]
    step.save(update_fields=fields)
    link = _site(reverse("alumni_leaver_link", args=[token]))
    organization = by.organization
    context = {"organization": organization, "link": link, "name": process.member.user.full_name,
               "days": LEAVER_LINK_VALID_DAYS}
    transaction.on_commit(lambda: send_mail(
        subject=f"Stay in touch with {organization.name}",
        message=render_to_string("alumni/email/leaver_link.txt", context), from_email=None, recipient_list=[email],
    ))
    return link


def leaver_link_lookup(token: str) -> LeaverStep | None:
    """The step a one-time link opens, while it is unused, unexpired and its exit open."""
    step = _step_by_token(token, kind=LEAVER_LINK_KIND, field="access_token_hash")
    if step is None or step.access_used_at or not step.access_expires_at or step.access_expires_at <= timezone.now():
        return None
    return step if step.process.is_open else None


@transaction.atomic
def leaver_link_submit(*, token: str, data: dict[str, Any]) -> LeaverStep:
    """Fill the step through the link; the link is used up, and the address it reached is verified."""
    step = leaver_link_lookup(token)
    if step is None:
        raise ApplicationError("This link has expired or was already used. Ask HR for a new one.")
    claimed = LeaverStep.objects.for_org(step.organization_id).filter(
        pk=step.pk, access_used_at__isnull=True, access_token_hash=step.access_token_hash,
    ).update(access_used_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This link was used a moment ago.")
    return _save_step(step, data=data, organization=step.organization, verified_address=step.personal_email)


# --- Templates and question sets ---------------------------------------------------


@transaction.atomic
def exit_template_save(*, by: Membership, kind: str, name: str) -> ExitTemplate:
    rights.require_exit_runner(by)
    if kind not in ExitKind.values:
        raise _field_error("kind", "Choose the kind of exit.")
    name = (name or "").strip() or f"{ExitKind(kind).label} checklist"
    template, _ = ExitTemplate.objects.for_org(by.organization_id).get_or_create(
        organization_id=by.organization_id, kind=kind, defaults={"name": name})
    if template.name != name:
        model_update(template, data={"name": name}, fields=["name"])
    return template


@transaction.atomic
def exit_template_task_add(
    *, template: ExitTemplate, by: Membership, title: str, assignee_role: str, due_offset_days: int,
    assignee_member: Membership | None = None,
) -> ExitTemplateTask:
    rights.require_exit_runner(by)
    if assignee_member is not None and (assignee_member.organization_id != by.organization_id
                                        or not assignee_member.is_active):
        raise _field_error("assignee_member", "Choose an active member of this organization.")
    row = ExitTemplateTask(organization_id=by.organization_id, template=template, title=(title or "").strip(),
                           assignee_role=assignee_role, assignee_member=assignee_member,
                           due_offset_days=due_offset_days)
    full_clean_or_raise(row, exclude=["organization", "template"])
    row.save()
    return row


@transaction.atomic
def exit_template_task_remove(*, row: ExitTemplateTask, by: Membership) -> None:
    rights.require_exit_runner(by)
    row.delete()


@transaction.atomic
def question_set_save(*, by: Membership, name: str, is_default: bool,
                      question_set: ExitQuestionSet | None = None) -> ExitQuestionSet:
    rights.require_exit_runner(by)
    name = (name or "").strip()
    if not name:
        raise _field_error("name", "Give the question set a name.")
    sets = ExitQuestionSet.objects.for_org(by.organization_id)
    if sets.filter(name__iexact=name).exclude(pk=getattr(question_set, "pk", None)).exists():
        raise _field_error("name", "Another question set has this name.")
    if is_default:
        sets.filter(is_default=True).exclude(pk=getattr(question_set, "pk", None)).update(
            is_default=False, updated_at=timezone.now())
    if question_set is None:
        question_set = ExitQuestionSet(organization_id=by.organization_id, name=name, is_default=is_default)
        full_clean_or_raise(question_set, exclude=["organization"])
        question_set.save()
    else:
        model_update(question_set, data={"name": name, "is_default": is_default}, fields=["name", "is_default"])
    return question_set


@transaction.atomic
def question_add(*, question_set: ExitQuestionSet, by: Membership, text: str, kind: str,
                 choices: str = "") -> ExitQuestion:
    rights.require_exit_runner(by)
    position = ExitQuestion.objects.for_org(by.organization_id).filter(question_set=question_set).count()
    question = ExitQuestion(organization_id=by.organization_id, question_set=question_set,
                            text=(text or "").strip(), kind=kind, choices=(choices or "").strip(), position=position)
    full_clean_or_raise(question, exclude=["organization", "question_set"])
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: ExitQuestion, by: Membership) -> None:
    rights.require_exit_runner(by)
    question.delete()


# --- The last day ------------------------------------------------------------------


def exits_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(organization id, exit id) of open exits whose last working day is over in the organization's zone."""
    now = now or timezone.now()
    with tenancy.cross_tenant(reason="exit sweep: open exits whose last working day is over"):
        rows = list(
            ExitProcess.objects.filter(state=ExitProcess.State.IN_PROGRESS,
                                       last_working_day__lt=now.date() + timedelta(days=1))
            .values_list("organization_id", "pk", "last_working_day", "organization__time_zone")
        )
    return [(org_id, pk) for org_id, pk, last_day, zone in rows
            if now.astimezone(zoneinfo.ZoneInfo(zone)).date() > last_day]


def exits_sweep(*, now: datetime | None = None) -> int:
    """Beat: finish every exit whose last day is over, each in its own transaction; returns how many."""
    finished = 0
    for organization_id, process_id in exits_due(now=now):
        try:
            with tenancy.tenant_context(organization_id):
                if exit_finish(organization_id=organization_id, process_id=process_id, now=now):
                    finished += 1
        except ApplicationError:
            log.exception("exit %s of organization %s could not be finished", process_id, organization_id)
    return finished


def exit_finish(*, organization_id: int, process_id: int, now: datetime | None = None) -> bool:
    """The last day is over: close tours, revoke credentials, and the member becomes an alumnus (or a
    former member). Exactly once: a conditional UPDATE claims the exit; a concurrent or later run finds
    it claimed and does nothing. Call inside the organization's tenant context."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = ExitProcess.objects.for_org(organization_id).filter(
            pk=process_id, state=ExitProcess.State.IN_PROGRESS).update(
            state=ExitProcess.State.COMPLETED, completed_at=now, updated_at=now)
        if claimed != 1:
            return False
        process = (ExitProcess.objects.for_org(organization_id)
                   .select_related("member__user", "organization").get(pk=process_id))
        organization = process.organization
        if organization_today(organization, now=now) <= process.last_working_day:
            transaction.set_rollback(True)  # not over yet after all (the day was moved meanwhile)
            return False
        actor = _actor(process)
        actor.organization = organization
        _close_tours(process, by=actor)
        tour_services, _ = _tours()
        tour_services.calendar_feed_revoke(member=process.member)
        ExitInterview.objects.for_org(organization_id).filter(
            process=process, status=ExitInterview.Status.SCHEDULED, scheduled_at__lt=now,
        ).update(status=ExitInterview.Status.HELD, updated_at=now)
        joins = process.joins_alumni
        status = Membership.Status.ALUMNUS if joins else Membership.Status.FORMER
        membership_leave(membership=process.member, status=status)
        process.outcome = ExitProcess.Outcome.ALUMNUS if joins else ExitProcess.Outcome.FORMER
        process.save(update_fields=["outcome", "updated_at"])
        step = LeaverStep.objects.for_org(organization_id).filter(process=process).first()
        if joins:
            alumni_profile_ensure(member=process.member, viewer=actor)
        if joins and step is not None and step.is_verified:
            user = process.member.user
            try:
                with transaction.atomic():
                    user_email_change_keeping_alias(user=user, new_email=step.personal_email)
            except ApplicationError:
                log.warning("exit %s: the personal address is taken; the work address stays the login", process.pk)
            if any(step.consents.values()):
                _send_welcome(process, step)
    return True


def _close_tours(process: ExitProcess, *, by: Membership) -> None:
    tour_services, tour_selectors = _tours()
    reason = f"Left the organization ({process.get_kind_display().lower()}, last day {process.last_working_day})."
    for tour in tour_selectors.open_tours_of(process.member):
        conversation = tour_selectors.open_first_conversation(tour)
        if conversation is not None:
            tour_services.first_conversation_record_outcome(
                conversation=conversation, by=by, outcome=FIRST_CONVERSATION_CLOSED_OUTCOME, note=reason)
            tour.refresh_from_db()
        if tour.status == "proposed":
            tour_services.tour_cancel(tour=tour, by=by, reason=reason)
            continue
        if process.kind == ExitKind.END_OF_TOUR:
            try:
                tour_services.tour_complete(tour=tour, by=by, note=reason)
                continue
            except ApplicationError:
                tour.refresh_from_db()  # ends after the last day: ended early instead
        tour_services.tour_end_early(tour=tour, by=by, reason=reason)


def _send_welcome(process: ExitProcess, step: LeaverStep) -> None:
    organization = process.organization
    link = _site(reverse("alumni:alumni_home", args=[organization.slug]))
    context = {"organization": organization, "name": process.member.user.full_name, "link": link,
               "email": step.personal_email, "distinguished": process.alumni_tier == ExitProcess.Tier.DISTINGUISHED}
    address = step.personal_email
    transaction.on_commit(lambda: send_mail(
        subject=f"Welcome to the {organization.name} alumni network",
        message=render_to_string("alumni/email/welcome.txt", context), from_email=None, recipient_list=[address],
    ))


# --- The alumni network: settings ----------------------------------------------------------------

# Notification kinds of the network (registered in alumni/reminders.py, each with its builder).
REFERRAL_STATUS = "alumni_referral_status"
LEAD_STATUS = "alumni_lead_status"
BOOMERANG_REQUESTED = "alumni_boomerang_requested"
BOOMERANG_REHIRED = "alumni_boomerang_rehired"

SETTINGS_FIELDS = ("level", "referral_bonus_for", "referral_bonus_amount", "lead_bonus_for", "lead_bonus_amount",
                   "bonus_currency", "retention_days", "alumni_note_visibility")


@transaction.atomic
def network_settings_save(*, by: Membership, data: dict[str, Any]) -> AlumniSettings:
    """An administrator sets the investment level and the bonus policy. A lower level hides what it
    does not offer from that moment on; nothing is deleted, so going back up shows it all again."""
    rights.require_network_admin(by)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    data = dict(data)
    if "level" in data and data["level"] not in InvestmentLevel.values:
        raise _field_error("level", "Choose ignore, support or invest.")
    if "bonus_currency" in data:
        data["bonus_currency"] = (data["bonus_currency"] or "").strip().upper()
    current = AlumniSettings.objects.for_org(by.organization_id).select_for_update().first()
    if current is None:
        current = AlumniSettings(organization_id=by.organization_id, bonus_currency=by.organization.currency)
        for name, value in data.items():
            setattr(current, name, value)
        full_clean_or_raise(current, exclude=["organization"])
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as error:  # saved by someone else a moment ago
            raise ApplicationError("The settings were saved a moment ago; look at them again.") from error
    else:
        model_update(current, data=data, fields=SETTINGS_FIELDS)
    from alumni.reach_services import level_changed

    level_changed(current)
    return current


def _settings(organization_id: int) -> AlumniSettings:
    from alumni.selectors import network_settings

    return network_settings(Organization.objects.get(pk=organization_id))


# --- The directory card -------------------------------------------------------------------------


def _stay_of(member: Membership, *, viewer: Membership | None = None) -> dict[str, Any]:
    """What the directory records of a person's time here: years, team, the titles of their tours."""
    _, tour_selectors = _tours()
    process = (ExitProcess.objects.for_org(member.organization_id)
               .filter(member=member, state=ExitProcess.State.COMPLETED).order_by("-completed_at").first())
    ledger = tour_selectors.career_ledger(member=viewer or member, subject=member)
    titles = [tour.title for tour in ledger if tour.status in ("active", "completed", "ended_early")]
    return {
        "joined_on": member.joined_on,
        "left_on": process.last_working_day if process else None,
        "teams": member.team,
        "tour_titles": "\n".join(dict.fromkeys(titles)),
        "distinguished": bool(process and process.alumni_tier == ExitProcess.Tier.DISTINGUISHED),
    }


def _step_of(member: Membership) -> LeaverStep | None:
    return (LeaverStep.objects.for_org(member.organization_id)
            .filter(process__member=member, process__state=ExitProcess.State.COMPLETED)
            .order_by("-process__completed_at").first())


@transaction.atomic
def alumni_profile_ensure(*, member: Membership, viewer: Membership | None = None) -> AlumniProfile:
    """The alumnus's directory card, made from their stay the first time (on their last day, or when
    they first open it). Listed only if they consented to the directory."""
    profile = AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()
    if profile is not None:
        return profile
    if member.status != Membership.Status.ALUMNUS:
        raise ApplicationError("Only alumni have a directory card.")
    step = _step_of(member)
    profile = AlumniProfile(organization_id=member.organization_id, member=member,
                            listed=bool(step and step.consent_directory), city=step.city if step else "",
                            **_stay_of(member, viewer=viewer))
    full_clean_or_raise(profile, exclude=["organization", "member"])
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # made by a concurrent request
        profile = AlumniProfile.objects.for_org(member.organization_id).get(member=member)
    return profile


CARD_FIELDS = ("listed", "current_company", "current_role", "city",
               *(f"{field}_visibility" for field in DIRECTORY_FIELDS), "photo_visibility")


@transaction.atomic
def alumni_profile_update(*, profile: AlumniProfile, by: Membership, data: dict[str, Any]) -> AlumniProfile:
    """The alumnus edits their own card. Listing is their directory consent: ticking or unticking it
    records the consent (text version and time) on their leaver step at once."""
    settings = _settings(by.organization_id)
    rights.require_portal(by, settings)
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus edits their directory card.")
    unknown = set(data) - set(CARD_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    data = {name: (value.strip() if isinstance(value, str) else value) for name, value in data.items()}
    for name in data:
        if name.endswith("_visibility") and data[name] not in Visibility.values:
            raise _field_error(name, "Choose alumni, alumni and employees, or hidden.")
    changed = model_update(profile, data=data, fields=CARD_FIELDS)
    if "listed" in changed:
        step = _step_of(by)
        if step is not None and step.consent_directory != profile.listed:
            step.consent_directory = profile.listed
            step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, timezone.now()
            step.save(update_fields=["consent_directory", "consent_text_version", "consented_at", "updated_at"])
    return profile


# --- Referrals and customer leads ---------------------------------------------------------------


def _bonus_applies(policy_for: str, *, alumnus: bool) -> bool:
    return policy_for == BonusFor.EVERYONE or policy_for == (BonusFor.ALUMNI if alumnus else BonusFor.EMPLOYEES)


def _clean_text(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: (data.get(name) or "").strip() for name in names}


@transaction.atomic
def referral_create(*, by: Membership, candidate_name: str, candidate_email: str, role: str,
                    why: str) -> Referral:
    """An employee or an alumnus recommends someone for a job; HR is told on its board."""
    rights.require_referrer(by, _settings(by.organization_id))
    text = _clean_text({"candidate_name": candidate_name, "candidate_email": candidate_email, "role": role,
                        "why": why}, ("candidate_name", "candidate_email", "role", "why"))
    text["candidate_email"] = text["candidate_email"].lower()
    if text["candidate_email"] and text["candidate_email"] == by.user.email.lower():
        raise _field_error("candidate_email", "Refer someone else: you cannot refer yourself.")
    if text["candidate_email"] and Referral.objects.for_org(by.organization_id).filter(
            candidate_email=text["candidate_email"],
            status__in=(Referral.Status.SUBMITTED, Referral.Status.IN_PROCESS)).exists():
        raise _field_error("candidate_email", "This person is already referred and being considered.")
    referral = Referral(organization_id=by.organization_id, referrer=by, referrer_was_alumnus=rights.is_alumnus(by),
                        **text)
    full_clean_or_raise(referral, exclude=["organization", "referrer"])
    referral.save()
    return referral


def _move_along(obj: Referral | CustomerLead, *, by: Membership, status: str, note: str, success: str,
                bonus_for: str, bonus_amount: Decimal, alumnus: bool) -> None:
    """Move a referral or lead along its lifecycle (``NEXT``) under a row lock. Reaching ``success``
    (hired, won) starts the bonus the policy gives — amount and currency as they stand that day."""
    model = type(obj)
    locked = model.objects.for_org(obj.organization_id).select_for_update().get(pk=obj.pk)
    if status not in model.Status.values:
        raise _field_error("status", "Choose one of the statuses.")
    following = model.NEXT[model.Status(locked.status)]
    if status not in following:
        name, current = model._meta.verbose_name, locked.get_status_display().lower()
        allowed = ", ".join(model.Status(next_status).label.lower() for next_status in following)
        raise _field_error("status", f"A {name} that is {current} can move to: {allowed}." if allowed
                           else f"This {name} is {current}: it is closed.")
    obj.status, obj.status_note, obj.status_changed_by = status, (note or "").strip(), by
    fields = ["status", "status_note", "status_changed_by", "updated_at"]
    if status == success and _bonus_applies(bonus_for, alumnus=alumnus):
        obj.bonus_amount, obj.bonus_currency = bonus_amount, _settings(by.organization_id).bonus_currency
        obj.bonus_state = BonusState.PENDING
        fields += ["bonus_amount", "bonus_currency", "bonus_state"]
    obj.save(update_fields=fields)


@transaction.atomic
def referral_set_status(*, referral: Referral, by: Membership, status: str, note: str = "") -> Referral:
    """HR moves a referral along; a hire starts the bonus the policy gives; the referrer is told."""
    rights.require_network_runner(by)
    policy = _settings(by.organization_id)
    _move_along(referral, by=by, status=status, note=note, success=Referral.Status.HIRED,
                bonus_for=policy.referral_bonus_for, bonus_amount=policy.referral_bonus_amount,
                alumnus=referral.referrer_was_alumnus)
    notify(kind=REFERRAL_STATUS, subject_id=referral.pk, recipient=referral.referrer, window=status)
    return referral


def _mark_paid(obj, *, by: Membership) -> None:
    rights.require_network_runner(by)
    claimed = type(obj).objects.for_org(obj.organization_id).filter(
        pk=obj.pk, bonus_state=BonusState.PENDING).update(
        bonus_state=BonusState.PAID, bonus_paid_at=timezone.now(), updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("Only a pending bonus can be marked paid.")
    obj.refresh_from_db()


@transaction.atomic
def referral_bonus_paid(*, referral: Referral, by: Membership) -> Referral:
    _mark_paid(referral, by=by)
    return referral


@transaction.atomic
def lead_create(*, by: Membership, company: str, contact_name: str, contact_email: str = "", need: str,
                estimated_value: Decimal | None = None, currency: str = "") -> CustomerLead:
    """An employee or an alumnus brings a possible customer."""
    rights.require_referrer(by, _settings(by.organization_id))
    text = _clean_text({"company": company, "contact_name": contact_name, "contact_email": contact_email,
                        "need": need}, ("company", "contact_name", "contact_email", "need"))
    lead = CustomerLead(organization_id=by.organization_id, submitter=by, submitter_was_alumnus=rights.is_alumnus(by),
                        estimated_value=estimated_value,
                        currency=(currency or "").strip().upper() or by.organization.currency, **text)
    full_clean_or_raise(lead, exclude=["organization", "submitter"])
    lead.save()
    return lead


@transaction.atomic
def lead_set_status(*, lead: CustomerLead, by: Membership, status: str, note: str = "") -> CustomerLead:
    """HR or the lead's owner moves it along; a won lead starts the thank-you bonus the policy gives."""
    rights.require_lead_updater(by, lead)
    policy = _settings(by.organization_id)
    _move_along(lead, by=by, status=status, note=note, success=CustomerLead.Status.WON,
                bonus_for=policy.lead_bonus_for, bonus_amount=policy.lead_bonus_amount,
                alumnus=lead.submitter_was_alumnus)
    if lead.submitter_id != by.pk:
        notify(kind=LEAD_STATUS, subject_id=lead.pk, recipient=lead.submitter, window=status)
    return lead


@transaction.atomic
def lead_assign(*, lead: CustomerLead, by: Membership, owner: Membership | None) -> CustomerLead:
    """HR names who follows the lead up: an active member of the organization."""
    rights.require_network_runner(by)
    if owner is not None and (owner.organization_id != by.organization_id or not owner.is_active):
        raise _field_error("owner", "Choose an active member of this organization.")
    lead.owner = owner
    lead.save(update_fields=["owner", "updated_at"])
    return lead


@transaction.atomic
def lead_bonus_paid(*, lead: CustomerLead, by: Membership) -> CustomerLead:
    _mark_paid(lead, by=by)
    return lead


# --- Boomerangs ---------------------------------------------------------------------------------


def _hr_people(organization_id: int) -> list[Membership]:
    return list(Membership.objects.for_org(organization_id).filter(
        role__in=(Membership.Role.HR, Membership.Role.ADMIN), status=Membership.Status.ACTIVE))


@transaction.atomic
def boomerang_request(*, by: Membership, message: str) -> Boomerang:
    """"I'd like to come back": the alumnus asks; HR is told and decides (rehire or decline)."""
    rights.require_come_back(by, _settings(by.organization_id))
    message = (message or "").strip()
    if not message:
        raise _field_error("message", "Say what you would like to do here.")
    if Boomerang.objects.for_org(by.organization_id).filter(member=by, state=Boomerang.State.REQUESTED).exists():
        raise _field_error("message", "You have asked already; HR will answer you.")
    boomerang = Boomerang(organization_id=by.organization_id, member=by, state=Boomerang.State.REQUESTED,
                          message=message, requested_at=timezone.now())
    full_clean_or_raise(boomerang, exclude=["organization", "member"])
    try:
        with transaction.atomic():
            boomerang.save()
    except IntegrityError as error:
        raise _field_error("message", "You have asked already; HR will answer you.") from error
    for person in _hr_people(by.organization_id):
        notify(kind=BOOMERANG_REQUESTED, subject_id=boomerang.pk, recipient=person, window="requested")
    return boomerang


@transaction.atomic
def boomerang_decline(*, boomerang: Boomerang, by: Membership, note: str) -> Boomerang:
    rights.require_network_runner(by)
    note = (note or "").strip()
    if not note:
        raise _field_error("decline_note", "Say why, for the record.")
    claimed = Boomerang.objects.for_org(by.organization_id).filter(
        pk=boomerang.pk, state=Boomerang.State.REQUESTED).update(
        state=Boomerang.State.DECLINED, decline_note=note, updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This request is answered already.")
    boomerang.refresh_from_db()
    return boomerang


def _last_exit(member: Membership) -> ExitProcess | None:
    return (ExitProcess.objects.for_org(member.organization_id)
            .filter(member=member, state=ExitProcess.State.COMPLETED).order_by("-completed_at").first())


def rehire_refusal(alumnus: Membership) -> str:
    """Why this alumnus cannot be rehired, or "" when their exit's rehire eligibility allows it
    (eligible, conditional, or never recorded)."""
    if alumnus.status != Membership.Status.ALUMNUS:
        return "Only an alumnus of this organization can be rehired."
    process = _last_exit(alumnus)
    if process is not None and process.rehire == ExitProcess.Rehire.NOT_ELIGIBLE:
        return f"{alumnus.user.full_name} is not eligible for rehire (recorded at their exit)."
    return ""


REHIRE_ROLES = (Membership.Role.EMPLOYEE, Membership.Role.MANAGER, Membership.Role.HR)


@transaction.atomic
def boomerang_rehire(
    *, by: Membership, alumnus: Membership, role: str, manager: Membership | None, start_date: date | None,
    tour_kind: str, tour_title: str, mission: str, company_objectives: str, employee_benefits: str,
    end_date: date | None = None, title: str = "", team: str = "",
) -> Boomerang:
    """HR rehires an alumnus whose rehire eligibility allows it: their membership is active again with
    a role and a manager, and a new tour is drafted whose ``previous_tour`` is their last tour here,
    so the career ledger runs across both stays. Any refusal changes nothing."""
    rights.require_network_runner(by)
    locked = (Membership.objects.for_org(by.organization_id).select_for_update().select_related("user")
              .filter(pk=alumnus.pk).first())
    if locked is None or locked.status != Membership.Status.ALUMNUS:
        raise _field_error("member", "Only an alumnus of this organization can be rehired.")
    process = _last_exit(locked)
    refusal = rehire_refusal(locked)
    if refusal:
        raise _field_error("member", refusal)
    if role not in REHIRE_ROLES:
        raise _field_error("role", "Choose employee, manager or HR.")
    if start_date is None:
        raise _field_error("start_date", "Give the first day of the new stay.")
    if process is not None and start_date <= process.last_working_day:
        raise _field_error("start_date", "The new stay starts after their last day.")
    if manager is None or manager.organization_id != by.organization_id or not manager.is_manager \
            or manager.pk == locked.pk:
        raise _field_error("manager", "Choose an active manager, HR person or administrator.")
    tour_services, tour_selectors = _tours()
    ledger = tour_selectors.career_ledger(member=by, subject=locked)
    last_tour = next((tour for tour in reversed(ledger) if tour.status in ("completed", "ended_early", "active")),
                     None)
    request = (Boomerang.objects.for_org(by.organization_id).select_for_update()
               .filter(member=locked, state=Boomerang.State.REQUESTED).first())
    locked.status, locked.role, locked.manager = Membership.Status.ACTIVE, role, manager
    locked.joined_on = start_date
    locked.title = (title or locked.title).strip()
    locked.team = (team or locked.team).strip()
    locked.save(update_fields=["status", "role", "manager", "joined_on", "title", "team", "updated_at"])
    locked.organization = by.organization
    tour = tour_services.tour_create(
        by=by, employee=locked, manager=manager, kind=tour_kind, title=tour_title, mission=mission,
        company_objectives=company_objectives, employee_benefits=employee_benefits, start_date=start_date,
        end_date=end_date, previous_tour=last_tour)
    boomerang = request or Boomerang(organization_id=by.organization_id, member=locked)
    boomerang.state, boomerang.rehired_by, boomerang.rehired_at = Boomerang.State.REHIRED, by, timezone.now()
    boomerang.start_date, boomerang.role, boomerang.manager = start_date, role, manager
    boomerang.previous_exit = process
    boomerang.last_tour_ref = last_tour.pk if last_tour else None
    boomerang.new_tour_ref = tour.pk
    boomerang.save()
    AlumniProfile.objects.for_org(by.organization_id).filter(member=locked).update(
        listed=False, updated_at=timezone.now())
    notify(kind=BOOMERANG_REHIRED, subject_id=boomerang.pk, recipient=locked, window="rehired")
    return boomerang


# --- Data rights: download my data, erase me -----------------------------------------------------

ERASED_NAME = "Erased person"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def my_data(*, member: Membership) -> dict[str, Any]:
    """Everything the organization holds about this person, as they may take it away. Other people's
    data is left out: HR's confidential notes, the names and addresses of candidates and customer
    contacts they gave, their managers' names."""
    _, tour_selectors = _tours()
    user = member.user
    organization_id = member.organization_id
    exits = []
    for process in ExitProcess.objects.for_org(organization_id).filter(member=member).order_by("created_at"):
        step = LeaverStep.objects.for_org(organization_id).filter(process=process).first()
        interview = ExitInterview.objects.for_org(organization_id).filter(process=process).first()
        questions = dict(ExitQuestion.objects.for_org(organization_id).filter(
            question_set_id=interview.question_set_id).values_list("pk", "text")) if interview else {}
        exits.append({
            "kind": process.kind, "last_working_day": _iso(process.last_working_day), "state": process.state,
            "initiated_by": process.initiated_by, "completed_at": _iso(process.completed_at),
            "your_step": {name: getattr(step, name) for name in STEP_FIELDS} | {
                "consent_text_version": step.consent_text_version, "consented_at": _iso(step.consented_at)}
            if step else None,
            "your_interview_answers": {questions.get(int(key), key): answer
                                       for key, answer in (interview.answers if interview else {}).items()},
        })
    card = AlumniProfile.objects.for_org(organization_id).filter(member=member).first()
    return {
        "organization": member.organization.name,
        "exported_at": timezone.now().isoformat(),
        "you": {"email": user.email, "full_name": user.full_name, "time_zone": user.time_zone,
                "other_addresses": list(user.email_aliases.values_list("email", flat=True))},
        "membership": {"role": member.role, "status": member.status, "title": member.title, "team": member.team,
                       "joined_on": _iso(member.joined_on), "aspirations": member.aspirations,
                       "values": member.values},
        "tours": [{"title": tour.title, "kind": tour.kind, "status": tour.status, "start_date": _iso(tour.start_date),
                   "end_date": _iso(tour.end_date), "mission": tour.mission,
                   "company_objectives": tour.company_objectives, "employee_benefits": tour.employee_benefits,
                   "success_company": tour.success_company, "success_employee": tour.success_employee}
                  for tour in tour_selectors.career_ledger(member=member, subject=member)],
        "exits": exits,
        "directory_card": {name: getattr(card, name) for name in CARD_FIELDS} | {
            "joined_on": _iso(card.joined_on), "left_on": _iso(card.left_on), "teams": card.teams,
            "tour_titles": card.tour_titles,
            "photo": "files/directory-photo.jpg" if card.photo else None} if card else None,
        "referrals": [{"role": r.role, "opening": r.opening_id, "why": r.why, "status": r.status,
                       "bonus_amount": str(r.bonus_amount or ""),
                       "bonus_currency": r.bonus_currency, "bonus_state": r.bonus_state,
                       "created_at": _iso(r.created_at)}
                      for r in Referral.objects.for_org(organization_id).filter(referrer=member)],
        "customer_leads": [{"company": lead.company, "need": lead.need, "status": lead.status,
                            "estimated_value": str(lead.estimated_value or ""), "currency": lead.currency,
                            "bonus_state": lead.bonus_state, "created_at": _iso(lead.created_at)}
                           for lead in CustomerLead.objects.for_org(organization_id).filter(submitter=member)],
        "come_back_requests": [{"state": b.state, "message": b.message, "requested_at": _iso(b.requested_at)}
                               for b in Boomerang.objects.for_org(organization_id).filter(member=member)],
        "notifications": [{"title": n.title, "body": n.body, "created_at": _iso(n.created_at)}
                          for n in Notification.objects.for_org(organization_id).filter(recipient=member)],
        "event_answers": engage_services.my_event_answers(member=member),
    }


def my_data_zip(*, member: Membership) -> bytes:
    """The export as a zip archive: ``my-data.json`` and the person's own files (``files/``)."""
    buffer = io.BytesIO()
    from alumni.reach_services import export_files

    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(my_data(member=member), indent=2, ensure_ascii=False,
                                                    default=str))
        for arcname, stored in export_files(member):
            try:
                with uploads.private_storage().open(stored, "rb") as stream:
                    archive.writestr(f"files/{arcname}", stream.read())
            except FileNotFoundError:
                log.warning("export of membership %s: %s is no longer in storage", member.pk, stored)
    return buffer.getvalue()


def _belongs_elsewhere(member: Membership) -> bool:
    with tenancy.cross_tenant(reason="erasure: is the person a member of another organization?"):
        return Membership.objects.filter(user_id=member.user_id).exclude(
            organization_id=member.organization_id).filter(
            status__in=(Membership.Status.ACTIVE, Membership.Status.ALUMNUS)).exists()


@transaction.atomic
def alumnus_erase(*, member: Membership, by: Membership) -> ErasureRecord:
    """An alumnus's right to be erased. Their account, profile, contact details, consents, card, open
    referrals and leads, requests, notifications and private notes go or are anonymized; what the
    organization must keep stays without their name (tour history, referral and lead bonuses paid), and
    the erasure is recorded. Their account is global: someone still in another organization on this
    site is refused (erasing them would erase them there too)."""
    rights.require_self_erasure(by, member)
    if _belongs_elsewhere(member):
        raise ApplicationError("You belong to another organization here too: erasing your account would erase it "
                               "there as well. Leave that organization first, or ask its HR.")
    return _erase(member, reason="asked")


def _erase(member: Membership, *, reason: str) -> ErasureRecord:
    user = User.objects.select_for_update().get(pk=member.user_id)
    organization_id, now = member.organization_id, timezone.now()
    names = [text for text in {user.full_name, user.email, *user.email_aliases.values_list("email", flat=True),
                               *LeaverStep.objects.for_org(organization_id).filter(process__member=member)
                               .exclude(personal_email="").values_list("personal_email", flat=True)} if text]
    from alumni.reach_services import erase_reach

    removed = erase_reach(member)  # their photo and CVs (gone once committed), their who-knows listing
    steps = LeaverStep.objects.for_org(organization_id).filter(process__member=member)
    steps.update(personal_email="", personal_email_verified_at=None, verification_token_hash="", phone="", city="",
                 linkedin_url="", note="", consent_directory=False, consent_news=False, consent_jobs=False,
                 consent_events=False, consent_feedback=False, consent_text_version="", consented_at=None,
                 access_token_hash="", access_expires_at=None, updated_at=now)
    ExitInterview.objects.for_org(organization_id).filter(process__member=member).update(answers={}, updated_at=now)
    ExitProcess.objects.for_org(organization_id).filter(member=member).update(
        hr_note="", rehire_reason="", alumni_despite_note="", updated_at=now)
    AlumniProfile.objects.for_org(organization_id).filter(member=member).delete()
    Boomerang.objects.for_org(organization_id).filter(member=member).delete()
    engage_services.event_answers_erase(member=member)
    kept = {}
    for model, owner in ((Referral, "referrer"), (CustomerLead, "submitter")):
        rows = model.objects.for_org(organization_id).filter(**{owner: member})
        rows.exclude(bonus_state=BonusState.PAID).delete()
        kept[model._meta.model_name + "s_with_paid_bonus"] = rows.count()
    Referral.objects.for_org(organization_id).filter(referrer=member).update(why="", updated_at=now)
    CustomerLead.objects.for_org(organization_id).filter(submitter=member).update(need="", updated_at=now)
    # Notifications to them, and anyone's that names them (e.g. HR's "… would like to come back").
    notifications = Notification.objects.for_org(organization_id)
    mentions = Q(recipient=member)
    for text in names:
        mentions |= Q(title__icontains=text) | Q(body__icontains=text)
    notifications.filter(mentions).delete()
    Reminder.objects.for_org(organization_id).filter(recipient=member).delete()
    NotificationPreference.objects.for_org(organization_id).filter(membership=member).delete()
    tour_services, _ = _tours()
    tour_services.private_notes_erase(member=member)
    kept["tours"] = len(_tours()[1].career_ledger(member=member, subject=member))
    member.status, member.title, member.aspirations, member.values = Membership.Status.FORMER, "", "", ""
    member.save(update_fields=["status", "title", "aspirations", "values", "updated_at"])
    user.email_aliases.all().delete()
    user.full_name, user.email, user.is_active = ERASED_NAME, f"erased-{user.pk}@erased.invalid", False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "is_active", "password"])
    return ErasureRecord.objects.create(organization_id=organization_id, member=member, erased_at=now,
                                        kept={"reason": reason, **kept, **removed})


def retention_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(organization id, membership id) of alumni past their organization's retention period: left more
    than that long ago, not signed in since, and no consent (never given, or withdrawn). Cross-tenant,
    one query per organization that set a period."""
    now = now or timezone.now()
    due: list[tuple[int, int]] = []
    with tenancy.cross_tenant(reason="retention sweep: alumni without consents past the retention period"):
        for organization_id, days in AlumniSettings.objects.filter(retention_days__isnull=False).values_list(
                "organization_id", "retention_days"):
            cutoff = now - timedelta(days=days)
            exits = ExitProcess.objects.filter(organization_id=organization_id, member_id=OuterRef("pk"),
                                               state=ExitProcess.State.COMPLETED)
            consenting = LeaverStep.objects.filter(organization_id=organization_id,
                                                   process__member_id=OuterRef("pk")).filter(
                Q(consent_directory=True) | Q(consent_news=True) | Q(consent_jobs=True) | Q(consent_events=True)
                | Q(consent_feedback=True))
            due += list(Membership.objects.filter(organization_id=organization_id, status=Membership.Status.ALUMNUS)
                        .filter(Exists(exits.filter(completed_at__lt=cutoff)))
                        .exclude(Exists(exits.filter(completed_at__gte=cutoff)))
                        .exclude(Exists(consenting))
                        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff))
                        .values_list("organization_id", "pk"))
    return due


def retention_sweep(*, now: datetime | None = None) -> int:
    """Beat: anonymize the alumni ``retention_due`` finds, each in its own transaction; returns how many.
    Someone who is still in another organization here is left alone (their account is shared)."""
    erased = 0
    for organization_id, member_id in retention_due(now=now):
        with tenancy.tenant_context(organization_id), transaction.atomic():
            member = (Membership.objects.for_org(organization_id).select_related("user", "organization")
                      .filter(pk=member_id, status=Membership.Status.ALUMNUS).first())
            if member is None or _belongs_elsewhere(member):
                continue
            _erase(member, reason="retention")
            erased += 1
    return erased
