"""How an organization's people sign in: the roles that must use a second factor, and an administrator's
reset of a member's second factor (a lost phone)."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.urls import reverse

from alliance.errors import ApplicationError
from alliance.handoffs import tell
from alliance.models import Membership, TwoFactorRequirement, TwoFactorReset
from alliance.selectors import two_factor_roles
from alliance.services.members import require_role

# The notification a person gets when an administrator reset their second factor.
TWO_FACTOR_RESET = "two_factor_reset"


@transaction.atomic
def two_factor_requirement_set(*, by: Membership, roles: Iterable[str]) -> set[str]:
    """Require a second factor of the people with ``roles`` (and of nobody else) in ``by``'s organization.
    Each of them is asked to enrol at their next sign-in."""
    require_role(by, admin=True)
    wanted = set(roles)
    unknown = wanted - set(Membership.Role.values)
    if unknown:
        message = "Choose roles from the list."
        raise ApplicationError(message, field_errors={"roles": [message]})
    organization_id = by.organization_id
    current = two_factor_roles(organization_id=organization_id)
    TwoFactorRequirement.objects.for_org(organization_id).filter(role__in=current - wanted).delete()
    TwoFactorRequirement.objects.bulk_create(
        [TwoFactorRequirement(organization_id=organization_id, role=role) for role in sorted(wanted - current)])
    return wanted


@transaction.atomic
def two_factor_reset(*, membership: Membership, by: Membership) -> TwoFactorReset:
    """Take away a member's second factor (authenticator app and recovery codes), so that they can sign in
    with their password and enrol again. Recorded, and the person is told."""
    require_role(by, admin=True)
    if membership.organization_id != by.organization_id:
        raise ApplicationError("This person is not a member of your organization.")
    removed, _ = Authenticator.objects.filter(user_id=membership.user_id).delete()
    if not removed:
        raise ApplicationError(f"{membership.user.full_name or membership.user.email} has no second factor to reset.")
    reset = TwoFactorReset.objects.create(organization_id=membership.organization_id, membership=membership, by=by)
    tell(recipient=membership, kind=TWO_FACTOR_RESET, title="Your second factor was reset",
         body=(f"{by.user.full_name or by.user.email}, an administrator of {membership.organization.name}, reset "
               "your sign-in's second factor. You sign in with your password; set up an authenticator app again "
               "from your account menu. If you did not ask for this, tell your administrator at once."),
         url=reverse("mfa_index"))
    return reset
