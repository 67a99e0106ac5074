"""Browser pages of the exit process and the alumnus's home.

Objects come through ``alumni.rights.access_*`` (404 for what is missing or not visible);
changes go through ``alumni.services`` only.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.models import Membership
from alliance.pagination import query_without_page
from alumni import reach_services, rights, selectors, services
from alumni.forms import (
    AlumniCardForm,
    AnswersForm,
    ClassificationForm,
    ComeBackForm,
    DeclineForm,
    DirectoryFilterForm,
    EraseForm,
    ExitStartForm,
    InterviewScheduleForm,
    LeadForm,
    LeaverLinkForm,
    LeaverStepForm,
    NetworkSettingsForm,
    OwnerForm,
    QuestionForm,
    QuestionSetForm,
    ReferralForm,
    RehireForm,
    StatusForm,
    TemplateTaskForm,
)
from alumni.models import (
    CONSENT_TEXT,
    CONSENT_TEXT_VERSION,
    AlumniSettings,
    Boomerang,
    CustomerLead,
    ExitProcess,
    ExitQuestion,
    ExitQuestionSet,
    ExitTemplateTask,
    Referral,
)

EXITS_PER_PAGE = 25


def _refused(request: HttpRequest, error: ApplicationError) -> None:
    messages.error(request, error.message)


# --- HR: the board, starting an exit, the exit page ---------------------------------


@require_GET
@hr_required
def exit_board(request: OrgRequest, org_slug: str) -> HttpResponse:
    state = request.GET.get("state", ExitProcess.State.IN_PROGRESS)
    if state not in ExitProcess.State.values:
        state = ExitProcess.State.IN_PROGRESS
    page = Paginator(selectors.exit_board(member=request.member, state=state), EXITS_PER_PAGE).get_page(
        request.GET.get("page"))
    rows = selectors.board_rows(list(page.object_list))
    return render(request, "alumni/board.html", {"page": page, "rows": rows, "state": state,
                                                 "states": ExitProcess.State.choices,
                                                 "themes": selectors.interview_themes(member=request.member)})


@require_http_methods(["GET", "POST"])
@hr_required
def exit_start(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = ExitStartForm(request.POST or None, candidates=selectors.exit_candidates(request.member),
                         initial={"member": request.GET.get("member")})
    if request.method == "POST" and form.is_valid():
        try:
            process = services.exit_start(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"The exit of {process.member.user.full_name} has started.")
            return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    return render(request, "alumni/start.html", {"form": form}, status=400 if form.errors else 200)


def _exit_page(request: OrgRequest, process: ExitProcess, *, status: int = 200, **forms) -> HttpResponse:
    interview = selectors.interview_of(process)
    questions = selectors.interview_questions(interview)
    context = {
        "process": process, "tasks": selectors.exit_tasks(process), "interview": interview,
        "step": selectors.leaver_step_of(process), "questions": questions,
        "reports": list(process.member.reports.filter(status="active").select_related("user")),
        "classification_form": forms.get("classification_form") or ClassificationForm(
            initial=ClassificationForm.initial_for(process)),
        "schedule_form": forms.get("schedule_form") or InterviewScheduleForm(),
        "link_form": forms.get("link_form") or LeaverLinkForm(),
        "answers_form": forms.get("answers_form") or AnswersForm(
            questions=questions, initial={f"q{k}": v for k, v in (interview.answers if interview else {}).items()}),
        "show_answers": interview is not None and rights.can_see_interview_answers(request.member, interview),
    }
    return render(request, "alumni/exit.html", context, status=status)


@require_GET
@hr_required
def exit_detail(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    return _exit_page(request, rights.access_exit(request.member, process_id))


@require_POST
@hr_required
def exit_classify(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    form = ClassificationForm(request.POST)
    if form.is_valid():
        try:
            services.exit_update(process=process, by=request.member, data=form.service_data())
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    process.refresh_from_db()
    return _exit_page(request, process, status=400, classification_form=form)


@require_POST
@hr_required
def exit_cancel(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    try:
        services.exit_cancel(process=process, by=request.member)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"The exit is cancelled: {process.member.user.full_name} stays.")
    return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)


@require_POST
@hr_required
def exit_interview_schedule(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    form = InterviewScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.exit_interview_schedule(interview=selectors.interview_of(process), by=request.member,
                                             **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The interview is scheduled; invitations are on their way.")
            return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    return _exit_page(request, process, status=400, schedule_form=form)


@require_POST
@hr_required
def exit_leaver_link(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    form = LeaverLinkForm(request.POST)
    if form.is_valid():
        try:
            services.leaver_link_send(process=process, by=request.member, email=form.cleaned_data["email"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "A one-time link to the leaver's step is on its way.")
            return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    return _exit_page(request, process, status=400, link_form=form)


def _save_answers(request: OrgRequest, process: ExitProcess, *, held: bool):
    interview = selectors.interview_of(process)
    if interview is None:
        raise Http404("No such interview.")
    form = AnswersForm(request.POST, questions=selectors.interview_questions(interview))
    if form.is_valid():
        try:
            services.exit_interview_answer(interview=interview, by=request.member, answers=form.answers(), held=held)
        except ApplicationError as error:
            apply_application_error(form, error)
            return form
        messages.success(request, "Your answers are saved." if not held else "The answers are recorded.")
        return None
    return form


@require_POST
@hr_required
def exit_answers(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    form = _save_answers(request, process, held=True)
    if form is None:
        return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    return _exit_page(request, process, status=400, answers_form=form)


# --- Templates and question sets -----------------------------------------------------


@require_http_methods(["GET", "POST"])
@hr_required
def templates(request: OrgRequest, org_slug: str) -> HttpResponse:
    members = selectors.exit_candidates(request.member)
    form = TemplateTaskForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            template = services.exit_template_save(by=request.member, kind=data.pop("kind"), name="")
            services.exit_template_task_add(template=template, by=request.member, **data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The task is added to the checklist.")
            return redirect("alumni:templates", org_slug=org_slug)
    return render(request, "alumni/templates.html",
                  {"form": form, "templates": selectors.templates_for(request.member)},
                  status=400 if form.errors else 200)


@require_POST
@hr_required
def template_task_remove(request: OrgRequest, org_slug: str, template_task_id: int) -> HttpResponse:
    row = ExitTemplateTask.objects.for_org(request.org).filter(pk=template_task_id).first()
    if row is None:
        raise Http404("No such task.")
    services.exit_template_task_remove(row=row, by=request.member)
    return redirect("alumni:templates", org_slug=org_slug)


@require_http_methods(["GET", "POST"])
@hr_required
def question_sets(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = QuestionSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_set_save(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect("alumni:question_sets", org_slug=org_slug)
    return render(request, "alumni/question_sets.html",
                  {"form": form, "sets": selectors.question_sets_for(request.member), "question_form": QuestionForm(),
                   "blank_question_form": QuestionForm()},
                  status=400 if form.errors else 200)


@require_POST
@hr_required
def question_add(request: OrgRequest, org_slug: str, question_set_id: int) -> HttpResponse:
    question_set = ExitQuestionSet.objects.for_org(request.org).filter(pk=question_set_id).first()
    if question_set is None:
        raise Http404("No such question set.")
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(question_set=question_set, by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return redirect("alumni:question_sets", org_slug=org_slug)
    return render(request, "alumni/question_sets.html",
                  {"form": QuestionSetForm(), "sets": selectors.question_sets_for(request.member),
                   "question_form": form, "blank_question_form": QuestionForm(),
                   "failed_set": question_set.pk}, status=400)


@require_POST
@hr_required
def question_remove(request: OrgRequest, org_slug: str, question_id: int) -> HttpResponse:
    question = ExitQuestion.objects.for_org(request.org).filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    services.question_remove(question=question, by=request.member)
    return redirect("alumni:question_sets", org_slug=org_slug)


# --- Everyone: the to-do list; the leaver: their exit ---------------------------------


@require_GET
def todo(request: OrgRequest, org_slug: str) -> HttpResponse:
    tasks = list(selectors.todo_for(request.member)[:200])
    return render(request, "alumni/todo.html",
                  {"tasks": tasks, "my_exit": selectors.open_exit_of(request.member)})


@require_POST
def task_complete(request: OrgRequest, org_slug: str, task_id: int) -> HttpResponse:
    task = rights.access_task(request.member, task_id)
    try:
        services.exit_task_complete(task=task, by=request.member)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Done: {task.title}.")
    back = request.POST.get("back")
    if back == "exit" and request.member.is_hr:
        return redirect("alumni:exit_detail", org_slug=org_slug, process_id=task.process_id)
    if back == "mine":
        return redirect("alumni:my_exit", org_slug=org_slug)
    return redirect("alumni:todo", org_slug=org_slug)


def _my_exit_page(request: OrgRequest, process: ExitProcess, *, status: int = 200, **forms) -> HttpResponse:
    step = selectors.leaver_step_of(process)
    interview = selectors.interview_of(process)
    questions = selectors.interview_questions(interview)
    step_initial = {name: getattr(step, name) for name in services.STEP_FIELDS}
    context = {
        "process": process, "step": step, "interview": interview,
        "tasks": [task for task in selectors.exit_tasks(process) if task.assignee_id == request.member.pk],
        "step_form": forms.get("step_form") or LeaverStepForm(initial=step_initial),
        "answers_form": forms.get("answers_form") or AnswersForm(
            questions=questions, initial={f"q{k}": v for k, v in (interview.answers if interview else {}).items()}),
        "consent_text": CONSENT_TEXT, "consent_version": CONSENT_TEXT_VERSION,
    }
    return render(request, "alumni/my_exit.html", context, status=status)


def _my_open_exit(request: OrgRequest) -> ExitProcess:
    process = selectors.open_exit_of(request.member)
    if process is None:
        raise Http404("No such exit.")
    process.member = request.member
    return process


@require_GET
def my_exit(request: OrgRequest, org_slug: str) -> HttpResponse:
    return _my_exit_page(request, _my_open_exit(request))


@require_POST
def my_step(request: OrgRequest, org_slug: str) -> HttpResponse:
    process = _my_open_exit(request)
    form = LeaverStepForm(request.POST)
    if form.is_valid():
        try:
            step = services.leaver_step_save(step=selectors.leaver_step_of(process), by=request.member,
                                             data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved." if step.is_verified else
                             f"Saved. Confirm {step.personal_email} with the link we just sent there.")
            return redirect("alumni:my_exit", org_slug=org_slug)
    return _my_exit_page(request, process, status=400, step_form=form)


@require_POST
def my_verify_resend(request: OrgRequest, org_slug: str) -> HttpResponse:
    process = _my_open_exit(request)
    try:
        services.leaver_verification_resend(step=selectors.leaver_step_of(process), by=request.member)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, "A new confirmation link is on its way.")
    return redirect("alumni:my_exit", org_slug=org_slug)


@require_POST
def my_answers(request: OrgRequest, org_slug: str) -> HttpResponse:
    process = _my_open_exit(request)
    form = _save_answers(request, process, held=False)
    if form is None:
        return redirect("alumni:my_exit", org_slug=org_slug)
    return _my_exit_page(request, process, status=400, answers_form=form)


# --- The alumnus ---------------------------------------------------------------------


def network_gate(check: Callable[[Membership, AlumniSettings], bool]):
    """The investment level's gate: the page exists for this person only when ``check`` (a function of
    ``alumni.rights``) says so; otherwise it is a 404, like any page that does not exist. It reads the
    level on every request, so a change of level changes what everyone sees at once."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: OrgRequest, *args, **kwargs):
            settings = selectors.network_settings(request.org)
            if not check(request.member, settings):
                raise Http404("No such page.")
            request.network = settings
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _alumnus_portal(member: Membership, settings: AlumniSettings) -> bool:
    return rights.is_alumnus(member) and rights.portal_open(member, settings)


def _no_portal_page(view):
    """Where an alumnus lands after signing in: at ``ignore`` there is no portal, and they are told so on a
    page of its own (still a 404: the portal does not exist) with what remains theirs — their data."""

    @wraps(view)
    def wrapper(request: OrgRequest, *args, **kwargs):
        if rights.is_alumnus(request.member) and not rights.portal_open(request.member,
                                                                        selectors.network_settings(request.org)):
            return render(request, "alumni/no_portal.html", status=404)
        return view(request, *args, **kwargs)

    return wrapper


@_no_portal_page
@network_gate(_alumnus_portal)
@require_GET
def alumni_home(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Where an alumnus lands: the organization's welcome, their profile and consents, what the
    portal offers at the organization's level, and (``invest``) the distinguished alumni."""
    process = selectors.last_exit_of(request.member)
    step = selectors.leaver_step_of(process) if process is not None else None
    return render(request, "alumni/home.html", {
        "process": process, "step": step, "network": request.network,
        "spotlight": selectors.spotlight(viewer=request.member, settings=request.network),
        "come_back": selectors.open_request_of(request.member),
    })


# --- The directory ----------------------------------------------------------------------------

DIRECTORY_PER_PAGE = 25
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _directory_filters(request: OrgRequest) -> tuple[DirectoryFilterForm, selectors.DirectoryFilters]:
    form = DirectoryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, selectors.DirectoryFilters(**{k: v or ("" if k != "year" else None)
                                                   for k, v in form.cleaned_data.items()})
    return form, selectors.DirectoryFilters()


@network_gate(rights.can_use_directory)
@require_GET
def alumni_directory(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The opt-in directory, as this viewer may see it (alumni: what is for alumni; employees: what
    alumni opened to employees). Counts, results and the CSV come from the same guarded query."""
    form, filters = _directory_filters(request)
    cards = selectors.directory_search(viewer=request.member, filters=filters)
    page = Paginator(cards.values(*selectors.DIRECTORY_COLUMNS), DIRECTORY_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.directory_rows(list(page.object_list), viewer=request.member, settings=request.network)
    return render(request, "alumni/directory.html", {
        "form": form, "page": page, "cards": rows, "filtered": filters.any,
        "query": query_without_page(request), "is_alumnus": rights.is_alumnus(request.member),
    }, status=400 if form.errors else 200)


CSV_COLUMNS = ("name", "current_company", "current_role", "city", "years", "teams", "tour_titles")


@network_gate(rights.can_use_directory)
@require_GET
def alumni_directory_csv(request: OrgRequest, org_slug: str) -> HttpResponse:
    _, filters = _directory_filters(request)
    cards = selectors.directory_search(viewer=request.member, filters=filters).values(*selectors.DIRECTORY_COLUMNS)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alumni-{org_slug}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for card in selectors.directory_rows(list(cards[:5000]), viewer=request.member, settings=request.network):
        values = [card[name] for name in CSV_COLUMNS]
        values = ["; ".join(v) if isinstance(v, list) else ("" if v is None else v) for v in values]
        writer.writerow([("'" + v if isinstance(v, str) and v.startswith(CSV_FORMULA_PREFIXES) else v)
                         for v in values])
    return response


@network_gate(_alumnus_portal)
@require_http_methods(["GET", "POST"])
def alumni_card(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The alumnus's own directory card: listing (their consent), fields and who sees each."""
    profile = services.alumni_profile_ensure(member=request.member)
    initial = {name: getattr(profile, name) for name in services.CARD_FIELDS}
    form = AlumniCardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.alumni_profile_update(profile=profile, by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Your directory card is saved." if profile.listed else
                             "Saved. You are not listed in the directory.")
            return redirect("alumni:alumni_card", org_slug=org_slug)
    return render(request, "alumni/card.html", {"form": form, "profile": profile},
                  status=400 if form.errors else 200)


# --- Referrals and customer leads -------------------------------------------------------------

LIST_PER_PAGE = 25


def _status_form(obj, model, data=None) -> StatusForm:
    return StatusForm(data, choices=[(s, model.Status(s).label) for s in model.NEXT[model.Status(obj.status)]])


@network_gate(rights.can_refer)
@require_GET
def alumni_referrals(request: OrgRequest, org_slug: str) -> HttpResponse:
    """My referrals (HR: every referral, with status forms and bonuses) and the form to refer someone."""
    return _referrals_page(request, ReferralForm())


def _referrals_page(request: OrgRequest, form: ReferralForm, *, status: int = 200) -> HttpResponse:
    state = request.GET.get("status", "")
    state = state if state in Referral.Status.values else ""
    page = Paginator(selectors.referral_list(member=request.member, status=state), LIST_PER_PAGE).get_page(
        request.GET.get("page"))
    runner = rights.can_run_network(request.member)
    rows = [(referral, _status_form(referral, Referral) if runner else None) for referral in page.object_list]
    return render(request, "alumni/referrals.html", {
        "form": form, "page": page, "rows": rows, "runner": runner, "state": state,
        "states": Referral.Status.choices, "directory": rights.can_use_directory(request.member, request.network),
    }, status=status)


@network_gate(rights.can_refer)
@require_POST
def alumni_referral_new(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = ReferralForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            referral = reach_services.referral_submit(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Thank you: {referral.candidate_name} is referred. We will keep you posted.")
            return redirect("alumni:alumni_referrals", org_slug=org_slug)
    return _referrals_page(request, form, status=400)


def _move_along(request: OrgRequest, obj, *, service, back: str) -> HttpResponse:
    """A status form posted from the referrals or leads board (the service checks who may)."""
    form = _status_form(obj, type(obj), request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(form.errors.get("status", ["Choose a status."])[0])
        service(obj, by=request.member, **form.cleaned_data)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{obj}: {obj.get_status_display().lower()}.")
    return redirect(back, org_slug=request.org.slug)


def _mark_paid(request: OrgRequest, obj, *, service, back: str) -> HttpResponse:
    try:
        service(obj, by=request.member)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, "The bonus is marked paid.")
    return redirect(back, org_slug=request.org.slug)


@require_POST
def referral_status(request: OrgRequest, org_slug: str, referral_id: int) -> HttpResponse:
    return _move_along(request, rights.access_referral(request.member, referral_id), back="alumni:alumni_referrals",
                       service=lambda obj, **kw: services.referral_set_status(referral=obj, **kw))


@require_POST
def referral_paid(request: OrgRequest, org_slug: str, referral_id: int) -> HttpResponse:
    return _mark_paid(request, rights.access_referral(request.member, referral_id), back="alumni:alumni_referrals",
                      service=lambda obj, **kw: services.referral_bonus_paid(referral=obj, **kw))


@network_gate(rights.can_refer)
@require_GET
def alumni_leads(request: OrgRequest, org_slug: str) -> HttpResponse:
    return _leads_page(request, LeadForm())


def _leads_page(request: OrgRequest, form: LeadForm, *, status: int = 200) -> HttpResponse:
    state = request.GET.get("status", "")
    state = state if state in CustomerLead.Status.values else ""
    page = Paginator(selectors.lead_list(member=request.member, status=state), LIST_PER_PAGE).get_page(
        request.GET.get("page"))
    runner = rights.can_run_network(request.member)
    members = selectors.lead_owner_candidates(request.member) if runner else None
    rows = [(lead, _status_form(lead, CustomerLead) if rights.can_update_lead(request.member, lead) else None,
             OwnerForm(members=members, initial={"owner": lead.owner_id}) if runner else None)
            for lead in page.object_list]
    return render(request, "alumni/leads.html", {
        "form": form, "page": page, "rows": rows, "runner": runner, "state": state,
        "states": CustomerLead.Status.choices, "directory": rights.can_use_directory(request.member, request.network),
    }, status=status)


@network_gate(rights.can_refer)
@require_POST
def alumni_lead_new(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = LeadForm(request.POST)
    if form.is_valid():
        try:
            lead = services.lead_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Thank you for the lead: {lead.company}.")
            return redirect("alumni:alumni_leads", org_slug=org_slug)
    return _leads_page(request, form, status=400)


@require_POST
def lead_status(request: OrgRequest, org_slug: str, lead_id: int) -> HttpResponse:
    return _move_along(request, rights.access_lead(request.member, lead_id), back="alumni:alumni_leads",
                       service=lambda obj, **kw: services.lead_set_status(lead=obj, **kw))


@require_POST
def lead_owner(request: OrgRequest, org_slug: str, lead_id: int) -> HttpResponse:
    lead = rights.access_lead(request.member, lead_id)
    form = OwnerForm(request.POST, members=selectors.lead_owner_candidates(request.member))
    try:
        if not form.is_valid():
            raise ApplicationError("Choose an active member of this organization.")
        services.lead_assign(lead=lead, by=request.member, owner=form.cleaned_data["owner"])
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, "The lead's owner is saved.")
    return redirect("alumni:alumni_leads", org_slug=org_slug)


@require_POST
def lead_paid(request: OrgRequest, org_slug: str, lead_id: int) -> HttpResponse:
    return _mark_paid(request, rights.access_lead(request.member, lead_id), back="alumni:alumni_leads",
                      service=lambda obj, **kw: services.lead_bonus_paid(lead=obj, **kw))


# --- Boomerangs ---------------------------------------------------------------------------------


@network_gate(rights.can_ask_to_come_back)
@require_http_methods(["GET", "POST"])
def alumni_come_back(request: OrgRequest, org_slug: str) -> HttpResponse:
    """"I'd like to come back"."""
    form = ComeBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.boomerang_request(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Thank you: HR has your message and will come back to you.")
            return redirect("alumni:alumni_home", org_slug=org_slug)
    return render(request, "alumni/come_back.html",
                  {"form": form, "open_request": selectors.open_request_of(request.member)},
                  status=400 if form.errors else 200)


@require_GET
@hr_required
def boomerangs(request: OrgRequest, org_slug: str) -> HttpResponse:
    return render(request, "alumni/boomerangs.html", {
        "requests": list(selectors.boomerang_list(member=request.member, state=Boomerang.State.REQUESTED)[:100]),
        "rehired": list(selectors.boomerang_list(member=request.member, state=Boomerang.State.REHIRED)[:100]),
        "candidates": selectors.rehire_candidates(request.member),
        "rates": selectors.boomerang_rate_by_year(request.member),
        "decline_form": DeclineForm(),
    })


@require_http_methods(["GET", "POST"])
@hr_required
def boomerang_rehire(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    alumnus = rights.access_alumnus(request.member, membership_id)
    managers = selectors.rehire_managers(request.member)
    form = RehireForm(request.POST or None, managers=managers,
                      initial={"title": alumnus.title, "team": alumnus.team, "manager": alumnus.manager_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.boomerang_rehire(by=request.member, alumnus=alumnus, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Welcome back, {alumnus.user.full_name}: their new tour is drafted.")
            return redirect("alumni:boomerangs", org_slug=org_slug)
    process = selectors.last_exit_of(alumnus)
    return render(request, "alumni/rehire.html", {"form": form, "alumnus": alumnus, "process": process},
                  status=400 if form.errors else 200)


@require_POST
@hr_required
def boomerang_decline(request: OrgRequest, org_slug: str, boomerang_id: int) -> HttpResponse:
    boomerang = rights.access_boomerang(request.member, boomerang_id)
    form = DeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError("Say why, for the record.")
        services.boomerang_decline(boomerang=boomerang, by=request.member, note=form.cleaned_data["decline_note"])
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, "The request is declined.")
    return redirect("alumni:boomerangs", org_slug=org_slug)


# --- HR: the network's settings and figures -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@hr_required
def network(request: OrgRequest, org_slug: str) -> HttpResponse:
    settings = selectors.network_settings(request.org)
    form = NetworkSettingsForm(request.POST or None, initial=NetworkSettingsForm.initial_for(settings))
    if request.method == "POST" and form.is_valid():
        try:
            services.network_settings_save(by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The alumni network's settings are saved; alumni see the change now.")
            return redirect("alumni:network", org_slug=org_slug)
    return render(request, "alumni/network.html", {
        "form": form, "settings": settings, "can_edit": rights.can_manage_network(request.member),
        "figures": selectors.network_figures(request.member),
    }, status=400 if form.errors else 200)


# --- Links from e-mail (outside /o/<slug>/: the token names the organization) ------------


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        step = services.leaver_email_verify(token=token)
    except ApplicationError as error:
        return render(request, "alumni/link_invalid.html", {"message": error.message}, status=404)
    return render(request, "alumni/verified.html", {"step": step})


@require_http_methods(["GET", "POST"])
def leaver_link(request: HttpRequest, token: str) -> HttpResponse:
    step = services.leaver_link_lookup(token)
    if step is None:
        return render(request, "alumni/link_invalid.html",
                      {"message": "This link has expired or was already used. Ask HR for a new one."}, status=404)
    form = LeaverStepForm(request.POST or None,
                          initial={name: getattr(step, name) for name in services.STEP_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.leaver_link_submit(token=token, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return render(request, "alumni/link_done.html", {"organization": step.organization})
    return render(request, "alumni/link_step.html",
                  {"form": form, "organization": step.organization, "consent_text": CONSENT_TEXT},
                  status=400 if form.errors else 200)


# --- Data rights (every level: they are the person's, not the portal's) ------------------------------


@require_GET
def alumni_my_data(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Download my data; for alumni, ask to be erased."""
    return render(request, "alumni/my_data.html", {"form": EraseForm(),
                                                   "can_erase": rights.can_erase(request.member, request.member)})


@require_POST
def alumni_my_data_download(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The export is made when asked for (a POST): a zip, not a page."""
    response = HttpResponse(services.my_data_zip(member=request.member), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{org_slug}-{timezone.localdate()}.zip"'
    return response


@require_POST
def alumni_my_data_erase(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            services.alumnus_erase(member=request.member, by=request.member)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            organization = request.org
            logout(request)
            return render(request, "alumni/erased.html", {"organization": organization})
    return render(request, "alumni/my_data.html", {"form": form, "can_erase": rights.can_erase(
        request.member, request.member)}, status=400)
