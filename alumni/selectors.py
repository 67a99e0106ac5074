"""Reads of the exit process, scoped by organization and rights."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear, Lower

from alliance.models import Membership, Organization
from alumni.models import (
    DIRECTORY_FIELDS,
    AlumniProfile,
    AlumniSettings,
    Boomerang,
    CustomerLead,
    ExitInterview,
    ExitProcess,
    ExitQuestion,
    ExitQuestionSet,
    ExitTask,
    ExitTemplate,
    InvestmentLevel,
    LeaverStep,
    Referral,
    Visibility,
)


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
    return (exits.select_related("member__user")
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
    return (ExitProcess.objects.for_org(member.organization_id)
            .select_related("member__user")
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
    return (ExitTask.objects.for_org(member.organization_id)
            .filter(assignee=member, done_at__isnull=True, process__state=ExitProcess.State.IN_PROGRESS)
            .select_related("process__member__user").order_by("due_on", "id"))


def task_api_list(*, member: Membership) -> QuerySet[ExitTask]:
    tasks = ExitTask.objects.for_org(member.organization_id).select_related("process__member__user", "assignee__user")
    return tasks if member.is_hr else tasks.filter(assignee=member)


def templates_for(member: Membership) -> list[ExitTemplate]:
    return list(ExitTemplate.objects.for_org(member.organization_id)
                .prefetch_related("tasks__assignee_member__user"))


def question_sets_for(member: Membership) -> list[ExitQuestionSet]:
    return list(ExitQuestionSet.objects.for_org(member.organization_id).prefetch_related("questions"))


def exit_candidates(member: Membership) -> QuerySet[Membership]:
    """Active members someone might start an exit for (not the HR person themselves)."""
    return (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
            .exclude(pk=member.pk).select_related("user").order_by("user__full_name"))


def interview_themes(*, member: Membership) -> list[dict]:
    """Aggregates only: how many interviews answered, by exit kind and team (no single answer)."""
    return list(ExitInterview.objects.for_org(member.organization_id).filter(answered_at__isnull=False)
                .values("process__kind", "process__member__team").annotate(count=Count("id"))
                .order_by("process__kind", "process__member__team"))


# --- The alumni network ------------------------------------------------------------------


def network_settings(organization: Organization) -> AlumniSettings:
    """The organization's alumni settings; the defaults (``support``, no bonus) until an admin saves them."""
    found = AlumniSettings.objects.for_org(organization.pk).first()
    return found or AlumniSettings(organization_id=organization.pk, bonus_currency=organization.currency)


def profile_of(member: Membership) -> AlumniProfile | None:
    return AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()


def audience_of(viewer: Membership) -> tuple[str, ...]:
    """The visibilities a viewer may see: alumni see what is for alumni and for everyone; employees
    (HR and admins included) only what alumni opened to employees."""
    if viewer.status == Membership.Status.ALUMNUS:
        return (Visibility.ALUMNI, Visibility.EVERYONE)
    return (Visibility.EVERYONE,)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    company: str = ""
    city: str = ""
    team: str = ""
    year: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.company or self.city or self.team or self.year)


def _seen(field: str, allowed: tuple[str, ...]) -> Q:
    return Q(**{f"{field}_visibility__in": allowed})


def directory_cards(viewer: Membership) -> QuerySet[AlumniProfile]:
    """The listed cards of alumni that show this viewer at least one field."""
    return (AlumniProfile.objects.for_org(viewer.organization_id)
            .filter(listed=True, member__status=Membership.Status.ALUMNUS)
            .filter(_any_seen(audience_of(viewer))))


def directory_narrow(cards: QuerySet[AlumniProfile], *, viewer: Membership,
                     filters: DirectoryFilters) -> QuerySet[AlumniProfile]:
    """Search and filters, each condition on a field joined with that field's visibility for this
    viewer: a hidden field never matches, so it shows in no result and no count."""
    allowed = audience_of(viewer)
    if filters.q:
        text = filters.q
        cards = cards.filter(
            (_seen("name", allowed) & Q(member__user__full_name__icontains=text))
            | (_seen("company", allowed) & (Q(current_company__icontains=text) | Q(current_role__icontains=text)))
            | (_seen("city", allowed) & Q(city__icontains=text))
            | (_seen("teams", allowed) & Q(teams__icontains=text))
            | (_seen("tours", allowed) & Q(tour_titles__icontains=text))
        )
    if filters.company:
        cards = cards.filter(_seen("company", allowed), current_company__icontains=filters.company)
    if filters.city:
        cards = cards.filter(_seen("city", allowed), city__icontains=filters.city)
    if filters.team:
        cards = cards.filter(_seen("teams", allowed), teams__icontains=filters.team)
    if filters.year:
        cards = cards.filter(_seen("years", allowed), joined_on__year__lte=filters.year,
                             left_on__year__gte=filters.year)
    return cards


def directory_search(*, viewer: Membership, filters: DirectoryFilters = DirectoryFilters()) -> QuerySet[AlumniProfile]:
    """The directory page: ordered by the name as this viewer sees it (hidden names last, by id),
    so not even the order tells a hidden name."""
    allowed = audience_of(viewer)
    return directory_narrow(directory_cards(viewer), viewer=viewer, filters=filters).annotate(
        seen_name=Case(When(_seen("name", allowed), then=Lower("member__user__full_name")), default=Value(None),
                       output_field=CharField()),
    ).order_by(F("seen_name").asc(nulls_last=True), "id")


def spotlight(*, viewer: Membership, settings: AlumniSettings, limit: int = 6) -> list[dict]:
    """Distinguished alumni (``invest``), as this viewer may see them."""
    if not settings.reaches(InvestmentLevel.INVEST):
        return []
    rows = list(directory_search(viewer=viewer).filter(distinguished=True).values(*DIRECTORY_COLUMNS)[:limit])
    return directory_rows(rows, viewer=viewer, settings=settings)


def _any_seen(allowed: tuple[str, ...]) -> Q:
    condition = Q()
    for field in DIRECTORY_FIELDS:
        condition |= _seen(field, allowed)
    return condition


DIRECTORY_COLUMNS = (
    "id", "member_id", "member__user__full_name", "current_company", "current_role", "city", "joined_on", "left_on",
    "teams", "tour_titles", "distinguished", "updated_at", "photo", "photo_visibility",
    *(f"{field}_visibility" for field in DIRECTORY_FIELDS),
)


def directory_rows(rows: list[dict], *, viewer: Membership, settings: AlumniSettings) -> list[dict]:
    """Cards as this viewer may see them: a hidden field is None, never its value. Plain dict work on
    the columns read (``DIRECTORY_COLUMNS``): no query per card."""
    allowed = audience_of(viewer)
    spotlight = settings.reaches(InvestmentLevel.INVEST)
    cards = []
    for row in rows:
        def shown(field: str, row=row) -> bool:
            return row[f"{field}_visibility"] in allowed

        years = None
        if shown("years") and row["joined_on"] and row["left_on"]:
            years = f"{row['joined_on'].year}–{row['left_on'].year}"
        cards.append({
            "id": row["id"],
            "name": row["member__user__full_name"] if shown("name") else None,
            "current_company": row["current_company"] if shown("company") else None,
            "current_role": row["current_role"] if shown("company") else None,
            "city": row["city"] if shown("city") else None,
            "joined_year": row["joined_on"].year if years else None,
            "left_year": row["left_on"].year if years else None,
            "years": years,
            "teams": row["teams"] if shown("teams") else None,
            "tour_titles": [t for t in row["tour_titles"].splitlines() if t.strip()] if shown("tours") else None,
            "distinguished": bool(spotlight and row["distinguished"]),
            # Whether the card shows a photo (served by ``alumni_photo``, which applies the same rule).
            "photo": bool(row["photo"]) and row["photo_visibility"] in allowed,
            "updated_at": row["updated_at"],
        })
    return cards


# --- Referrals and leads -------------------------------------------------------------------


def referral_list(*, member: Membership, status: str = "") -> QuerySet[Referral]:
    """HR: every referral; anyone else: their own. Newest first over ``(organization, -created_at)``."""
    referrals = Referral.objects.for_org(member.organization_id).select_related("referrer__user")
    if not member.is_hr:
        referrals = referrals.filter(referrer=member)
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-created_at", "-id")


def lead_list(*, member: Membership, status: str = "") -> QuerySet[CustomerLead]:
    """HR: every lead; anyone else: the leads they brought or own."""
    leads = CustomerLead.objects.for_org(member.organization_id).select_related("submitter__user", "owner__user")
    if not member.is_hr:
        leads = leads.filter(Q(submitter=member) | Q(owner=member) if member.is_active else Q(submitter=member))
    if status:
        leads = leads.filter(status=status)
    return leads.order_by("-created_at", "-id")


def lead_owner_candidates(member: Membership) -> QuerySet[Membership]:
    return (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ACTIVE)
            .select_related("user").order_by("user__full_name"))


def network_figures(member: Membership) -> dict:
    """Counts for HR's network page: referrals and leads by status, won value, bonuses owed."""
    organization_id = member.organization_id
    referrals = dict(Referral.objects.for_org(organization_id).values_list("status").annotate(n=Count("id")))
    leads = dict(CustomerLead.objects.for_org(organization_id).values_list("status").annotate(n=Count("id")))
    won = list(CustomerLead.objects.for_org(organization_id).filter(status=CustomerLead.Status.WON)
               .values("currency").annotate(total=Sum("estimated_value")).order_by("currency"))
    return {"referrals": referrals, "leads": leads, "won": won}


# --- Boomerangs -------------------------------------------------------------------------------


def boomerang_list(*, member: Membership, state: str = "") -> QuerySet[Boomerang]:
    boomerangs = Boomerang.objects.for_org(member.organization_id).select_related("member__user", "manager__user")
    if state:
        boomerangs = boomerangs.filter(state=state)
    return boomerangs.order_by("-created_at", "-id")


def open_request_of(member: Membership) -> Boomerang | None:
    return (Boomerang.objects.for_org(member.organization_id)
            .filter(member=member, state=Boomerang.State.REQUESTED).first())


def rehire_candidates(member: Membership) -> list[dict]:
    """Alumni with their last exit's rehire eligibility (HR's rehire page), in two queries."""
    alumni = list(Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ALUMNUS)
                  .select_related("user").order_by("user__full_name", "id"))
    exits = {}
    for process in (ExitProcess.objects.for_org(member.organization_id)
                    .filter(member__in=alumni, state=ExitProcess.State.COMPLETED).order_by("completed_at", "id")):
        exits[process.member_id] = process  # the latest wins
    return [{"member": alumnus, "exit": exits.get(alumnus.pk)} for alumnus in alumni]


def rehire_managers(member: Membership) -> QuerySet[Membership]:
    """Who can manage someone coming back: active managers, HR people and administrators."""
    return (Membership.objects.for_org(member.organization_id)
            .filter(status=Membership.Status.ACTIVE,
                    role__in=(Membership.Role.MANAGER, Membership.Role.HR, Membership.Role.ADMIN))
            .select_related("user").order_by("user__full_name"))


def boomerang_rate_by_year(member: Membership) -> list[dict]:
    """Per year: rehires, alumni who had left by the end of it, and the rate (rehires ÷ those alumni)."""
    organization_id = member.organization_id
    rehires = dict(Boomerang.objects.for_org(organization_id).filter(state=Boomerang.State.REHIRED)
                   .annotate(year=ExtractYear("rehired_at")).values_list("year").annotate(n=Count("id")))
    left = dict(ExitProcess.objects.for_org(organization_id).filter(outcome=ExitProcess.Outcome.ALUMNUS)
                .annotate(year=ExtractYear("last_working_day")).values_list("year").annotate(n=Count("id")))
    years = sorted(set(rehires) | set(left))
    rows, pool = [], 0
    for year in range(years[0], years[-1] + 1) if years else []:
        pool += left.get(year, 0)
        count = rehires.get(year, 0)
        rows.append({"year": year, "rehires": count, "alumni": pool,
                     "rate": round(100 * count / pool, 1) if pool else None})
    return rows
