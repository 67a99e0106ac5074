"""Data rights (every level: they are the person's, not the portal's)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import rights, services
from alumni.forms import EraseForm


@require_GET
def alumni_my_data(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Download my data; for alumni, ask to be erased."""
    return render(request, "alumni/my_data.html", {"form": EraseForm(),
                                                   "can_erase": rights.can_erase(request.member, request.member)})


@require_POST
def alumni_my_data_download(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The export is made when asked for (a POST): a zip, not a page."""
    response = HttpResponse(services.my_data_zip(member=request.member), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{org_slug}-{timezone.localdate()}.zip"'
    return response


@require_POST
def alumni_my_data_erase(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            services.alumnus_erase(member=request.member, by=request.member)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            organization = request.org
            logout(request)
            return render(request, "alumni/erased.html", {"organization": organization})
    return render(request, "alumni/my_data.html", {"form": form, "can_erase": rights.can_erase(
        request.member, request.member)}, status=400)
