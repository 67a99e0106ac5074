from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from alliance.history.context import note_api_caller
from alliance.services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; the token names its organization."""

    keyword = "Bearer"

    def authenticate(self, request):
        # Already done for this request by the Idempotency-Key middleware: the same answer, one lookup.
        stashed = getattr(request._request, "_idempotency_credentials", None)
        if stashed is not None:
            return stashed
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword != self.keyword or not token.strip() or " " in token.strip():
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`."
            )
        api_token = api_token_authenticate(token)
        if api_token is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        django_request = request._request
        django_request.org = api_token.organization
        django_request.member = api_token.membership
        api_token.membership.organization = api_token.organization
        note_api_caller(api_token)
        return api_token.membership.user, api_token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "alliance.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A per-organization API token."}


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins over the web. A password checked without a request
    (a management command, the shell) is not a sign-in attempt from anywhere: axes has nothing to
    count it against, so it is left to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
