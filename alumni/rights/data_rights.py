"""Who may erase whom: only the alumnus themself."""

from __future__ import annotations

from alliance.errors import NotAllowed
from alliance.models import Membership
from alumni.rights.network import is_alumnus


def can_erase(member: Membership, subject: Membership) -> bool:
    """An alumnus asks to be erased themselves; someone still working here leaves first."""
    return member.pk == subject.pk and is_alumnus(member)


def require_self_erasure(by: Membership, subject: Membership) -> None:
    if not can_erase(by, subject):
        if by.pk == subject.pk:
            raise NotAllowed("Erasure is for alumni: while you work here, HR keeps your employment record. "
                             "You can download your data at any time.")
        raise NotAllowed("Only the person themselves can ask to be erased.")
