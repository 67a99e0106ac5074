"""Who may do what in the core: one function per rule, used by services (which refuse on
their own), and by views, APIs and templates only to hide what a person may not use."""

from __future__ import annotations

from alliance.errors import ApplicationError
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
