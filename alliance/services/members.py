from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance import rights, tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.handoffs import TEAM_JOINED, tell
from alliance.limits import EMPLOYMENT_START_EARLIEST_YEAR, EMPLOYMENT_START_MAX_DAYS_AHEAD, MEMBER_CHANGE_VALUE_MAX
from alliance.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipChange,
    Organization,
    User,
    UserEmailAlias,
    person_sort_name,
)
from alliance.outbox import email_send
from alliance.registry import manager_role_refusals
from alliance.selectors import direct_reports_of, live_credential
from alliance.services.sorting import person_sort_name_refresh
from alliance.tokens import token_make, token_parse, token_prefix
from alliance.webhooks.events import webhook_event_emit

INVITATION_TOKEN_KIND = "inv"
API_TOKEN_KIND = "alli"


def _validation_to_application_error(error: ValidationError) -> ApplicationError:
    if hasattr(error, "error_dict"):
        fields = {name: [m for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
        first = next(iter(fields.values()))[0]
        return ApplicationError(first, field_errors=fields)
    return ApplicationError(error.messages[0])


def full_clean_or_raise(instance, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise _validation_to_application_error(error) from error


def check_text_bounds(model: type[models.Model], **values: str | None) -> None:
    """Refuse free text longer than its model field's ``max_length``, before anything is written.

    For the services that write a text with ``update()`` or ``save(update_fields=...)`` without a
    ``full_clean``: the bound is the model's, so it is the same as the form's and the API's.
    """
    errors = {}
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit is not None and value is not None and len(value) > limit:
            errors[name] = [f"Ensure this value has at most {limit} characters (it has {len(value)})."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], field_errors=errors)


def model_update(instance, *, data: dict, fields: list[str] | tuple[str, ...],
                 clean: Callable[[Any], None] | None = None) -> list[str]:
    """Set the allowed ``fields`` that ``data`` changes, validate, save only those.

    ``clean`` validates the changed instance (``full_clean`` by default) and raises
    ``ApplicationError``. Returns the names of the fields that changed (empty: nothing
    was saved).
    """
    changed = [name for name in fields if name in data and getattr(instance, name) != data[name]]
    for name in changed:
        setattr(instance, name, data[name])
    if changed:
        (clean or full_clean_or_raise)(instance)
        update_fields = [*changed, "updated_at"] if hasattr(instance, "updated_at") else changed
        instance.save(update_fields=update_fields)
    return changed


def require_role(member: Membership, *, hr: bool = False, admin: bool = False) -> None:
    if admin and not member.is_admin:
        raise NotAllowed("Only an administrator of the organization can do this.")
    if hr and not member.is_hr:
        raise NotAllowed("Only HR or an administrator can do this.")


# --- Organizations -----------------------------------------------------------

@transaction.atomic
def organization_create(
    *, name: str, slug: str, admin_email: str, admin_password: str | None, admin_name: str = "",
    time_zone: str = "UTC", currency: str = "USD",
) -> tuple[Organization, Membership]:
    """Create an organization with its first admin (a new or existing user)."""
    slug = slug.strip().lower()
    if Organization.objects.filter(slug=slug).exists():
        raise ApplicationError(
            f"The address “{slug}” is taken.", field_errors={"slug": ["This address is taken."]}
        )
    organization = Organization(name=name.strip(), slug=slug, time_zone=time_zone, currency=currency)
    full_clean_or_raise(organization)
    organization.save()
    user = User.objects.filter(email__iexact=admin_email.strip()).first()
    if user is None:
        user = User(email=admin_email.strip().lower(), full_name=admin_name or admin_email.split("@")[0])
        full_clean_or_raise(user, exclude=["password"])
        if admin_password:
            try:
                validate_password(admin_password, user)
            except ValidationError as error:
                raise ApplicationError(error.messages[0], field_errors={"password": error.messages}) from error
        user.set_password(admin_password)
        user.save()
    with tenancy.tenant_context(organization.pk):
        admin = Membership.objects.create(
            organization=organization, user=user, role=Membership.Role.ADMIN, title="Administrator",
            sort_name=person_sort_name(user.full_name, user.email),
        )
    return organization, admin


ORGANIZATION_EDITABLE = (
    "name", "mission", "values", "time_zone", "currency", "checkpoint_days_before",
    "agenda_nudge_days_before", "overdue_days_after", "overdue_max_reminders", "tour_ending_days_before",
    "first_conversation_followup_working_days",
)


@transaction.atomic
def organization_update(*, organization: Organization, by: Membership, data: dict) -> Organization:
    require_role(by, admin=True)
    unknown = set(data) - set(ORGANIZATION_EDITABLE)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    model_update(organization, data=data, fields=ORGANIZATION_EDITABLE)
    return organization


# --- Members -----------------------------------------------------------------

def _check_manager(member: Membership, manager: Membership | None) -> None:
    if manager is None:
        return
    if manager.organization_id != member.organization_id:
        raise ApplicationError("The manager must belong to the same organization.",
                               field_errors={"manager": ["Choose someone from this organization."]})
    if manager.pk == member.pk:
        raise ApplicationError("Nobody can be their own manager.",
                               field_errors={"manager": ["Nobody can be their own manager."]})
    seen, cursor = {member.pk}, manager
    while cursor is not None:
        if cursor.pk in seen:
            raise ApplicationError("That would make a reporting loop.",
                                   field_errors={"manager": ["That would make a reporting loop."]})
        seen.add(cursor.pk)
        cursor = cursor.manager
    rights.check_can_be_manager(manager)


def _check_may_lose_manager_role(membership: Membership) -> None:
    """Only managers manage: someone who still has direct reports (or, say, open tours) keeps the role."""
    reports = direct_reports_of(membership).count()
    refusals = [f"{membership.user.full_name} still has {reports} direct report{'s' if reports != 1 else ''}; "
                "give them a new manager first."] if reports else []
    refusals += manager_role_refusals(membership)
    if refusals:
        raise ApplicationError(refusals[0], field_errors={"role": refusals})


def check_employment_start(started_on: date | None, *, field: str = "employment_started_on") -> date:
    """A start of employment is a real day: not before 1950, and at most a year ahead (a signed hire)."""
    if started_on is None:
        raise ApplicationError("Give the day their employment started.",
                               field_errors={field: ["Give the day their employment started."]})
    latest = timezone.localdate() + timedelta(days=EMPLOYMENT_START_MAX_DAYS_AHEAD)
    if started_on > latest:
        message = f"A start date can be at most {EMPLOYMENT_START_MAX_DAYS_AHEAD} days ahead."
        raise ApplicationError(message, field_errors={field: [message]})
    if started_on.year < EMPLOYMENT_START_EARLIEST_YEAR:
        message = f"A start date cannot be before {EMPLOYMENT_START_EARLIEST_YEAR}."
        raise ApplicationError(message, field_errors={field: [message]})
    return started_on


def _history_value(membership: Membership, name: str) -> str:
    if name == "manager":
        manager = membership.manager
        return f"{manager.user.full_name} <{manager.user.email}>" if manager else ""
    value = getattr(membership, name)
    return value.isoformat() if isinstance(value, date) else str(value)


def membership_history_record(
    *, membership: Membership, by: Membership | None, before: dict[str, str], source: str,
) -> list[MembershipChange]:
    """One history row per field whose value (as ``_history_value`` writes it) differs from ``before``."""
    rows = []
    for name, old in before.items():
        new = _history_value(membership, name)
        if new != old:
            rows.append(MembershipChange(organization_id=membership.organization_id, membership=membership,
                                         by=by, field=name, old_value=old[:MEMBER_CHANGE_VALUE_MAX],
                                         new_value=new[:MEMBER_CHANGE_VALUE_MAX], source=source))
    return MembershipChange.objects.bulk_create(rows)


HISTORY_FIELDS = ("role", "manager", "title", "team", "employment_started_on")


@transaction.atomic
def membership_update(
    *, membership: Membership, by: Membership, role: str, manager: Membership | None,
    title: str, team: str, employment_started_on: date | None = None,
    source: str = MembershipChange.Source.MEMBER_PAGE,
) -> Membership:
    """HR/admin change a member's role, manager, title, team and (when given) start of employment.
    Every change is kept in the member's history."""
    require_role(by, hr=True)
    rights.check_can_change_member(by, membership)
    if role == Membership.Role.ADMIN and not by.is_admin:
        raise ApplicationError("Only an administrator can make someone an administrator.",
                               field_errors={"role": ["Only an administrator can grant this role."]})
    if role != Membership.Role.ADMIN:
        rights.check_keeps_an_administrator(membership)
    _check_manager(membership, manager)
    if membership.role in rights.MANAGER_ROLES and role not in rights.MANAGER_ROLES:
        _check_may_lose_manager_role(membership)
    if employment_started_on is not None and employment_started_on != membership.employment_started_on:
        check_employment_start(employment_started_on)
    membership_write(membership=membership, by=by, role=role, manager=manager, title=title, team=team,
                     employment_started_on=employment_started_on or membership.employment_started_on, source=source)
    return membership


def membership_write(
    *, membership: Membership, by: Membership | None, role: str, manager: Membership | None, title: str,
    team: str, employment_started_on: date, source: str,
) -> list[MembershipChange]:
    """Save checked changes to a member (the caller checked the rules: ``membership_update`` one member,
    the people import a whole file), keep each change in their history, and tell the listeners of a
    manager change (their open tours follow it)."""
    before = {name: _history_value(membership, name) for name in HISTORY_FIELDS}
    previous_manager_id = membership.manager_id
    membership.role, membership.manager, membership.title, membership.team = role, manager, title, team
    membership.employment_started_on = employment_started_on
    full_clean_or_raise(membership)
    membership.save(update_fields=["role", "manager", "title", "team", "employment_started_on", "updated_at"])
    changes = membership_history_record(membership=membership, by=by, before=before, source=source)
    if previous_manager_id != membership.manager_id:
        from alliance.signals import manager_changed

        manager_changed.send(
            sender=Membership, membership=membership, previous_manager_id=previous_manager_id, by=by
        )
    if changes:
        webhook_event_emit("member.updated", membership)
    return changes


@transaction.atomic
def membership_employment_start_set(
    *, membership: Membership, by: Membership, started_on: date | None,
    source: str = MembershipChange.Source.API,
) -> Membership:
    """HR/admin correct the day a member's employment started (kept in their history)."""
    require_role(by, hr=True)
    rights.check_can_change_member(by, membership)
    check_employment_start(started_on)
    if started_on == membership.employment_started_on:
        return membership
    before = {"employment_started_on": _history_value(membership, "employment_started_on")}
    membership.employment_started_on = started_on
    membership.save(update_fields=["employment_started_on", "updated_at"])
    membership_history_record(membership=membership, by=by, before=before, source=source)
    webhook_event_emit("member.updated", membership)
    return membership


@transaction.atomic
def membership_leadership_set(*, membership: Membership, by: Membership, leadership: bool) -> Membership:
    """An administrator lets a leader who is not HR read the organization's alliance health page (or
    takes it back); kept in the member's history."""
    if not rights.can_grant_leadership(by) or by.organization_id != membership.organization_id:
        raise NotAllowed("Only an administrator can grant the leadership view.")
    if membership.leadership == leadership:
        return membership
    membership.leadership = leadership
    membership.save(update_fields=["leadership", "updated_at"])
    MembershipChange.objects.create(organization_id=membership.organization_id, membership=membership, by=by,
                                    field=MembershipChange.Field.LEADERSHIP, old_value="no" if leadership else "yes",
                                    new_value="yes" if leadership else "no")
    return membership


@transaction.atomic
def profile_update(
    *, membership: Membership, full_name: str, time_zone: str, aspirations: str, values: str,
) -> Membership:
    """A person edits their own profile (alignment step 2 of the book)."""
    user = membership.user
    user.full_name, user.time_zone = full_name.strip(), time_zone
    membership.aspirations, membership.values = aspirations, values
    try:
        user.full_clean(exclude=["password"])
        membership.full_clean()
    except ValidationError as error:
        raise _validation_to_application_error(error) from error
    user.save(update_fields=["full_name", "time_zone"])
    membership.save(update_fields=["aspirations", "values", "updated_at"])
    person_sort_name_refresh(users=[user])
    return membership


# --- Leaving an organization ---------------------------------------------------------

def email_in_use(email: str, *, except_user: User | None = None) -> bool:
    """Whether another person signs in with ``email`` (as their address or an alias)."""
    email = (email or "").strip().lower()
    users = User.objects.filter(email=email)
    aliases = UserEmailAlias.objects.filter(email=email)
    if except_user is not None:
        users, aliases = users.exclude(pk=except_user.pk), aliases.exclude(user=except_user)
    return users.exists() or aliases.exists()


@transaction.atomic
def user_email_change_keeping_alias(*, user: User, new_email: str) -> User:
    """Make ``new_email`` the person's sign-in address; the old one stays as an alias."""
    new_email = (new_email or "").strip().lower()
    if not new_email or new_email == user.email:
        return user
    if email_in_use(new_email, except_user=user):
        raise ApplicationError(f"{new_email} belongs to another account.",
                               field_errors={"email": ["This address belongs to another account."]})
    old_email = user.email
    UserEmailAlias.objects.filter(user=user, email=new_email).delete()
    user.email = new_email
    full_clean_or_raise(user, exclude=["password"])
    user.save(update_fields=["email"])
    UserEmailAlias.objects.get_or_create(email=old_email, defaults={"user": user})
    person_sort_name_refresh(users=[user])  # the key of a person without a name is their address
    return user


@transaction.atomic
def membership_leave(*, membership: Membership, status: str) -> Membership:
    """The member leaves: they become an alumnus (or a former member) and lose every right of a
    member of the organization. Their API tokens are revoked; nothing else of theirs is deleted."""
    if status not in (Membership.Status.ALUMNUS, Membership.Status.FORMER):
        raise ApplicationError("A member leaves as an alumnus or a former member.")
    now = timezone.now()
    ApiToken.objects.for_org(membership.organization_id).filter(
        membership=membership, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    membership.status = status
    membership.save(update_fields=["status", "updated_at"])
    return membership


# --- Invitations ---------------------------------------------------------------

@transaction.atomic
def invitation_create(
    *, by: Membership, email: str, role: str, title: str = "", team: str = "",
    manager: Membership | None = None, employment_started_on: date | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time link."""
    require_role(by, hr=True)
    email = (email or "").strip().lower()
    if role == Membership.Role.ADMIN and not by.is_admin:
        raise ApplicationError("Only an administrator can invite an administrator.",
                               field_errors={"role": ["Only an administrator can grant this role."]})
    existing = Membership.objects.for_org(by.organization_id).filter(user__email__iexact=email).select_related(
        "user").first()
    # An imported person is a member who has never signed in: their invitation lets them set a password.
    if existing is not None and not awaiting_first_sign_in(existing):
        raise ApplicationError(f"{email} is already a member.", field_errors={"email": ["Already a member."]})
    if manager is not None and manager.organization_id != by.organization_id:
        raise ApplicationError("Choose a manager from this organization.")
    # A new invitation replaces any open one for the same address; sent again without a title, team or
    # manager, it keeps the ones the open invitation had (re-sending never blanks them).
    open_ones = Invitation.objects.for_org(by.organization_id).filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True)
    previous = open_ones.select_related("manager").order_by("-created_at").first()
    if previous is not None:
        title = (title or "").strip() or previous.title
        team = (team or "").strip() or previous.team
        if manager is None and previous.manager is not None and rights.can_be_manager(previous.manager):
            manager = previous.manager
        employment_started_on = employment_started_on or previous.employment_started_on
    rights.check_can_be_manager(manager)
    if employment_started_on is not None:
        check_employment_start(employment_started_on)
    open_ones.update(revoked_at=timezone.now())
    token, digest = token_make(kind=INVITATION_TOKEN_KIND, organization_id=by.organization_id)
    invitation = Invitation(
        organization_id=by.organization_id, email=email, role=role, title=title, team=team,
        manager=manager, invited_by=by, token_hash=digest, employment_started_on=employment_started_on,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    full_clean_or_raise(invitation, exclude=["organization"])
    invitation.save()
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token])
    organization = by.organization
    context = {"invitation": invitation, "link": link, "organization": organization, "by": by}
    email_send(kind="invitation", to=email, subject=f"You are invited to join {organization.name} on Alliance",
               text=render_to_string("alliance/email/invitation.txt", context),
               html=render_to_string("alliance/email/invitation.html", context))
    return invitation, link


def awaiting_first_sign_in(membership: Membership) -> bool:
    """An active member added by an import who has no password yet (nor signed in any other way)."""
    user = membership.user
    return membership.is_active and not user.has_usable_password() and user.last_login is None


@transaction.atomic
def membership_invite(*, membership: Membership, by: Membership) -> Invitation:
    """Invite a member added by an import who has not signed in yet (HR's choice, from their page)."""
    require_role(by, hr=True)
    if not awaiting_first_sign_in(membership):
        raise ApplicationError(f"{membership.user.full_name} can already sign in.")
    invitation, _link = invitation_create(
        by=by, email=membership.user.email, role=membership.role, title=membership.title, team=membership.team,
        manager=membership.manager, employment_started_on=membership.employment_started_on)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Membership) -> Invitation:
    require_role(by, hr=True)
    if invitation.state != "open":
        raise ApplicationError(f"This invitation is already {invitation.state}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def invitation_lookup(token: str) -> Invitation | None:
    """Find an open invitation by its link; sets the request's tenant when found."""
    parsed = token_parse(token, kind=INVITATION_TOKEN_KIND)
    if parsed is None or not Organization.objects.filter(pk=parsed.organization_id).exists():
        return None
    tenancy.set_tenant(parsed.organization_id)
    invitation = (
        Invitation.objects.for_org(parsed.organization_id)
        .select_related("organization", "invited_by__user")
        .filter(token_hash=parsed.digest)
        .first()
    )
    if invitation is None or invitation.state != "open":
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = "",
) -> Membership:
    """Join the organization: an existing (signed-in) user, or a new one with a password."""
    claimed = (
        Invitation.objects.for_org(invitation.organization_id)
        .filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True,
                expires_at__gt=timezone.now())
        .update(accepted_at=timezone.now())
    )
    if claimed != 1:  # used already (perhaps a moment ago in another tab), revoked or expired
        raise ApplicationError("This invitation link has expired or was already used.")
    imported = (Membership.objects.for_org(invitation.organization_id).select_related("user")
                .filter(user__email__iexact=invitation.email).first())
    if imported is not None and awaiting_first_sign_in(imported) and (user is None or user.pk == imported.user_id):
        # Imported from a spreadsheet: the link proves the address; they choose their password now.
        account = imported.user
        account.full_name = full_name.strip() or account.full_name
        full_clean_or_raise(account, exclude=["password"])
        try:
            validate_password(password, account)
        except ValidationError as error:
            raise ApplicationError(error.messages[0], field_errors={"password1": error.messages}) from error
        account.set_password(password)
        account.save(update_fields=["full_name", "password"])
        person_sort_name_refresh(users=[account])
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=account)
        return imported
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ApplicationError("An account with this e-mail exists: sign in first, then open the link again.")
        user = User(email=invitation.email, full_name=full_name.strip())
        full_clean_or_raise(user, exclude=["password"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ApplicationError(error.messages[0], field_errors={"password1": error.messages}) from error
        user.set_password(password)
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organization_id=invitation.organization_id, user=user, role=invitation.role,
                title=invitation.title, team=invitation.team, manager=invitation.manager,
                employment_started_on=invitation.employment_started_on or timezone.localdate(),
                sort_name=person_sort_name(user.full_name, user.email),
            )
    except IntegrityError as error:
        raise ApplicationError("You are already a member of this organization.") from error
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    manager = invitation.manager
    if manager is not None and manager.is_active:
        organization = invitation.organization
        tell(recipient=manager, kind=TEAM_JOINED, title=f"{user.full_name or user.email} joined your team",
             body=f"{user.full_name or user.email} accepted the invitation to {organization.name}"
                  f"{f' as {invitation.title}' if invitation.title else ''} and reports to you now.",
             url=reverse("dashboard", args=[organization.slug]))
    webhook_event_emit("member.created", membership)
    return membership


# --- API tokens ----------------------------------------------------------------

@transaction.atomic
def api_token_create(*, by: Membership, name: str) -> tuple[ApiToken, str]:
    """Create a token acting with ``by``'s rights; the plaintext is returned once."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the token a name.", field_errors={"name": ["Give the token a name."]})
    token, digest = token_make(kind=API_TOKEN_KIND, organization_id=by.organization_id)
    api_token = ApiToken(
        organization_id=by.organization_id, membership=by, name=name[:100],
        prefix=token_prefix(token), token_hash=digest,
    )
    full_clean_or_raise(api_token, exclude=["organization", "membership"])
    api_token.save()
    return api_token, token


@transaction.atomic
def api_token_revoke(*, api_token: ApiToken, by: Membership) -> ApiToken:
    if api_token.membership_id != by.pk and not by.is_admin:
        raise ApplicationError("You can revoke only your own tokens.")
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at", "updated_at"])
    return api_token


def secret_credential_authenticate(
    model, token: str, *, kind: str, related: tuple[str, ...], touch_every: timedelta
):
    """Resolve a secret token that names its organization (API token, calendar feed).

    Enters the organization the token names (so the lookup itself runs under row-level
    security), finds the live row by the token's digest, requires an active member
    behind it, and records its last use at most every ``touch_every``.
    """
    parsed = token_parse(token, kind=kind)
    if parsed is None:
        return None
    credential = live_credential(model, organization_id=parsed.organization_id, digest=parsed.digest,
                                 related=("organization", "membership__user", *related))
    if credential is None or not credential.membership.is_active or not credential.membership.user.is_active:
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > touch_every:
        model.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


def api_token_authenticate(token: str) -> ApiToken | None:
    """Resolve a bearer token; sets the transaction's tenant when it is valid.

    Loads the token, its organization, membership and user: what every API request reads. The
    member's own manager is read by the few services that need it, when they do: joining it here
    made every request's lookup a five-table join whose planning alone cost about as much as the
    rest of the lookup (README "API lists")."""
    return secret_credential_authenticate(
        ApiToken, token, kind=API_TOKEN_KIND, related=(), touch_every=timedelta(minutes=1)
    )
