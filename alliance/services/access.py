"""Suspending a member's access and giving it back.

An identity provider that deactivates someone (SCIM ``active: false`` or ``DELETE``) suspends them: the
membership keeps everything but its status is ``suspended``, so from the next request on the organization's
pages answer 404 to their session and their API tokens and calendar feeds stop working (both require an
active member, ``secret_credential_authenticate``). Nothing is deleted: HR decides whether an exit follows
(they are told, and the member's page offers to start it); reactivation gives everything back.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from alliance import rights
from alliance.errors import ApplicationError
from alliance.handoffs import ACCESS_RESTORED, ACCESS_SUSPENDED, hr_of, tell_each
from alliance.models import Membership, MembershipChange
from alliance.services.members import require_role


def _record(membership: Membership, by: Membership, old: str, new: str, source: str) -> None:
    MembershipChange.objects.create(organization_id=membership.organization_id, membership=membership, by=by,
                                    field=MembershipChange.Field.ACCESS, old_value=old, new_value=new,
                                    source=source)


def _member_page(membership: Membership) -> str:
    return reverse("member_edit", args=[membership.organization.slug, membership.pk])


@transaction.atomic
def membership_suspend(*, membership: Membership, by: Membership,
                       source: str = MembershipChange.Source.SCIM) -> Membership:
    """Suspend an active member's access at once; HR hear of it (with their page, where the exit starts)."""
    require_role(by, hr=True)
    rights.check_can_change_member(by, membership)
    locked = Membership.objects.for_org(membership.organization_id).select_for_update().get(pk=membership.pk)
    if locked.status == Membership.Status.SUSPENDED:
        membership.status = locked.status
        return membership
    if locked.status != Membership.Status.ACTIVE:
        raise ApplicationError(f"{membership.user.full_name or membership.user.email} has left the organization.")
    if membership.pk == by.pk:
        raise ApplicationError("An administrator cannot suspend themselves: another administrator does it.")
    rights.check_keeps_an_administrator(membership)
    membership.status = Membership.Status.SUSPENDED
    membership.save(update_fields=["status", "updated_at"])
    _record(membership, by, "active", "suspended", source)
    name = membership.user.full_name or membership.user.email
    tell_each(hr_of(membership.organization_id), but=by, kind=ACCESS_SUSPENDED,
              title=f"{name} was deactivated by the identity provider",
              body=f"{name} can no longer sign in to {membership.organization.name} or use an API token. Nothing "
                   "of theirs was deleted. If they are leaving, start their exit from their page; if not, "
                   "reactivate them in the identity provider.",
              url=_member_page(membership))
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: Membership,
                          source: str = MembershipChange.Source.SCIM) -> Membership:
    """Give a suspended member their access back (sign-in, API tokens); HR hear of it."""
    require_role(by, hr=True)
    rights.check_can_change_member(by, membership)
    locked = Membership.objects.for_org(membership.organization_id).select_for_update().get(pk=membership.pk)
    if locked.status == Membership.Status.ACTIVE:
        membership.status = locked.status
        return membership
    if locked.status != Membership.Status.SUSPENDED:
        raise ApplicationError(f"{membership.user.full_name or membership.user.email} has left the organization: "
                               "rehire them from their page instead.")
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    _record(membership, by, "suspended", "active", source)
    name = membership.user.full_name or membership.user.email
    tell_each(hr_of(membership.organization_id), but=by, kind=ACCESS_RESTORED,
              title=f"{name} was reactivated by the identity provider",
              body=f"{name} can sign in to {membership.organization.name} again.", url=_member_page(membership))
    return membership
