"""Reads of the exit process, scoped by organization and rights."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from alliance.models import Membership
from alliance.rowpeople import with_people
from alumni.models import ExitInterview, ExitProcess, ExitQuestion, ExitQuestionSet, ExitTask, ExitTemplate, LeaverStep


def contact_consent_sql() -> str:
    """The memberships of an organization (its id the one parameter) whose person, in the leaver's step
    of their latest completed exit, agreed to hear from it (``LeaverStep.consents_to_contact``): what
    ``alliance.people`` asks of this app, registered in ``apps.py``. A later change on the alumni page
    (directory, newsletter, sharing) writes that same step, so this follows a withdrawn consent at once."""
    process, step = ExitProcess._meta.db_table, LeaverStep._meta.db_table
    consented = " OR ".join(f"s.{name}" for name in LeaverStep.CONTACT_CONSENT_FIELDS)
    completed = ExitProcess.State.COMPLETED.value
    # Names and the state from the models; the organization is the one parameter.
    return (f"SELECT p.member_id FROM {process} p "  # noqa: S608
            f"JOIN {step} s ON s.organization_id = p.organization_id AND s.process_id = p.id "
            f"WHERE p.organization_id = %s AND p.state = '{completed}' AND ({consented}) "
            f"AND NOT EXISTS (SELECT 1 FROM {process} later WHERE later.organization_id = p.organization_id "
            f"AND later.member_id = p.member_id AND later.state = '{completed}' "
            f"AND later.completed_at > p.completed_at)")


def pending_last_days(organization_id: int, member_ids: list[int]) -> dict:
    """{member id: last working day} of these members whose exit is under way (one query)."""
    return dict(ExitProcess.objects.for_org(organization_id)
                .filter(member_id__in=member_ids, state=ExitProcess.State.IN_PROGRESS)
                .values_list("member_id", "last_working_day"))


def open_exit_of(member: Membership) -> ExitProcess | None:
    return (ExitProcess.objects.for_org(member.organization_id)
            .filter(member=member, state=ExitProcess.State.IN_PROGRESS).first())


def last_exit_of(member: Membership) -> ExitProcess | None:
    return (ExitProcess.objects.for_org(member.organization_id)
            .filter(member=member, state=ExitProcess.State.COMPLETED).order_by("-completed_at").first())


def exit_board(*, member: Membership, state: str = ExitProcess.State.IN_PROGRESS) -> QuerySet[ExitProcess]:
    """HR's board: exits with checklist progress, interview status and whether the leaver's step is done,
    in one query (annotations and joins), ordered by last day over ``(organization, state, last day)``."""
    exits = ExitProcess.objects.for_org(member.organization_id)
    if state:
        exits = exits.filter(state=state)
    # People per row, not joined: the board is sorted and limited (alliance.rowpeople).
    return (with_people(exits, "member")
            .annotate(tasks_total=Count("tasks", distinct=True),
                      tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False), distinct=True))
            .order_by("last_working_day", "id"))


def board_rows(processes: list[ExitProcess]) -> list[ExitProcess]:
    """Attach interview and leaver step to each exit of a page (two queries, whatever the page size)."""
    ids = [process.pk for process in processes]
    if not ids:
        return processes
    organization_id = processes[0].organization_id
    interviews = {i.process_id: i for i in ExitInterview.objects.for_org(organization_id).filter(process_id__in=ids)}
    steps = {s.process_id: s for s in LeaverStep.objects.for_org(organization_id).filter(process_id__in=ids)}
    for process in processes:
        process.interview = interviews.get(process.pk)
        process.step = steps.get(process.pk)
    return processes


def exit_api_list(*, member: Membership) -> QuerySet[ExitProcess]:
    return (with_people(ExitProcess.objects.for_org(member.organization_id), "member")
            .prefetch_related("interviews", "leaver_steps")
            .annotate(tasks_total=Count("tasks", distinct=True),
                      tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False), distinct=True)))


def exit_tasks(process: ExitProcess) -> list[ExitTask]:
    return list(ExitTask.objects.for_org(process.organization_id).filter(process=process)
                .select_related("assignee__user", "done_by__user"))


def interview_of(process: ExitProcess) -> ExitInterview | None:
    return (ExitInterview.objects.for_org(process.organization_id)
            .select_related("interviewer__user", "question_set", "process__member__user").filter(process=process)
            .first())


def interview_questions(interview: ExitInterview | None) -> list[ExitQuestion]:
    if interview is None or interview.question_set_id is None:
        return []
    questions = ExitQuestion.objects.for_org(interview.organization_id)
    return list(questions.filter(question_set_id=interview.question_set_id))


def leaver_step_of(process: ExitProcess) -> LeaverStep:
    return LeaverStep.objects.for_org(process.organization_id).select_related("process").get(process=process)


def todo_for(member: Membership) -> QuerySet[ExitTask]:
    """A person's open checklist tasks of open exits, by due day (index ``(organization, assignee, due_on)``)."""
    return with_people(ExitTask.objects.for_org(member.organization_id)
            .filter(assignee=member, done_at__isnull=True, process__state=ExitProcess.State.IN_PROGRESS)
            .select_related("process"), "process__member").order_by("due_on", "id")


def task_api_list(*, member: Membership) -> QuerySet[ExitTask]:
    tasks = with_people(ExitTask.objects.for_org(member.organization_id).select_related("process"),
                        "process__member", "assignee")
    return tasks if member.is_hr else tasks.filter(assignee=member)


def templates_for(member: Membership) -> list[ExitTemplate]:
    return list(ExitTemplate.objects.for_org(member.organization_id)
                .prefetch_related("tasks__assignee_member__user"))


def question_sets_for(member: Membership) -> list[ExitQuestionSet]:
    return list(ExitQuestionSet.objects.for_org(member.organization_id).prefetch_related("questions"))


def exit_candidates(member: Membership) -> QuerySet[Membership]:
    """Active (or suspended) members someone might start an exit for (not the HR person themselves)."""
    return (Membership.objects.for_org(member.organization_id)
            .filter(status__in=(Membership.Status.ACTIVE, Membership.Status.SUSPENDED))
            .exclude(pk=member.pk).select_related("user").order_by("user__full_name"))


def interview_themes(*, member: Membership) -> list[dict]:
    """Aggregates only: how many interviews answered, by exit kind and team (no single answer)."""
    return list(ExitInterview.objects.for_org(member.organization_id).filter(answered_at__isnull=False)
                .values("process__kind", "process__member__team").annotate(count=Count("id"))
                .order_by("process__kind", "process__member__team"))
