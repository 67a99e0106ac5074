from __future__ import annotations

from rest_framework.permissions import BasePermission


class IsOrganizationMember(BasePermission):
    """An API request must come with a token of an active membership."""

    message = "Authentication credentials were not provided."

    def has_permission(self, request, view) -> bool:
        member = getattr(request, "member", None)
        return member is not None and member.is_active


class IsOrganizationHR(IsOrganizationMember):
    message = "Only HR or an administrator can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.member.is_hr


class IsOrganizationAdmin(IsOrganizationMember):
    message = "Only an administrator can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.member.is_admin
