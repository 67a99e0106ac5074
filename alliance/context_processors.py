from __future__ import annotations

from django.http import HttpRequest

from alliance.notifications import unread_count
from alliance.selectors import organizations_of_user


def tenancy(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = getattr(request, "member", None)
    return {
        "unread_notifications": (lambda: unread_count(member=member)) if member is not None else 0,
        "org": getattr(request, "org", None),
        "member": getattr(request, "member", None),
        "my_memberships": organizations_of_user(user),
    }
