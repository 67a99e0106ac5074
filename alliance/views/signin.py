"""The organization's sign-in security: the roles that must use a second factor (on the settings page), and
an administrator's reset of a member's second factor (on the member's page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from alliance import services
from alliance.decorators import admin_required
from alliance.errors import ApplicationError
from alliance.forms import TwoFactorRequirementForm
from alliance.http import OrgRequest
from alliance.selectors import get_membership_for_member


@require_POST
@admin_required
def two_factor_requirement(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = TwoFactorRequirementForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose roles from the list.")
        return redirect("organization_settings", org_slug=org_slug)
    try:
        roles = services.two_factor_requirement_set(by=request.member, roles=form.cleaned_data["roles"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if roles:
            messages.success(request, "A second factor is now required for the chosen roles; each person is asked "
                                      "to set one up at their next sign-in.")
        else:
            messages.success(request, "A second factor is no longer required for any role.")
    return redirect("organization_settings", org_slug=org_slug)


@require_POST
@admin_required
def two_factor_reset(request: OrgRequest, org_slug: str, membership_id: int) -> HttpResponse:
    membership = get_membership_for_member(request.member, membership_id)
    try:
        services.two_factor_reset(membership=membership, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The second factor of {membership.user.full_name or membership.user.email} is "
                                  "reset; they were told, and sign in with their password until they set one up.")
    return redirect("member_edit", org_slug=org_slug, membership_id=membership.pk)
