"""The organization settings page's SCIM part: administrators create SCIM tokens (each shown once), see
when each was last used, and revoke them."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance import versions
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import admin_required
from alliance.errors import ApplicationError
from alliance.forms import OrganizationForm, ScimTokenForm, apply_application_error
from alliance.models import ScimToken
from alliance.services.scim import scim_token_create, scim_token_revoke

SCIM_TOKENS_SHOWN = 50


def scim_settings_context(request: HttpRequest, *, form: ScimTokenForm | None = None, new_token: str = "") -> dict:
    """What the settings page shows of SCIM: the base URL, the organization's tokens, the form."""
    tokens = list(ScimToken.objects.for_org(request.org.pk).select_related("membership__user")
                  .order_by("-created_at", "-id")[:SCIM_TOKENS_SHOWN])
    return {"scim_form": form or ScimTokenForm(prefix="scim"), "scim_tokens": tokens, "new_scim_token": new_token,
            "scim_base": request.build_absolute_uri("/scim/v2/")}


@require_POST
@admin_required
def scim_token_create_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    form = ScimTokenForm(request.POST, prefix="scim")
    new_token = ""
    if form.is_valid():
        try:
            _scim_token, new_token = scim_token_create(by=request.member, name=form.cleaned_data["name"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            form = ScimTokenForm(prefix="scim")
    settings_form = versions.track(OrganizationForm(instance=copy.copy(request.org)), request.org,
                                   read=lambda row: model_to_dict(row, fields=OrganizationForm._meta.fields))
    context = {"form": settings_form,
               **scim_settings_context(request, form=form, new_token=new_token)}
    return render(request, "alliance/settings.html", context, status=400 if form.errors else 200)


@require_POST
@admin_required
def scim_token_revoke_view(request: HttpRequest, org_slug: str, token_id: int) -> HttpResponse:
    scim_token = ScimToken.objects.for_org(request.org.pk).filter(pk=token_id).first()
    if scim_token is None:
        raise Http404("No such token.")
    if not is_confirmed(request):
        return confirm_page(request, question=f"Revoke the SCIM token “{scim_token.name}”?", action_label="Revoke",
                            back_url=reverse("organization_settings", args=[org_slug]),
                            detail="Your identity provider can no longer add, change or deactivate people until "
                                   "you give it a new token.")
    try:
        scim_token_revoke(scim_token=scim_token, by=request.member)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"SCIM token “{scim_token.name}” revoked: the identity provider can no longer "
                                  "provision people with it.")
    return redirect("organization_settings", org_slug=org_slug)
