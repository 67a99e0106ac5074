"""The alliance's health pages: the organization's (HR, administrators, leadership) at ``alliance/`` and
a manager's own team's at ``team/alliance/`` (with their to-do), each figure with a CSV download.
Both read ``alliance.health``, as the API and the weekly digest do."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from alliance import health, services
from alliance.decorators import admin_required
from alliance.errors import ApplicationError, NotAllowed
from alliance.exports import streaming_csv
from alliance.http import OrgRequest
from alliance.rights import can_see_organization_health, can_see_team_health
from alliance.selectors import get_membership_for_member


def _scope(request: OrgRequest, *, own_team: bool) -> tuple[health.HealthScope, dict[str, list[str]]]:
    """The scope the filters ask for; on a bad filter, the unfiltered scope and the errors to show."""
    try:
        return health.health_scope(viewer=request.member, team=request.GET.get("team", ""),
                                   manager=request.GET.get("manager", ""), period=request.GET.get("period", ""),
                                   own_team=own_team), {}
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except ApplicationError as error:
        return health.health_scope(viewer=request.member, own_team=own_team), error.field_errors or {
            "__all__": [error.message]}


def _page(request: OrgRequest, *, own_team: bool) -> HttpResponse:
    scope, errors = _scope(request, own_team=own_team)
    figures = health.health_figures_for(scope)
    todo = []
    if own_team:
        todo = health.manager_todo(request.member, team_ids=scope.member_ids or ())
    # Each figure's CSV link from one resolved URL (a {% url %} per figure cost more than some figures).
    pattern = reverse("team_alliance_health_csv" if own_team else "alliance_health_csv", args=[request.org.slug, "key"])
    query = request.GET.urlencode() if not errors else ""
    for figure in figures:
        figure.csv_url = pattern.replace("/key.csv", f"/{figure.key}.csv") + (f"?{query}" if query else "")
    context = {
        "own_team": own_team, "scope": scope, "errors": errors, "sections": health.sections(figures),
        "todo": todo, "periods": health.PERIODS, "choices": health.filter_choices(request.member, own_team=own_team),
        "may_see_organization": can_see_organization_health(request.member),
        "may_see_team": can_see_team_health(request.member),
    }
    return render(request, "alliance/health.html", context, status=400 if errors else 200)


def _csv(request: OrgRequest, key: str, *, own_team: bool) -> HttpResponse:
    if key not in health.figure_keys():
        raise Http404("No such figure.")
    scope, errors = _scope(request, own_team=own_team)
    if errors:
        message = "; ".join(str(text) for messages in errors.values() for text in messages)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    figure = health.health_figures_for(scope, only=key)[0]
    rows = [[cell if not hasattr(cell, "isoformat") else cell.isoformat() for cell in row] for row in figure.rows]
    return streaming_csv(f"{request.org.slug}-{key}-{scope.today.isoformat()}.csv", figure.columns, rows)


@require_GET
def organization_health(request: OrgRequest, org_slug: str) -> HttpResponse:
    if not can_see_organization_health(request.member):
        raise PermissionDenied("Only HR, administrators and leadership read the organization's alliance health.")
    return _page(request, own_team=False)


@require_GET
def organization_health_csv(request: OrgRequest, org_slug: str, key: str) -> HttpResponse:
    if not can_see_organization_health(request.member):
        raise PermissionDenied("Only HR, administrators and leadership read the organization's alliance health.")
    return _csv(request, key, own_team=False)


@require_GET
def team_health(request: OrgRequest, org_slug: str) -> HttpResponse:
    if not can_see_team_health(request.member):
        raise PermissionDenied("Only managers have a team to read the alliance's health of.")
    return _page(request, own_team=True)


@require_GET
def team_health_csv(request: OrgRequest, org_slug: str, key: str) -> HttpResponse:
    if not can_see_team_health(request.member):
        raise PermissionDenied("Only managers have a team to read the alliance's health of.")
    return _csv(request, key, own_team=True)


@require_POST
@admin_required
def member_leadership(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    """An administrator grants (or takes back) the leadership view of the organization's health page."""
    membership = get_membership_for_member(request.member, membership_id)
    choice = request.POST.get("leadership", "")
    if choice not in ("yes", "no"):
        messages.error(request, "Choose to grant the leadership view or to take it back.")
    else:
        try:
            services.membership_leadership_set(membership=membership, by=request.member, leadership=choice == "yes")
        except NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from None
        messages.success(request, f"{membership.user.full_name}: leadership view "
                                  f"{'granted' if choice == 'yes' else 'taken back'}.")
    return redirect("member_edit", org_slug=org_slug, membership_id=membership.pk)
