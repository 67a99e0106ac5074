"""HR's pages of the exit process: the board, starting an exit, the exit page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.selectors import get_membership_for_member
from alumni import rights, selectors, services
from alumni.forms import AnswersForm, ClassificationForm, ExitStartForm, InterviewScheduleForm, LeaverLinkForm
from alumni.models import ExitProcess
from alumni.views._common import _refused

EXITS_PER_PAGE = 25


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
def exit_start(request: OrgRequest, org_slug: str, membership_id: int | None = None) -> HttpResponse:
    """Start an exit; from a member's page (``exits/new/<membership_id>/``, e.g. someone a people import did
    not name) with that member chosen."""
    chosen = request.GET.get("member")
    if membership_id is not None:
        chosen = get_membership_for_member(request.member, membership_id).pk
    form = ExitStartForm(request.POST or None, candidates=selectors.exit_candidates(request.member),
                         initial={"member": chosen})
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
    step = selectors.leaver_step_of(process)
    context = {
        "process": process, "tasks": selectors.exit_tasks(process), "interview": interview,
        "step": step, "questions": questions,
        "show_personal_email": rights.can_see_personal_email(request.member, step),
        "reports": list(process.member.reports.filter(status="active").select_related("user")),
        "classification_form": forms.get("classification_form") or versions.track(
            ClassificationForm(initial=ClassificationForm.initial_for(process)), process,
            read=ClassificationForm.initial_for),
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
    form = versions.track(ClassificationForm(request.POST), process, read=ClassificationForm.initial_for)
    if form.is_valid():
        try:
            versions.save_tracked(form, lambda: services.exit_update(process=process, by=request.member,
                                                                     data=form.service_data()))
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("alumni:exit_detail", org_slug=org_slug, process_id=process.pk)
    process.refresh_from_db()
    return _exit_page(request, process, status=versions.status_of(form, posted=True), classification_form=form)


@require_POST
@hr_required
def exit_cancel(request: OrgRequest, org_slug: str, process_id: int) -> HttpResponse:
    process = rights.access_exit(request.member, process_id)
    if process.is_open and not is_confirmed(request):
        return confirm_page(request, question=f"Cancel {process.member.user.full_name}'s exit?",
                            action_label="Cancel the exit",
                            back_url=reverse("alumni:exit_detail", args=[org_slug, process.pk]),
                            detail=f"{process.member.user.full_name} stays; the checklist and the interview are "
                                   "cancelled, and their checkpoints are planned again.")
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
