"""Browser pages of job openings, CV and photo files, alumni sharing and the alumni dashboard.

Objects come through ``alumni.reach_rights.access_*`` (404 for what is missing, not visible,
or not offered at the organization's investment level); changes go through
``alumni.reach_services`` only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import uploads
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import dashboard, reach_rights, reach_selectors, reach_services, rights, services
from alumni.models import Opening
from alumni.reach_forms import (
    AlumniNoteForm,
    ApplyForm,
    OpeningForm,
    OpeningReferralForm,
    PhotoForm,
    SharingConsentForm,
)
from alumni.views import network_gate

OPENINGS_PER_PAGE = 25


# --- Job openings ----------------------------------------------------------------------------------

@network_gate(reach_rights.can_see_openings)
@require_GET
def alumni_openings(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The board: open openings for alumni and employees; HR also sees closed ones and posts new ones."""
    manager = reach_rights.can_manage_openings(request.member, request.network)
    state = request.GET.get("state", Opening.State.OPEN)
    state = state if state in Opening.State.values or (manager and state == "") else Opening.State.OPEN
    page = Paginator(reach_selectors.opening_board(member=request.member, settings=request.network, state=state),
                     OPENINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alumni/openings.html", {
        "page": page, "manager": manager, "state": state, "states": Opening.State.choices,
        "directory": rights.can_use_directory(request.member, request.network),
    })


def _opening_page(request: OrgRequest, opening: Opening, *, status: int = 200, **forms) -> HttpResponse:
    network = request.network
    can_apply = reach_rights.can_apply_from_opening(request.member, network)
    return render(request, "alumni/opening.html", {
        "opening": opening,
        "manager": reach_rights.can_manage_openings(request.member, network),
        "can_refer": reach_rights.can_refer_from_opening(request.member, network),
        "can_apply": can_apply,
        "applied": can_apply and reach_selectors.applied_for(request.member, opening),
        "rehire_refusal": services.rehire_refusal(request.member) if can_apply else "",
        "refer_form": forms.get("refer_form") or OpeningReferralForm(),
        "apply_form": forms.get("apply_form") or ApplyForm(),
        "referrals": list(reach_selectors.opening_referrals(member=request.member, opening=opening)[:100]),
        "directory": rights.can_use_directory(request.member, network),
    }, status=status)


@network_gate(reach_rights.can_see_openings)
@require_GET
def alumni_opening(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    return _opening_page(request, reach_rights.access_opening(request.member, request.network, opening_id))


@network_gate(reach_rights.can_see_openings)
@require_POST
def alumni_opening_refer(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    """Refer a friend for this opening (with their CV, if given)."""
    opening = reach_rights.access_opening(request.member, request.network, opening_id)
    form = OpeningReferralForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            referral = reach_services.referral_submit(by=request.member, opening=opening, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Thank you: {referral.candidate_name} is referred for {opening.title}. "
                                      "We will keep you posted.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return _opening_page(request, opening, status=400, refer_form=form)


@network_gate(reach_rights.can_see_openings)
@require_POST
def alumni_opening_apply(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    """An alumnus applies to come back for this opening (their rehire eligibility must allow it)."""
    opening = reach_rights.access_opening(request.member, request.network, opening_id)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            reach_services.opening_apply(by=request.member, opening=opening, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Thank you: HR has your application and will come back to you.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return _opening_page(request, opening, status=400, apply_form=form)


@network_gate(reach_rights.can_see_openings)
@require_http_methods(["GET", "POST"])
@hr_required
def opening_new(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opening = reach_services.opening_create(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"“{opening.title}” is on the board.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return render(request, "alumni/opening_form.html", {"form": form, "opening": None},
                  status=400 if form.errors else 200)


@network_gate(reach_rights.can_see_openings)
@require_http_methods(["GET", "POST"])
@hr_required
def opening_edit(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    opening = reach_rights.access_opening(request.member, request.network, opening_id)
    form = OpeningForm(request.POST or None, initial=OpeningForm.initial_for(opening))
    if request.method == "POST" and form.is_valid():
        try:
            reach_services.opening_update(by=request.member, opening=opening, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return render(request, "alumni/opening_form.html", {"form": form, "opening": opening},
                  status=400 if form.errors else 200)


@network_gate(reach_rights.can_see_openings)
@require_POST
@hr_required
def opening_close(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    opening = reach_rights.access_opening(request.member, request.network, opening_id)
    try:
        reach_services.opening_close(by=request.member, opening=opening)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{opening.title}” is closed: it takes no more referrals.")
    return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)


# --- Files: CVs and photos, each through its rights check -------------------------------------------

@network_gate(rights.can_refer)
@require_GET
def alumni_referral_cv(request: OrgRequest, org_slug: str, referral_id: int) -> HttpResponse:
    """A referral's CV: its referrer and HR; anyone else (or another organization's): 404."""
    referral = reach_rights.access_referral_cv(request.member, referral_id)
    return uploads.file_response(referral.cv, filename=referral.cv_name or "cv", content_type=referral.cv_content_type)


@network_gate(rights.portal_open)
@require_GET
def alumni_photo(request: OrgRequest, org_slug: str, profile_id: int) -> HttpResponse:
    """A directory card's photo, when the card and the photo's visibility show it to this viewer."""
    profile = reach_rights.access_photo(request.member, request.network, profile_id)
    return uploads.file_response(profile.photo, filename="photo.jpg", content_type=uploads.JPEG)


def _alumnus_portal(member, settings) -> bool:
    return rights.is_alumnus(member) and rights.portal_open(member, settings)


@network_gate(_alumnus_portal)
@require_POST
def alumni_card_photo(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Upload (or, with ``remove``, take off) the photo of my directory card."""
    profile = services.alumni_profile_ensure(member=request.member)
    try:
        if request.POST.get("remove"):
            reach_services.alumni_photo_remove(by=request.member, profile=profile)
            messages.success(request, "Your photo is removed.")
        else:
            form = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ApplicationError(form.errors.get("photo", ["Choose a photo."])[0])
            reach_services.alumni_photo_set(by=request.member, profile=profile, photo=form.cleaned_data["photo"])
            messages.success(request, "Your photo is on your card.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("alumni:alumni_card", org_slug=org_slug)
    return redirect("alumni:alumni_card", org_slug=org_slug)


# --- Alumni sharing: feedback, intel notes, who-knows --------------------------------------------------

def _sharing_page(request: OrgRequest, *, status: int = 200, **forms) -> HttpResponse:
    network = request.network
    step = services._step_of(request.member)
    _, intel_selectors = reach_services._intel()
    intel = reach_rights.can_share_intel(request.member, network)
    kinds = ("feedback", "intel") if intel else ("feedback",)
    visibilities = reach_services.note_visibilities(network)
    listed = intel_selectors.alumnus_is_listed(request.member)
    return render(request, "alumni/sharing.html", {
        "step": step, "intel": intel, "consented": reach_rights.has_feedback_consent(step),
        "consent_form": forms.get("consent_form") or SharingConsentForm(initial={
            "feedback": reach_rights.has_feedback_consent(step), "who_knows": listed}),
        "note_form": forms.get("note_form") or AlumniNoteForm(kinds=kinds, visibilities=visibilities),
        "notes": list(intel_selectors.alumni_notes_by(request.member)[:50]), "listed": listed,
    }, status=status)


@network_gate(reach_rights.can_share_feedback)
@require_http_methods(["GET", "POST"])
def alumni_sharing(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Share feedback (``support``) or intel notes (``invest``) into network intelligence, and my consents."""
    if request.method == "GET":
        return _sharing_page(request)
    intel = reach_rights.can_share_intel(request.member, request.network)
    form = AlumniNoteForm(request.POST, kinds=("feedback", "intel") if intel else ("feedback",),
                          visibilities=reach_services.note_visibilities(request.network))
    if form.is_valid():
        try:
            reach_services.alumni_note_share(by=request.member, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Thank you: it is shared, marked as from an alumnus.")
            return redirect("alumni:alumni_sharing", org_slug=org_slug)
    return _sharing_page(request, status=400, note_form=form)


@network_gate(reach_rights.can_share_feedback)
@require_POST
def alumni_sharing_consent(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = SharingConsentForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    intel = reach_rights.can_share_intel(request.member, request.network)
    try:
        reach_services.alumni_sharing_consent(by=request.member, feedback=form.cleaned_data["feedback"],
                                              who_knows=form.cleaned_data["who_knows"] if intel else None)
    except ApplicationError as error:
        apply_application_error(form, error)
        return _sharing_page(request, status=400, consent_form=form)
    messages.success(request, "Your choices are saved; they apply from now on.")
    return redirect("alumni:alumni_sharing", org_slug=org_slug)


# --- HR: the alumni dashboard (``invest``) ------------------------------------------------------------

@network_gate(reach_rights.can_see_dashboard)
@require_GET
@hr_required
def network_dashboard(request: OrgRequest, org_slug: str) -> HttpResponse:
    return render(request, "alumni/dashboard.html", {"sections": dashboard.sections_for(request.member)})

