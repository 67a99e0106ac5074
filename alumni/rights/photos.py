"""Directory photos: who sees one."""

from __future__ import annotations

from django.http import Http404

from alliance.models import Membership
from alumni.models import AlumniProfile, AlumniSettings
from alumni.rights.directory import audience_of, can_use_directory
from alumni.rights.network import is_alumnus


def can_see_photo(viewer: Membership, settings: AlumniSettings, profile: AlumniProfile) -> bool:
    """Its alumnus always; anyone else through the directory: a listed alumnus's card, with the photo's
    visibility open to the viewer (alumni: alumni and everyone; employees: everyone)."""
    if profile.organization_id != viewer.organization_id or not profile.photo:
        return False
    if profile.member_id == viewer.pk:
        return is_alumnus(viewer)
    return (can_use_directory(viewer, settings) and profile.listed
            and profile.member.status == Membership.Status.ALUMNUS
            and profile.photo_visibility in audience_of(viewer))


def access_photo(viewer: Membership, settings: AlumniSettings, profile_id: int) -> AlumniProfile:
    profile = (AlumniProfile.objects.for_org(viewer.organization_id).select_related("member")
               .filter(pk=profile_id).first())
    if profile is None or not can_see_photo(viewer, settings, profile):
        raise Http404("No such photo.")
    return profile
