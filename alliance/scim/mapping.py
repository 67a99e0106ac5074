"""Members as SCIM Users and back: which field of Alliance each SCIM attribute is.

| SCIM | Alliance |
|---|---|
| ``id`` | the membership's id |
| ``userName`` | the identity provider's name for them (kept by SCIM; their e-mail when it never said) |
| ``externalId`` | kept by SCIM |
| ``displayName`` (else ``name.givenName`` + ``name.familyName``) | the person's full name |
| ``name`` | kept by SCIM as sent (Alliance keeps one full name) |
| ``emails`` (the primary one, else the first) | the address they sign in with |
| ``title`` | title |
| ``active`` | active (true) or suspended (false) |
| enterprise ``department`` | team |
| enterprise ``manager.value`` (or ``$ref``) | the manager's membership id (an employee named as someone's
  manager gets the manager role) |
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from scim2_models import Meta
from scim2_models.path.expressions import AttrPath, CompareOperator, Comparison, FilterNode, LogicalExpr

from alliance.errors import ApplicationError
from alliance.models import Membership, ScimUser
from alliance.scim.resources import Email, EnterpriseUser, Manager, Name, User
from alliance.services.scim import ScimPerson, scim_members


class UnsupportedFilter(Exception):
    """A filter Alliance cannot run in the database (SCIM answers 400 ``invalidFilter``)."""


def _split(full_name: str) -> tuple[str, str]:
    given, _space, family = full_name.strip().rpartition(" ")
    return (given, family) if given else (family, "")


def _name(membership: Membership, scim_user: ScimUser | None) -> Name | None:
    if scim_user is not None:  # as the identity provider sent it (none, or removed: no name parts)
        if not (scim_user.given_name or scim_user.family_name):
            return None
        return Name(given_name=scim_user.given_name or None, family_name=scim_user.family_name or None)
    if not membership.user.full_name.strip():
        return None
    given, family = _split(membership.user.full_name)
    return Name(given_name=given or None, family_name=family or None)


def to_user(membership: Membership, scim_user: ScimUser | None, manager: Membership | None, base: str) -> User:
    """The SCIM User of a member (``base`` ends in ``/scim/v2/``)."""
    person = membership.user
    if scim_user is not None:  # as the identity provider sent it
        email = Email(value=person.email, type=scim_user.email_type or None, primary=scim_user.email_primary)
    else:
        email = Email(value=person.email, type="work", primary=True)
    user = User(
        id=str(membership.pk),
        external_id=(scim_user.external_id or None) if scim_user is not None else None,
        user_name=scim_user.user_name if scim_user is not None else person.email,
        name=_name(membership, scim_user),
        display_name=person.full_name or None,
        title=membership.title or None,
        active=membership.status == Membership.Status.ACTIVE,
        emails=[email],
        meta=Meta(resource_type="User", created=membership.created_at, last_modified=membership.updated_at,
                  location=f"{base}Users/{membership.pk}"),
    )
    if membership.team or manager is not None:
        user[EnterpriseUser] = EnterpriseUser(
            department=membership.team or None,
            manager=Manager(value=str(manager.pk), ref=f"{base}Users/{manager.pk}") if manager is not None else None)
    return user


def to_users(memberships: list[Membership], base: str) -> list[User]:
    """Users of a page of members: their SCIM rows and managers in one query each."""
    organization_ids = {member.organization_id for member in memberships}
    if not memberships:
        return []
    organization_id = organization_ids.pop()
    ids = [member.pk for member in memberships]
    scim_users = {row.membership_id: row for row in ScimUser.objects.for_org(organization_id).filter(
        membership_id__in=ids)}
    manager_ids = {member.manager_id for member in memberships if member.manager_id}
    managers = {row.pk: row for row in scim_members(organization_id).filter(pk__in=manager_ids)
                .select_related("user")} if manager_ids else {}
    return [to_user(member, scim_users.get(member.pk), managers.get(member.manager_id), base)
            for member in memberships]


def _manager_from(value: str | None, organization_id: int) -> Membership | None:
    if not value:
        return None
    manager = None
    if value.isascii() and value.isdigit() and len(value) < 19:
        manager = scim_members(organization_id).select_related("user").filter(pk=int(value)).first()
    if manager is None:
        raise ApplicationError(f"No user with the id “{value[:40]}” to be the manager.",
                               field_errors={"manager": ["No such user."]})
    return manager


def to_person(user: User, organization_id: int, *, full_name: str = "") -> ScimPerson:
    """What a User asks of Alliance; ``full_name`` is kept when the User gives no name parts."""
    emails = user.emails or []
    email = next((entry for entry in emails if entry.primary), emails[0] if emails else None)
    address = (email.value if email is not None else None) or ""
    user_name = (user.user_name or "").strip()
    if not address and "@" in user_name:
        address = user_name
    given = (user.name.given_name or "").strip() if user.name else ""
    family = (user.name.family_name or "").strip() if user.name else ""
    extension = user[EnterpriseUser] if EnterpriseUser in type(user).get_extension_models().values() else None
    manager_value = None
    if extension is not None and extension.manager is not None:
        manager_value = extension.manager.value or (str(extension.manager.ref).rstrip("/").rsplit("/", 1)[-1]
                                                    if extension.manager.ref else None)
    return ScimPerson(
        user_name=user_name, email=address,
        full_name=(user.display_name or "").strip() or " ".join(part for part in (given, family) if part) or full_name,
        given_name=given, family_name=family, external_id=(user.external_id or "").strip(),
        email_type=(email.type or "") if email is not None else "",
        email_primary=email.primary if email is not None else None,
        title=(user.title or "").strip(), team=((extension.department if extension else None) or "").strip(),
        manager=_manager_from(manager_value, organization_id),
        active=user.active is not False,
    )


# --- Filters --------------------------------------------------------------------------------------------

def _comparison(node: Comparison, organization_id: int) -> Q:
    attr: AttrPath = node.attr_path
    name = (attr.attr or "").lower()
    sub = (attr.sub_attr or "").lower()
    if node.op != CompareOperator.eq:
        raise UnsupportedFilter("Alliance filters users with eq only.")
    value = node.value
    if name == "username" and not sub and isinstance(value, str):
        named = ScimUser.objects.for_org(organization_id).filter(user_name__iexact=value).values("membership_id")
        unnamed = ScimUser.objects.for_org(organization_id).values("membership_id")
        return Q(pk__in=named) | (Q(user__email__iexact=value) & ~Q(pk__in=unnamed))
    if name == "externalid" and not sub and isinstance(value, str):
        return Q(pk__in=ScimUser.objects.for_org(organization_id).filter(external_id=value).values("membership_id"))
    if name == "emails" and sub in ("", "value") and isinstance(value, str):
        return Q(user__email__iexact=value)
    if name == "id" and isinstance(value, str):
        return Q(pk=int(value)) if value.isascii() and value.isdigit() and len(value) < 19 else Q(pk__in=[])
    if name == "active" and isinstance(value, bool):
        status = Membership.Status.ACTIVE if value else Membership.Status.SUSPENDED
        return Q(status=status)
    raise UnsupportedFilter("Alliance filters users by userName, externalId, emails, id and active (eq), "
                            "combined with and/or.")


def filter_q(node: FilterNode, organization_id: int) -> Q:
    if isinstance(node, Comparison):
        return _comparison(node, organization_id)
    if isinstance(node, LogicalExpr):
        parts = [filter_q(term, organization_id) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if node.op.value == "and" else (combined | part)
        return combined
    raise UnsupportedFilter("Alliance filters users by userName, externalId, emails, id and active (eq), "
                            "combined with and/or.")


def filtered(members: QuerySet[Membership], node: FilterNode | None, organization_id: int) -> QuerySet[Membership]:
    return members if node is None else members.filter(filter_q(node, organization_id))
