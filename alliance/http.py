"""Typed requests (the healthchecks ``AuthenticatedHttpRequest`` pattern)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
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


def client_ip(request: HttpRequest) -> str:
    """The address of the person making the request, as far as we can trust it.

    With ``TRUSTED_PROXY_COUNT`` = N reverse proxies in front of the app, each appending the address
    it saw to ``X-Forwarded-For``, the client is the N-th address from the right: whatever a client
    writes into the header itself stands further left and is ignored. With no proxy (N = 0), or no
    header, it is ``REMOTE_ADDR``. The same rule as DRF's ``NUM_PROXIES``, which API throttling uses.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")
