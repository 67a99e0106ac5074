"""HR's checklist templates and interview question sets."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import selectors, services
from alumni.forms import QuestionForm, QuestionSetForm, TemplateTaskForm
from alumni.models import ExitQuestion, ExitQuestionSet, ExitTemplateTask


@require_http_methods(["GET", "POST"])
@hr_required
def exit_templates(request: OrgRequest, org_slug: str) -> HttpResponse:
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
