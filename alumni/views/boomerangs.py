"""Boomerangs: the alumnus asks to come back; HR rehires or declines."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alliance.pagination import query_without_page
from alumni import rights, selectors, services
from alumni.forms import ComeBackForm, DeclineForm, RehireForm
from alumni.models import Boomerang
from alumni.views._common import _refused, network_gate


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
def boomerang_board(request: OrgRequest, org_slug: str) -> HttpResponse:
    return render(request, "alumni/boomerangs.html", {
        "requests": list(selectors.boomerang_list(member=request.member, state=Boomerang.State.REQUESTED)[:100]),
        "rehired": list(selectors.boomerang_list(member=request.member, state=Boomerang.State.REHIRED)[:100]),
        "candidates": selectors.rehire_candidates(request.member, page=request.GET.get("page")),
        "query": query_without_page(request),
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
