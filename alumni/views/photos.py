"""Directory photos, each file through its rights check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from alliance import uploads
from alliance.errors import ApplicationError
from alliance.http import OrgRequest
from alumni import rights, services
from alumni.forms import PhotoForm
from alumni.views._common import _alumnus_portal, network_gate


@network_gate(rights.portal_open)
@require_GET
def alumni_photo(request: OrgRequest, org_slug: str, profile_id: int) -> HttpResponse:
    """A directory card's photo, when the card and the photo's visibility show it to this viewer."""
    profile = rights.access_photo(request.member, request.network, profile_id)
    return uploads.file_response(profile.photo, filename="photo.jpg", content_type=uploads.JPEG)


@network_gate(_alumnus_portal)
@require_POST
def alumni_card_photo(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Upload (or, with ``remove``, take off) the photo of my directory card."""
    profile = services.alumni_profile_ensure(member=request.member)
    try:
        if request.POST.get("remove"):
            services.alumni_photo_remove(by=request.member, profile=profile)
            messages.success(request, "Your photo is removed.")
        else:
            form = PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ApplicationError(form.errors.get("photo", ["Choose a photo."])[0])
            services.alumni_photo_set(by=request.member, profile=profile, photo=form.cleaned_data["photo"])
            messages.success(request, "Your photo is on your card.")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("alumni:alumni_card", org_slug=org_slug)
    return redirect("alumni:alumni_card", org_slug=org_slug)
