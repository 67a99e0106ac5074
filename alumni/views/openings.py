"""Job openings: the board, referring and applying from an opening, and HR's posting."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.formviews import action_submit, form_submit
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import ApplyForm, OpeningForm, OpeningReferralForm
from alumni.models import Opening
from alumni.views._common import network_gate

OPENINGS_PER_PAGE = 25


@network_gate(rights.can_see_openings)
@require_GET
def alumni_openings(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The board: open openings for alumni and employees; HR also sees closed ones and posts new ones."""
    manager = rights.can_manage_openings(request.member, request.network)
    state = request.GET.get("state", Opening.State.OPEN)
    state = state if state in Opening.State.values or (manager and state == "") else Opening.State.OPEN
    page = Paginator(selectors.opening_board(member=request.member, settings=request.network, state=state),
                     OPENINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alumni/openings.html", {
        "page": page, "manager": manager, "state": state, "states": Opening.State.choices,
        "directory": rights.can_use_directory(request.member, request.network),
    })


def _opening_page(request: OrgRequest, opening: Opening, *, status: int = 200, **forms) -> HttpResponse:
    network = request.network
    can_apply = rights.can_apply_from_opening(request.member, network)
    return render(request, "alumni/opening.html", {
        "opening": opening,
        "manager": rights.can_manage_openings(request.member, network),
        "can_refer": rights.can_refer_from_opening(request.member, network),
        "can_apply": can_apply,
        "applied": can_apply and selectors.applied_for(request.member, opening),
        "rehire_refusal": services.rehire_refusal(request.member) if can_apply else "",
        "refer_form": forms.get("refer_form") or OpeningReferralForm(),
        "apply_form": forms.get("apply_form") or ApplyForm(),
        "referrals": list(selectors.opening_referrals(member=request.member, opening=opening)[:100]),
        "directory": rights.can_use_directory(request.member, network),
    }, status=status)


@network_gate(rights.can_see_openings)
@require_GET
def alumni_opening(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    return _opening_page(request, rights.access_opening(request.member, request.network, opening_id))


@network_gate(rights.can_see_openings)
@require_POST
def alumni_opening_refer(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    """Refer a friend for this opening (with their CV, if given)."""
    opening = rights.access_opening(request.member, request.network, opening_id)
    form = OpeningReferralForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            referral = services.referral_submit(by=request.member, opening=opening, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"Thank you: {referral.candidate_name} is referred for {opening.title}. "
                                      "We will keep you posted.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return _opening_page(request, opening, status=400, refer_form=form)


@network_gate(rights.can_see_openings)
@require_POST
def alumni_opening_apply(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    """An alumnus applies to come back for this opening (their rehire eligibility must allow it)."""
    opening = rights.access_opening(request.member, request.network, opening_id)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.opening_apply(by=request.member, opening=opening, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Thank you: HR has your application and will come back to you.")
            return redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk)
    return _opening_page(request, opening, status=400, apply_form=form)


@network_gate(rights.can_see_openings)
@require_http_methods(["GET", "POST"])
@hr_required
def opening_new(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = OpeningForm(request.POST or None)
    return form_submit(
        request, form, save=lambda data: services.opening_create(by=request.member, **data),
        success=lambda opening: f"“{opening.title}” is on the board.",
        then=lambda opening: redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk),
        page=lambda status: render(request, "alumni/opening_form.html", {"form": form, "opening": None},
                                   status=status))


@network_gate(rights.can_see_openings)
@require_http_methods(["GET", "POST"])
@hr_required
def opening_edit(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    opening = rights.access_opening(request.member, request.network, opening_id)
    form = versions.track(OpeningForm(request.POST or None, initial=OpeningForm.initial_for(opening)), opening,
                          read=OpeningForm.initial_for)
    return form_submit(
        request, form, save=lambda data: services.opening_update(by=request.member, opening=opening, data=data),
        success="Saved.",
        then=lambda _: redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk),
        page=lambda status: render(request, "alumni/opening_form.html", {"form": form, "opening": opening},
                                   status=status))


@network_gate(rights.can_see_openings)
@require_POST
@hr_required
def opening_close(request: OrgRequest, org_slug: str, opening_id: int) -> HttpResponse:
    opening = rights.access_opening(request.member, request.network, opening_id)
    if opening.is_open and not is_confirmed(request):
        return confirm_page(request, question=f"Close the opening “{opening.title}”?", action_label="Close it",
                            back_url=reverse("alumni:alumni_opening", args=[org_slug, opening.pk]),
                            detail="It takes no more referrals or applications.")
    return action_submit(request, act=lambda: services.opening_close(by=request.member, opening=opening),
                         success=f"“{opening.title}” is closed: it takes no more referrals.",
                         then=lambda _: redirect("alumni:alumni_opening", org_slug=org_slug, opening_id=opening.pk))
