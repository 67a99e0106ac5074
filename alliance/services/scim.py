"""SCIM provisioning: the tokens an identity provider uses, and the people it creates, changes and
deactivates.

A SCIM token does SCIM only (``/scim/v2/`` of its organization) and acts with the rights of the
administrator who created it: every change goes through the services of the members page (roles, manager
rules, history), the people import's way of adding someone who has no password yet, and the invitation
that lets them choose one. An employee the identity provider names as someone's manager gets the manager role
(only managers manage), through the same service. Deactivation suspends (``alliance.services.access``);
nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from alliance import rights
from alliance.errors import ApplicationError
from alliance.handoffs import TEAM_JOINED, tell
from alliance.history import context as audit_context
from alliance.models import (
    Membership,
    MembershipChange,
    ScimToken,
    ScimUser,
    User,
    UserEmailAlias,
)
from alliance.services.access import membership_reactivate, membership_suspend
from alliance.services.members import (
    check_text_bounds,
    email_in_use,
    full_clean_or_raise,
    invitation_create,
    membership_update,
    require_role,
    secret_credential_authenticate,
    user_email_change_keeping_alias,
)
from alliance.tokens import token_make, token_prefix

SCIM_TOKEN_KIND = "scim"
SCIM_VISIBLE_STATUSES = (Membership.Status.ACTIVE, Membership.Status.SUSPENDED)


class ScimConflict(ApplicationError):
    """The value must be unique and is taken (SCIM answers 409 ``uniqueness``)."""


@dataclass
class ScimPerson:
    """A person as the identity provider describes them, in Alliance's terms."""

    user_name: str
    email: str
    full_name: str
    given_name: str = ""
    family_name: str = ""
    external_id: str = ""
    email_type: str = ""
    email_primary: bool | None = None
    title: str = ""
    team: str = ""
    manager: Membership | None = None
    active: bool = True


# --- Tokens ---------------------------------------------------------------------------------------

@transaction.atomic
def scim_token_create(*, by: Membership, name: str) -> tuple[ScimToken, str]:
    """An administrator creates a SCIM token for their organization; the plaintext is returned once."""
    require_role(by, admin=True)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the token a name.", field_errors={"name": ["Give the token a name."]})
    check_text_bounds(ScimToken, name=name)
    token, digest = token_make(kind=SCIM_TOKEN_KIND, organization_id=by.organization_id)
    scim_token = ScimToken(organization_id=by.organization_id, membership=by, name=name,
                           prefix=token_prefix(token), token_hash=digest)
    full_clean_or_raise(scim_token, exclude=["organization", "membership"])
    scim_token.save()
    return scim_token, token


@transaction.atomic
def scim_token_revoke(*, scim_token: ScimToken, by: Membership) -> ScimToken:
    """An administrator revokes a SCIM token: the identity provider's next request is refused."""
    require_role(by, admin=True)
    if scim_token.organization_id != by.organization_id:
        raise ApplicationError("No such token.")
    if scim_token.revoked_at is None:
        scim_token.revoked_at = timezone.now()
        scim_token.save(update_fields=["revoked_at", "updated_at"])
    return scim_token


def scim_token_authenticate(token: str) -> ScimToken | None:
    """Resolve a SCIM bearer token (and enter its organization); None when unknown, revoked, or its
    administrator is no longer an active administrator."""
    scim_token = secret_credential_authenticate(ScimToken, token, kind=SCIM_TOKEN_KIND, related=(),
                                                touch_every=timedelta(minutes=1))
    if scim_token is None or not scim_token.membership.is_admin:
        return None
    scim_token.membership.organization = scim_token.organization
    return scim_token


# --- Who SCIM sees ----------------------------------------------------------------------------------

def scim_members(organization_id: int) -> QuerySet[Membership]:
    """The members SCIM sees: active or suspended, and not deleted by the identity provider."""
    deprovisioned = ScimUser.objects.for_org(organization_id).filter(
        membership=OuterRef("pk"), deprovisioned_at__isnull=False)
    return (Membership.objects.for_org(organization_id).filter(status__in=SCIM_VISIBLE_STATUSES)
            .exclude(Exists(deprovisioned)))


def _scim_user_of(membership: Membership) -> ScimUser | None:
    return ScimUser.objects.for_org(membership.organization_id).filter(membership=membership).first()


def _check_person(person: ScimPerson) -> str:
    email = (person.email or "").strip().lower()
    if not email:
        raise ApplicationError("Give the person's e-mail address (emails, or a userName that is one).",
                               field_errors={"emails": ["An e-mail address is required."]})
    try:
        validate_email(email)
    except ValidationError as error:
        raise ApplicationError(f"“{person.email}” is not an e-mail address.",
                               field_errors={"emails": ["Not an e-mail address."]}) from error
    if not person.user_name.strip():
        raise ApplicationError("userName is required.", field_errors={"userName": ["Required."]})
    check_text_bounds(ScimUser, user_name=person.user_name, external_id=person.external_id,
                      given_name=person.given_name, family_name=person.family_name, email_type=person.email_type)
    check_text_bounds(User, full_name=person.full_name)
    check_text_bounds(Membership, title=person.title, team=person.team)
    return email


def _check_user_name_free(organization_id: int, user_name: str, *, except_member: Membership | None = None) -> None:
    taken = ScimUser.objects.for_org(organization_id).filter(user_name__iexact=user_name.strip(),
                                                             deprovisioned_at__isnull=True)
    members = scim_members(organization_id).filter(user__email__iexact=user_name.strip())
    if except_member is not None:
        taken, members = taken.exclude(membership=except_member), members.exclude(pk=except_member.pk)
    named = ScimUser.objects.for_org(organization_id).filter(membership=OuterRef("pk"))
    if taken.exists() or members.exclude(Exists(named)).exists():
        raise ScimConflict(f"The userName “{user_name}” is taken in this organization.")


def _keep_scim_user(membership: Membership, person: ScimPerson) -> ScimUser:
    scim_user = _scim_user_of(membership) or ScimUser(organization_id=membership.organization_id,
                                                      membership=membership)
    scim_user.user_name, scim_user.external_id = person.user_name.strip(), person.external_id
    scim_user.given_name, scim_user.family_name = person.given_name, person.family_name
    scim_user.email_type, scim_user.email_primary = person.email_type, person.email_primary
    scim_user.deprovisioned_at = None
    full_clean_or_raise(scim_user, exclude=["organization", "membership"])
    scim_user.save()
    return scim_user


# --- People -------------------------------------------------------------------------------------------

def _let_manage(manager: Membership | None, by: Membership) -> None:
    """The identity provider says who manages whom, and Alliance's rule is that only managers manage: an active
    employee it names as someone's manager gets the manager role, through the members page's service (kept in
    their history). Anyone else who may not manage (a suspended member) is refused."""
    if manager is None or rights.can_be_manager(manager):
        return
    if manager.status == Membership.Status.ACTIVE and manager.role == Membership.Role.EMPLOYEE:
        membership_update(membership=manager, by=by, role=Membership.Role.MANAGER, manager=manager.manager,
                          title=manager.title, team=manager.team, source=MembershipChange.Source.SCIM)
        return
    rights.check_can_be_manager(manager)


@transaction.atomic
def scim_user_create(*, by: Membership, person: ScimPerson) -> Membership:
    """The identity provider adds a person: a member with the employee role and no password yet (as the
    people import adds them), invited to choose one; their manager is told. A person it had deleted comes
    back (the same member, reactivated)."""
    require_role(by, hr=True)
    audit_context.add(source="scim", member=by.pk)
    email = _check_person(person)
    organization_id = by.organization_id
    existing = Membership.objects.for_org(organization_id).select_related("user", "organization").filter(
        user__email__iexact=email).first()
    if existing is not None:
        scim_user = _scim_user_of(existing)
        if scim_user is None or scim_user.deprovisioned_at is None:
            if existing.status in SCIM_VISIBLE_STATUSES:
                raise ScimConflict(f"{email} is already a member of this organization.")
            raise ScimConflict(f"{email} has left the organization: rehire them from their page instead.")
        _check_user_name_free(organization_id, person.user_name, except_member=existing)
        return scim_user_change(by=by, membership=existing, person=person, came_back=True)
    _check_user_name_free(organization_id, person.user_name)
    if UserEmailAlias.objects.filter(email=email).exists():
        raise ScimConflict(f"{email} is the former address of another account; use its current one.")
    _let_manage(person.manager, by)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=person.full_name.strip() or email.split("@")[0],
                    password=make_password(None))
        full_clean_or_raise(user, exclude=["password"])
        user.save()
    membership = Membership(organization_id=organization_id, user=user, role=Membership.Role.EMPLOYEE,
                            title=person.title.strip(), team=person.team.strip(), manager=person.manager,
                            employment_started_on=timezone.localdate())
    full_clean_or_raise(membership, exclude=["organization", "user", "manager"])
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ScimConflict(f"{email} is already a member of this organization.") from error
    _keep_scim_user(membership, person)
    membership.organization = by.organization
    if person.manager is not None:
        name = user.full_name or user.email
        tell(recipient=person.manager, kind=TEAM_JOINED, title=f"{name} joined your team",
             body=f"{name} was added to {by.organization.name} by the identity provider and reports to you now.",
             url=reverse("dashboard", args=[by.organization.slug]))
    if not person.active:
        membership_suspend(membership=membership, by=by)
    elif not user.has_usable_password() and user.last_login is None:
        invitation_create(by=by, email=email, role=membership.role, title=membership.title, team=membership.team,
                          manager=membership.manager, employment_started_on=membership.employment_started_on)
    return membership


def _owns_account(membership: Membership) -> bool:
    """Whether the person belongs to this organization only: then it may change their name and address."""
    return not Membership.objects.filter(user_id=membership.user_id).exclude(
        organization_id=membership.organization_id).exists()


def _change_account(membership: Membership, person: ScimPerson, email: str) -> None:
    user = membership.user
    full_name = person.full_name.strip() or user.full_name
    if email == user.email.lower() and full_name == user.full_name:
        return
    if not _owns_account(membership):
        raise ApplicationError(f"{user.email} also belongs to another organization: they change their own name and "
                               "address.", field_errors={"emails": ["Shared with another organization."]})
    if email != user.email.lower():
        if email_in_use(email, except_user=user):
            raise ScimConflict(f"{email} belongs to another account.")
        user_email_change_keeping_alias(user=user, new_email=email)
    if full_name != user.full_name:
        user.full_name = full_name
        full_clean_or_raise(user, exclude=["password"])
        user.save(update_fields=["full_name"])


@transaction.atomic
def scim_user_change(*, by: Membership, membership: Membership, person: ScimPerson,
                     came_back: bool = False) -> Membership:
    """The identity provider changes a person (PUT, PATCH): their name and address (when their account is
    this organization's alone), title, team and manager through the members page's service (its rules and
    history), and ``active`` by suspending or reactivating them."""
    require_role(by, hr=True)
    audit_context.add(source="scim", member=by.pk)
    rights.check_can_change_member(by, membership)
    email = _check_person(person)
    _check_user_name_free(membership.organization_id, person.user_name, except_member=membership)
    if person.active and membership.status == Membership.Status.SUSPENDED:
        membership_reactivate(membership=membership, by=by)
    _change_account(membership, person, email)
    if (person.title.strip(), person.team.strip(), person.manager and person.manager.pk) != (
            membership.title, membership.team, membership.manager_id):
        if person.manager is not None and person.manager.pk != membership.pk:
            _let_manage(person.manager, by)
        membership_update(membership=membership, by=by, role=membership.role, manager=person.manager,
                          title=person.title.strip(), team=person.team.strip(),
                          source=MembershipChange.Source.SCIM)
    _keep_scim_user(membership, person)
    if not person.active and membership.status == Membership.Status.ACTIVE:
        membership_suspend(membership=membership, by=by)
    if came_back and person.active and membership.status == Membership.Status.SUSPENDED:
        membership_reactivate(membership=membership, by=by)
    return membership


@transaction.atomic
def scim_user_deprovision(*, by: Membership, membership: Membership) -> Membership:
    """The identity provider deletes a person: they are suspended (HR told, nothing deleted) and SCIM no
    longer sees them (RFC 7644 §3.6); creating them again brings the same member back."""
    require_role(by, hr=True)
    audit_context.add(source="scim", member=by.pk)
    rights.check_can_change_member(by, membership)
    if membership.status == Membership.Status.ACTIVE:
        membership_suspend(membership=membership, by=by)
    scim_user = _scim_user_of(membership) or ScimUser(organization_id=membership.organization_id,
                                                      membership=membership, user_name=membership.user.email)
    scim_user.deprovisioned_at = timezone.now()
    scim_user.save()
    return membership
