"""Who may do what in the core: one function per rule, used by services (which refuse on
their own), and by views, APIs and templates only to hide what a person may not use."""

from __future__ import annotations

from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership

MANAGER_ROLES = (Membership.Role.MANAGER, Membership.Role.HR, Membership.Role.ADMIN)


def can_see_member(viewer: Membership, subject: Membership) -> bool:
    """HR and admins see everyone; anyone else themselves and their direct reports."""
    return viewer.organization_id == subject.organization_id and (
        viewer.is_hr or subject.pk == viewer.pk or subject.manager_id == viewer.pk
    )


def can_be_manager(candidate: Membership) -> bool:
    """Only an active manager, HR person or admin can manage people (or a tour)."""
    return candidate.status == Membership.Status.ACTIVE and candidate.role in MANAGER_ROLES


def check_can_be_manager(candidate: Membership | None, *, field: str = "manager") -> None:
    if candidate is not None and not can_be_manager(candidate):
        message = "Only an active manager, HR person or admin can be a manager."
        raise ApplicationError(message, field_errors={field: [message]})


def can_manage_members(member: Membership) -> bool:
    return member.is_hr


def can_administer(member: Membership) -> bool:
    return member.is_admin


def can_change_member(by: Membership, subject: Membership) -> bool:
    """HR and admins change members; only an administrator changes an administrator (their role,
    manager, title or team) — HR can neither demote an administrator nor edit one."""
    if not by.is_hr or by.organization_id != subject.organization_id:
        return False
    return by.is_admin or subject.role != Membership.Role.ADMIN


def check_can_change_member(by: Membership, subject: Membership) -> None:
    if not can_change_member(by, subject):
        if by.is_hr:
            raise NotAllowed("Only an administrator can change an administrator.")
        raise NotAllowed("Only HR or an administrator can do this.")


def check_keeps_an_administrator(member: Membership) -> None:
    """Refuse a change that would leave ``member``'s organization without an active administrator.

    The other administrators are locked first (in a transaction), so two administrators demoting each
    other at once cannot both pass: the second waits for the first and then sees one fewer."""
    if member.role != Membership.Role.ADMIN or member.status != Membership.Status.ACTIVE:
        return
    others = list(
        Membership.objects.for_org(member.organization_id)
        .filter(role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE)
        .exclude(pk=member.pk).order_by("pk").select_for_update().values_list("pk", flat=True)
    )
    if not others:
        raise ApplicationError("The organization needs at least one administrator.",
                               field_errors={"role": ["Keep at least one administrator."]})


def can_see_organization_health(member: Membership) -> bool:
    """The organization's health page: HR, administrators, and the leaders an administrator granted it."""
    return member.is_hr or (member.is_active and member.leadership)


def can_see_team_health(member: Membership) -> bool:
    """A manager's own version of it, for the people below them."""
    return member.is_manager


def can_grant_leadership(member: Membership) -> bool:
    return member.is_admin
