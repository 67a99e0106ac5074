"""Typed requests (the healthchecks ``AuthenticatedHttpRequest`` pattern), the client's address, and
the API's answer to an error that never reached DRF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse

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


# The API's error body (``{"detail": ...}``, alliance/apis.py's exception handler) for an error Django
# answered before or after DRF: a path no route matches, a server error, a refusal of Django's own.
API_ERROR_DETAILS = {
    400: "Bad request.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    500: "Server error.",
    503: "The service is briefly unavailable; nothing was changed. Try again in a moment.",
}

# The database could not be reached, or dropped the connection (or refused a statement for the
# moment: a deadlock, a timeout): the request changed nothing and may be tried again. The API
# answers a JSON 503 with ``Retry-After``, the browser the app's 503 page.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def api_error(status: int) -> JsonResponse:
    detail = API_ERROR_DETAILS.get(status) or API_ERROR_DETAILS[500 if status >= 500 else 400]
    return JsonResponse({"detail": detail}, status=status)
