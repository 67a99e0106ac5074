"""Referrals and customer leads: submitting them, and HR moving them along; CV files."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from alliance import uploads
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import LeadForm, OwnerForm, ReferralForm, StatusForm
from alumni.models import CustomerLead, Referral
from alumni.views._common import _refused, network_gate

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
            referral = services.referral_submit(by=request.member, **form.cleaned_data)
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
             OwnerForm(members=members, initial={"owner": lead.owner}, auto_id=f"id_lead{lead.pk}_%s")
             if runner else None)
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


@network_gate(rights.can_refer)
@require_GET
def alumni_referral_cv(request: OrgRequest, org_slug: str, referral_id: int) -> HttpResponse:
    """A referral's CV: its referrer and HR; anyone else (or another organization's): 404."""
    referral = rights.access_referral_cv(request.member, referral_id)
    return uploads.file_response(referral.cv, filename=referral.cv_name or "cv", content_type=referral.cv_content_type)
