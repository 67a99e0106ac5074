"""Rotational programs (HR): the list with its creation form, and a program's page with its cohorts.
"""

from __future__ import annotations

import copy
from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from tours import selectors, services
from tours.forms import CohortForm, ProgramForm


@require_http_methods(["GET", "POST"])
@hr_required
def program_list(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Program “{program.name}” created. Start a cohort when you are ready.")
            return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
    programs = selectors.program_list(member=request.member)
    return render(request, "tours/programs.html", {"form": form, "programs": programs},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@hr_required
def program_detail(request: OrgRequest, org_slug: str, program_id: int) -> HttpResponse:
    program = selectors.get_program_for_member(request.member, program_id)
    candidates = selectors.cohort_candidates(request.member).order_by("user__full_name")
    edit_form = ProgramForm(instance=program, prefix="program")
    cohort_form = CohortForm(initial={"start_date": timezone.localdate() + timedelta(days=14)},
                             members=candidates, prefix="cohort")
    status = 200
    if request.method == "POST" and request.POST.get("form") == "program":
        # A ModelForm writes what it validates into its instance: give it a copy, so the
        # service still sees what changed and stays the one place that saves.
        edit_form = ProgramForm(request.POST, instance=copy.copy(program), prefix="program")
        if edit_form.is_valid():
            data = {name: edit_form.cleaned_data[name] for name in edit_form.changed_data}
            try:
                services.program_update(program=program, by=request.member, data=data)
            except ApplicationError as error:
                apply_application_error(edit_form, error)
            else:
                messages.success(request, "Program saved.")
                return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
        program.refresh_from_db()
        status = 400
    elif request.method == "POST":
        cohort_form = CohortForm(request.POST, members=candidates, prefix="cohort")
        if cohort_form.is_valid():
            try:
                cohort = services.cohort_start(program=program, by=request.member, **cohort_form.cleaned_data)
            except ApplicationError as error:
                apply_application_error(cohort_form, error)
            else:
                messages.success(request, f"Cohort “{cohort.name}” started: "
                                          f"{len(cohort_form.cleaned_data['members'])} tours proposed.")
                return redirect("tours:program_detail", org_slug=org_slug, program_id=program.pk)
        status = 400
    context = {"program": program, "edit_form": edit_form, "cohort_form": cohort_form,
               "cohorts": selectors.program_cohorts(program)}
    return render(request, "tours/program_detail.html", context, status=status)
