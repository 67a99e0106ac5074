"""Browser pages of the exit process and the alumnus's home.

Objects come through ``alumni.rights.access_*`` (404 for what is missing or not visible);
changes go through ``alumni.services`` only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import (
    AnswersForm,
    ClassificationForm,
    ExitStartForm,
    InterviewScheduleForm,
    LeaverLinkForm,
    LeaverStepForm,
    QuestionForm,
    QuestionSetForm,
    TemplateTaskForm,
)
from alumni.models import (
    CONSENT_TEXT,
    CONSENT_TEXT_VERSION,
    ExitProcess,
    ExitQuestion,
    ExitQuestionSet,
    ExitTemplateTask,
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


@require_GET
def alumni_home(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Where an alumnus lands: the organization's welcome, their profile and consents."""
    if request.member.status != "alumnus":
        raise Http404("No such page.")
    process = selectors.last_exit_of(request.member)
    step = selectors.leaver_step_of(process) if process is not None else None
    return render(request, "alumni/home.html", {"process": process, "step": step})


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
