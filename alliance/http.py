"""Typed requests (the healthchecks ``AuthenticatedHttpRequest`` pattern)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from alliance.models import Membership, Organization, User


class OrgRequest(HttpRequest):
    """A request under ``/o/<org_slug>/``: TenantMiddleware has resolved its organization and
    the caller's active membership (anyone else got a 404 before the view ran)."""

    user: User
    org: Organization
    member: Membership
    htmx: HtmxDetails
