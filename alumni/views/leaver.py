"""The leaver's own exit page, and the links e-mailed to them (outside ``/o/<slug>/``: the token names
the organization)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import selectors, services
from alumni.forms import AnswersForm, LeaverStepForm
from alumni.models import CONSENT_TEXT, CONSENT_TEXT_VERSION, ExitProcess
from alumni.views._common import _refused
from alumni.views.exits import _save_answers


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
