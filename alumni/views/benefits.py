"""The benefits catalog: alumni read it, HR keeps it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.formviews import action_submit, form_submit
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import BenefitForm
from alumni.models import BenefitTier
from alumni.rights import is_alumnus
from alumni.views._common import PER_PAGE, network_gate


def _benefits_level(member, settings) -> bool:
    return settings.reaches(rights.BENEFITS_LEVEL)


@network_gate(rights.can_see_benefits)
@require_GET
def alumni_benefits(request: OrgRequest, org_slug: str) -> HttpResponse:
    tier = request.GET.get("tier", "")
    tier = tier if tier in BenefitTier.values else ""
    page = Paginator(selectors.benefit_list(member=request.member, tier=tier), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "alumni/benefits.html", {
        "page": page, "benefits": page.object_list, "is_alumnus": is_alumnus(request.member),
        "editor": rights.can_manage_benefits(request.member, request.network)})


def _benefits_manage_page(request: OrgRequest, form: BenefitForm, *, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.benefit_list(member=request.member), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alumni/benefits_manage.html", {"form": form, "page": page,
                                                           "benefits": page.object_list}, status=status)


@network_gate(_benefits_level)
@hr_required
@require_http_methods(["GET", "POST"])
def benefits_manage(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = BenefitForm(request.POST or None)
    return form_submit(
        request, form, save=lambda data: services.benefit_create(by=request.member, data=data),
        success=lambda benefit: f"“{benefit.title}” is in the catalog.",
        then=lambda _: redirect("alumni:benefits_manage", org_slug=org_slug),
        page=lambda status: _benefits_manage_page(request, form, status=status))


@network_gate(_benefits_level)
@hr_required
@require_http_methods(["GET", "POST"])
def benefit_edit(request: OrgRequest, org_slug: str, benefit_id: int) -> HttpResponse:
    benefit = rights.access_benefit(request.member, request.network, benefit_id)
    form = versions.track(BenefitForm(request.POST or None, initial=_benefit_values(benefit)), benefit,
                          read=_benefit_values)
    return form_submit(
        request, form, save=lambda data: services.benefit_update(benefit=benefit, by=request.member, data=data),
        success="The benefit is saved.",
        then=lambda _: redirect("alumni:benefits_manage", org_slug=org_slug),
        page=lambda status: render(request, "alumni/edit.html", {
            "form": form, "what": "benefit", "title": benefit.title, "delete_url": "alumni:benefit_delete",
            "obj": benefit,
        }, status=status))


@network_gate(_benefits_level)
@hr_required
@require_POST
def benefit_delete(request: OrgRequest, org_slug: str, benefit_id: int) -> HttpResponse:
    benefit = rights.access_benefit(request.member, request.network, benefit_id)
    if not is_confirmed(request):
        return confirm_page(request, question=f"Remove “{benefit.title}” from the catalog?", action_label="Remove it",
                            back_url=reverse("alumni:benefits_manage", args=[org_slug]),
                            detail="Alumni and employees no longer see it.")
    return action_submit(request, act=lambda: services.benefit_delete(benefit=benefit, by=request.member),
                         success=f"“{benefit.title}” is removed from the catalog.",
                         then=lambda _: redirect("alumni:benefits_manage", org_slug=org_slug))


def _benefit_values(benefit) -> dict:
    return {name: getattr(benefit, name) for name in services.BENEFIT_FIELDS}
