"""Alumni sharing: feedback, intel notes and the who-knows consent."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import rights, services
from alumni.forms import AlumniNoteForm, SharingConsentForm
from alumni.views._common import network_gate
from network_intel import selectors as intel_selectors


def _sharing_page(request: OrgRequest, *, status: int = 200, **forms) -> HttpResponse:
    network = request.network
    step = services._step_of(request.member)
    intel = rights.can_share_intel(request.member, network)
    kinds = ("feedback", "intel") if intel else ("feedback",)
    visibilities = services.note_visibilities(network)
    listed = intel_selectors.alumnus_is_listed(request.member)
    return render(request, "alumni/sharing.html", {
        "step": step, "intel": intel, "consented": rights.has_feedback_consent(step),
        "consent_form": forms.get("consent_form") or SharingConsentForm(initial={
            "feedback": rights.has_feedback_consent(step), "who_knows": listed}),
        "note_form": forms.get("note_form") or AlumniNoteForm(kinds=kinds, visibilities=visibilities),
        "notes": list(intel_selectors.alumni_notes_by(request.member)[:50]), "listed": listed,
    }, status=status)


@network_gate(rights.can_share_feedback)
@require_http_methods(["GET", "POST"])
def alumni_sharing(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Share feedback (``support``) or intel notes (``invest``) into network intelligence, and my consents."""
    if request.method == "GET":
        return _sharing_page(request)
    intel = rights.can_share_intel(request.member, request.network)
    form = AlumniNoteForm(request.POST, kinds=("feedback", "intel") if intel else ("feedback",),
                          visibilities=services.note_visibilities(request.network))
    if form.is_valid():
        try:
            services.alumni_note_share(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Thank you: it is shared, marked as from an alumnus.")
            return redirect("alumni:alumni_sharing", org_slug=org_slug)
    return _sharing_page(request, status=400, note_form=form)


@network_gate(rights.can_share_feedback)
@require_POST
def alumni_sharing_consent(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = SharingConsentForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    intel = rights.can_share_intel(request.member, request.network)
    try:
        services.alumni_sharing_consent(by=request.member, feedback=form.cleaned_data["feedback"],
                                              who_knows=form.cleaned_data["who_knows"] if intel else None)
    except ApplicationError as error:
        apply_application_error(form, error)
        return _sharing_page(request, status=400, consent_form=form)
    messages.success(request, "Your choices are saved; they apply from now on.")
    return redirect("alumni:alumni_sharing", org_slug=org_slug)
