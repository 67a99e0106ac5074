from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied


def hr_required(view):
    """HR or admin of request.org (TenantMiddleware has already checked membership)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.member.is_hr:
            raise PermissionDenied("Only HR and administrators can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.member.is_admin:
            raise PermissionDenied("Only administrators can open this page.")
        return view(request, *args, **kwargs)

    return wrapper
