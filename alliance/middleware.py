"""The project's middleware: the request's transaction, browser-only session work, the API's
Content-Security-Policy, error answers, the user's time zone and the tenant of ``/o/<slug>/``."""

from __future__ import annotations

import logging
import zoneinfo

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from alliance import tenancy, views
from alliance.http import DATABASE_UNAVAILABLE, api_error
from alliance.models import Membership, Organization
from alliance.registry import alumni_home, open_to_alumni

logger = logging.getLogger(__name__)
NUL_IN_QUERY = "The address contains a NUL character, which no parameter can hold."


class RejectNulCharactersMiddleware:
    """A query parameter with a NUL character is a 400, for every page and API.

    PostgreSQL text cannot hold NUL, so such a value (``?q=%00``) would otherwise reach a query
    and fail there. Form and JSON fields refuse NUL in their own validation (Django's and DRF's
    character fields); the query string is read by views and filters directly, so it is checked
    once here, before anything else runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The raw query string is percent-encoded (``%00``): the decoded parameters are what reach queries.
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": NUL_IN_QUERY}, status=400)
            return HttpResponseBadRequest(NUL_IN_QUERY, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestTransactionMiddleware:
    """One transaction per request, opened before any query.

    Row-level security reads transaction-local settings, so the request's tenant
    must be set inside the same transaction as every query it makes. A response of
    500 or more rolls the transaction back, like ATOMIC_REQUESTS would. A database that cannot be
    reached (opening the transaction, or ending it) answers 503: JSON on the API, the 503 page in
    the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.org = None
        request.member = None
        # /healthz must answer 503 (not fail) while the database is down.
        if request.path_info.startswith("/static/") or request.path_info == "/healthz":
            return self.get_response(request)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
        except DATABASE_UNAVAILABLE:
            logger.exception("The database is unavailable: %s %s answers 503.", request.method, request.path)
            return views.service_unavailable(request)
        return response


API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


# API requests authenticate with a bearer token (DRF sets ``request.user`` from it) and
# render JSON: they need no session, no session user and no flash messages. These
# three skip that work on /api/ and do exactly what Django's own do everywhere else.


class BrowserSessionMiddleware(SessionMiddleware):
    def process_request(self, request):
        if not is_api_request(request):
            super().process_request(request)

    def process_response(self, request, response):
        if is_api_request(request):
            return response
        return super().process_response(request, response)


class BrowserAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request):
        if is_api_request(request):
            request.user = AnonymousUser()  # until DRF's token authentication names the caller
            return
        super().process_request(request)


class BrowserMessageMiddleware(MessageMiddleware):
    def process_request(self, request):
        if not is_api_request(request):
            super().process_request(request)

    def process_response(self, request, response):
        if is_api_request(request):
            return response
        return super().process_response(request, response)


# A JSON answer of the API is no document: nothing in it may load, run or be framed. The policy
# GitHub's API sends, written once instead of built per response.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every page, and on the API's JSON
    answers the fixed ``API_CONTENT_SECURITY_POLICY``: building the page policy cost an API list
    request about as much as rendering its JSON. The API's HTML (its documentation) keeps the page
    policy."""

    def process_response(self, request, response):
        if (is_api_request(request) and CSP_HEADER not in response
                and response.get("Content-Type", "").startswith("application/json")):
            response[CSP_HEADER] = API_CONTENT_SECURITY_POLICY
            return response
        return super().process_response(request, response)


# Django writes this into every technical error page (404 and 500, HTML and text), and only there.
TECHNICAL_PAGE_MARK = b"DEBUG = True"


def _is_technical_page(response: HttpResponse) -> bool:
    return not response.streaming and TECHNICAL_PAGE_MARK in response.content


class ErrorResponseMiddleware:
    """Errors answer as their audience reads them, whatever ``DEBUG`` is.

    Under ``/api/`` every error is JSON in the API's error shape (``{"detail": ...}``): a path no
    route matches (the URL resolver answers before DRF could), a server error, and Django's own
    refusals. In the browser, with ``DEBUG`` on (``make run``), Django's technical 404 and 500
    pages become the app's own 404.html / 500.html, unless the developer asked for the technical
    ones with ``DEBUG_PAGES=1``. Django has logged the error before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400:
            return response
        if is_api_request(request):
            if response.get("Content-Type", "").startswith("application/json"):
                return response
            return api_error(response.status_code)
        if settings.DEBUG and not settings.DEBUG_PAGES and _is_technical_page(response):
            if response.status_code == 404:
                return views.page_not_found(request)
            if response.status_code == 400:
                return views.bad_request(request)
            return views.server_error(request)
        return response


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


# An alumnus keeps their bell: the notifications pages stay open to them.
ALUMNI_BELL_VIEWS = frozenset({"notification_list", "notification_bell", "notification_read",
                               "notification_read_all", "notification_preferences"})


def page_of_form(path: str) -> str | None:
    """The nearest address above ``path`` that is a page (answers GET): /o/acme/exits/5/cancel/ →
    /o/acme/exits/5/. None when there is none below the organization's home."""
    parts = path.rstrip("/").split("/")
    while len(parts) > 3:  # "", "o", "<slug>", ...
        parts.pop()
        candidate = "/".join(parts) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate  # if it is a form-only address too, its GET comes back here and goes up again
    return None


class TenantMiddleware:
    """Resolves ``/o/<org_slug>/...`` to request.org and request.member.

    Anyone who is not an active member of that organization gets the same 404 as
    for an organization that does not exist, except that an alumnus reaches the
    routes an app opened to alumni (``registry.register_alumni_area``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 405 and request.method == "GET" and request.path.startswith("/o/")
                and not getattr(request, "htmx", False)):
            page = page_of_form(request.path)
            if page is not None:  # a form-only address opened by GET (a bookmark, a reload): its page
                return redirect(page)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if user.is_authenticated and transaction.get_connection().in_atomic_block:
            tenancy.set_current_user(user.pk)
        slug = view_kwargs.get("org_slug")
        if slug is None:
            return None
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise Http404("No such organization.")
        tenancy.set_tenant(organization.pk)
        member = (
            Membership.objects.filter(
                organization=organization, user=user,
                status__in=(Membership.Status.ACTIVE, Membership.Status.ALUMNUS),
            )
            .select_related("user", "manager__user")
            .first()
        )
        if member is not None and not member.is_active and request.resolver_match is not None \
                and request.resolver_match.view_name == "dashboard" and alumni_home() is not None:
            return redirect(alumni_home(), org_slug=slug)  # an alumnus opening /o/<slug>/ lands on their home
        if member is None or not (member.is_active or self._open_to_alumni(request)):
            raise Http404("No such organization.")
        member.organization = organization
        request.org = organization
        request.member = member
        return None

    @staticmethod
    def _open_to_alumni(request: HttpRequest) -> bool:
        match = request.resolver_match
        return match is not None and (open_to_alumni(match.view_name) or match.view_name in ALUMNI_BELL_VIEWS)
