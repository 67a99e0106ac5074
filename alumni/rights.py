"""Who may do what in an exit, in one place.

Services call the ``require_*`` functions and refuse on their own (``NotAllowed`` → 403);
views, APIs and templates call the ``can_*`` ones only to hide what a person may not use.
The ``access_*`` functions return the object or raise Http404 "No such …" — the same
answer for what does not exist and for what the caller may not see.
"""

from __future__ import annotations

from django.http import Http404

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.models import (
    AlumniSettings,
    Boomerang,
    CustomerLead,
    ExitInterview,
    ExitProcess,
    ExitTask,
    InvestmentLevel,
    Referral,
)


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


def can_fill_leaver_step(member: Membership, process: ExitProcess) -> bool:
    return process.is_open and member.is_active and is_leaver(member, process)


# --- Refusals, raised by the services ---------------------------------------------


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


# --- Lookups: 404 for what is missing or not visible ------------------------------


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


# --- The alumni network: the investment level decides what is open -----------------------

def is_alumnus(member: Membership) -> bool:
    return member.status == Membership.Status.ALUMNUS


def in_the_network(member: Membership) -> bool:
    """Alumni and active members take part in the network; former members do not."""
    return member.is_active or is_alumnus(member)


def can_manage_network(member: Membership) -> bool:
    """Administrators choose the investment level and the bonus policy."""
    return member.is_admin


def can_run_network(member: Membership) -> bool:
    """HR and admins move referrals and leads along, pay bonuses and rehire alumni."""
    return member.is_active and member.is_hr


def portal_open(member: Membership, settings: AlumniSettings, level: str = InvestmentLevel.SUPPORT) -> bool:
    """A part of the portal at ``level`` is open to alumni and employees when the organization invests
    at least that much. At ``ignore`` nothing of it exists for anyone, alumni included."""
    return in_the_network(member) and settings.reaches(level)


def can_use_directory(member: Membership, settings: AlumniSettings) -> bool:
    return portal_open(member, settings)


def can_refer(member: Membership, settings: AlumniSettings) -> bool:
    """Employees refer at every level (hiring does not wait for an alumni network); alumni from ``support``."""
    return member.is_active or (is_alumnus(member) and settings.reaches(InvestmentLevel.SUPPORT))


def can_see_referral(member: Membership, referral: Referral) -> bool:
    return can_run_network(member) or referral.referrer_id == member.pk


def can_see_lead(member: Membership, lead: CustomerLead) -> bool:
    return can_run_network(member) or lead.submitter_id == member.pk or (
        member.is_active and lead.owner_id == member.pk)


def can_update_lead(member: Membership, lead: CustomerLead) -> bool:
    """HR, or the lead's owner in the organization, moves a lead along."""
    return can_run_network(member) or (member.is_active and lead.owner_id == member.pk)


def can_ask_to_come_back(member: Membership, settings: AlumniSettings) -> bool:
    return is_alumnus(member) and settings.reaches(InvestmentLevel.SUPPORT)


def require_portal(member: Membership, settings: AlumniSettings, level: str = InvestmentLevel.SUPPORT) -> None:
    """Services refuse what the level does not offer with the same answer as a page that does not exist."""
    if not portal_open(member, settings, level):
        raise Http404("No such page.")


def require_network_admin(by: Membership) -> None:
    if not can_manage_network(by):
        raise NotAllowed("Only an administrator can change the alumni network's settings.")


def require_network_runner(by: Membership) -> None:
    if not can_run_network(by):
        raise NotAllowed("Only HR or an administrator can do this.")


def require_referrer(by: Membership, settings: AlumniSettings) -> None:
    if not can_refer(by, settings):
        if is_alumnus(by):
            raise Http404("No such page.")
        raise NotAllowed("Only members and alumni of the organization can refer someone.")


def require_lead_updater(by: Membership, lead: CustomerLead) -> None:
    if not can_update_lead(by, lead):
        raise NotAllowed("Only HR or the lead's owner can change its status.")


def require_come_back(by: Membership, settings: AlumniSettings) -> None:
    if not can_ask_to_come_back(by, settings):
        raise NotAllowed("Only alumni can ask to come back.")


def access_referral(member: Membership, referral_id: int) -> Referral:
    referral = (Referral.objects.for_org(member.organization_id)
                .select_related("referrer__user", "status_changed_by__user").filter(pk=referral_id).first())
    if referral is None or not can_see_referral(member, referral):
        raise Http404("No such referral.")
    return referral


def access_lead(member: Membership, lead_id: int) -> CustomerLead:
    lead = (CustomerLead.objects.for_org(member.organization_id)
            .select_related("submitter__user", "owner__user").filter(pk=lead_id).first())
    if lead is None or not can_see_lead(member, lead):
        raise Http404("No such lead.")
    return lead


def access_boomerang(member: Membership, boomerang_id: int) -> Boomerang:
    boomerang = (Boomerang.objects.for_org(member.organization_id)
                 .select_related("member__user").filter(pk=boomerang_id).first())
    if boomerang is None or not can_run_network(member):
        raise Http404("No such rehire.")
    return boomerang


def access_alumnus(member: Membership, membership_id: int) -> Membership:
    """An alumnus of the organization, for HR (rehire); anyone else: 404."""
    alumnus = (Membership.objects.for_org(member.organization_id).select_related("user")
               .filter(pk=membership_id, status=Membership.Status.ALUMNUS).first())
    if alumnus is None or not can_run_network(member):
        raise Http404("No such alumnus.")
    return alumnus


def can_erase(member: Membership, subject: Membership) -> bool:
    """An alumnus asks to be erased themselves; someone still working here leaves first."""
    return member.pk == subject.pk and is_alumnus(member)


def require_self_erasure(by: Membership, subject: Membership) -> None:
    if not can_erase(by, subject):
        if by.pk == subject.pk:
            raise NotAllowed("Erasure is for alumni: while you work here, HR keeps your employment record. "
                             "You can download your data at any time.")
        raise NotAllowed("Only the person themselves can ask to be erased.")
