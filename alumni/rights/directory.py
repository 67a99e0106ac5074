"""Who sees the directory and which of its fields."""

from __future__ import annotations

from django.http import Http404

from alliance.models import Membership
from alumni.models import AlumniSettings, Visibility
from alumni.rights.network import can_run_network, portal_open


def can_use_directory(member: Membership, settings: AlumniSettings) -> bool:
    return portal_open(member, settings)


def access_alumnus(member: Membership, membership_id: int) -> Membership:
    """An alumnus of the organization, for HR (rehire); anyone else: 404."""
    alumnus = (Membership.objects.for_org(member.organization_id).select_related("user")
               .filter(pk=membership_id, status=Membership.Status.ALUMNUS).first())
    if alumnus is None or not can_run_network(member):
        raise Http404("No such alumnus.")
    return alumnus


def audience_of(viewer: Membership) -> tuple[str, ...]:
    """The visibilities a viewer may see: alumni see what is for alumni and for everyone; employees
    (HR and admins included) only what alumni opened to employees."""
    if viewer.status == Membership.Status.ALUMNUS:
        return (Visibility.ALUMNI, Visibility.EVERYONE)
    return (Visibility.EVERYONE,)
