"""Who may do what in an exit. The ``access_*`` lookups answer 404 for what is missing or not visible."""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import ExitInterview, ExitProcess, ExitTask, LeaverStep


def can_run_exits(member: Membership) -> bool:
    """HR and admins run exits, templates and question sets."""
    return member.is_active and member.is_hr


def is_leaver(member: Membership, process: ExitProcess) -> bool:
    return process.member_id == member.pk and member.organization_id == process.organization_id


def can_see_exit(member: Membership, process: ExitProcess) -> bool:
    """HR/admin, the leaver, and anyone with a task in it (they see the exit's outline, not its notes)."""
    if member.organization_id != process.organization_id:
        return False
    return can_run_exits(member) or (member.is_active and is_leaver(member, process))


def can_see_confidential(member: Membership, process: ExitProcess) -> bool:
    """The HR note, the rehire reason, the classification: HR and admins only."""
    return can_run_exits(member) and member.organization_id == process.organization_id


def can_see_interview_answers(member: Membership, interview: ExitInterview) -> bool:
    """HR and admins — never the leaver's manager. The leaver sees their own (they wrote them)."""
    return can_run_exits(member) or (member.is_active and interview.process.member_id == member.pk)


def can_answer_interview(member: Membership, interview: ExitInterview) -> bool:
    """The leaver answers in advance; HR records the answers given in the conversation."""
    return interview.process.is_open and (can_run_exits(member) or is_leaver(member, interview.process))


def can_complete_task(member: Membership, task: ExitTask) -> bool:
    return member.is_active and task.process.is_open and (task.assignee_id == member.pk or can_run_exits(member))


def can_see_personal_email(member: Membership, step: LeaverStep) -> bool:
    """The leaver's personal address is theirs: HR sees it only while they consent to be contacted
    (``LeaverStep.consents_to_contact``, the consent ``alliance.people`` reads after the last day)."""
    return is_leaver(member, step.process) or (can_run_exits(member) and step.consents_to_contact)


def can_fill_leaver_step(member: Membership, process: ExitProcess) -> bool:
    return process.is_open and member.is_active and is_leaver(member, process)


def require_exit_runner(by: Membership) -> None:
    if not can_run_exits(by):
        raise NotAllowed("Only HR or an administrator can do this.")


def require_task_completer(by: Membership, task: ExitTask) -> None:
    if not can_complete_task(by, task):
        if not task.process.is_open:
            raise NotAllowed("This exit is closed; its tasks cannot change any more.")
        raise NotAllowed("Only the person the task is assigned to, or HR, can complete it.")


def require_interview_answerer(by: Membership, interview: ExitInterview) -> None:
    if not can_answer_interview(by, interview):
        raise NotAllowed("Only the leaver or HR can answer the exit interview, while the exit is open.")


def access_exit(member: Membership, process_id: int) -> ExitProcess:
    process = (
        ExitProcess.objects.for_org(member.organization_id)
        .select_related("member__user", "member__manager__user", "started_by__user")
        .filter(pk=process_id).first()
    )
    if process is None or not can_see_exit(member, process):
        raise Http404("No such exit.")
    return process


def access_task(member: Membership, task_id: int) -> ExitTask:
    task = (
        ExitTask.objects.for_org(member.organization_id)
        .select_related("process__member__user", "assignee__user")
        .filter(pk=task_id).first()
    )
    if task is None or not (task.assignee_id == member.pk or can_run_exits(member)):
        raise Http404("No such task.")
    return task
