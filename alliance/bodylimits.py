"""Request bodies refused before they are read.

Django reads a multipart body the first time anything asks for ``request.POST`` — CSRF protection does,
before any view checks who is asking — and spools its files to a temporary directory. So a body that is
too large, of unknown length, or sent with files by nobody who is signed in is answered here, from the
headers alone, and never read: ``MAX_REQUEST_BYTES`` bounds every request's body (all the files of one
upload together), and only a signed-in browser session or a valid API token may send files. Without one,
a multipart body (a browser may send any form so, sign-in included) is taken only up to
``ANONYMOUS_MULTIPART_BYTES``: small enough for a form, too small to be spooled to disk.

A reverse proxy in front of the web processes should refuse the same size first (e.g. nginx's
``client_max_body_size``); this is the bound when there is none.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.authentication import get_authorization_header

from alliance.services import api_token_authenticate

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
ANONYMOUS_MULTIPART_BYTES = 256 * 1024


def _content_length(request: HttpRequest) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


def _api_caller_known(request: HttpRequest) -> bool:
    keyword, _, token = get_authorization_header(request).decode("latin-1").partition(" ")
    return keyword == "Bearer" and bool(token.strip()) and api_token_authenticate(token.strip()) is not None


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Placed after the session middleware and before anything that reads ``request.POST``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refusal(request)
        return refused if refused is not None else self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        if request.method not in BODY_METHODS:
            return None
        limit = settings.MAX_REQUEST_BYTES
        length = _content_length(request)
        multipart = request.content_type == "multipart/form-data"
        if length is not None and length > limit:
            return _refuse(request, 413, f"The request is larger than {limit // (1024 * 1024)} MB, the most "
                                         "this site accepts at once. Send fewer or smaller files.")
        if not multipart:
            return None
        if length is None:
            return _refuse(request, 411, "Send files with a Content-Length.")
        if length <= ANONYMOUS_MULTIPART_BYTES:
            return None
        if request.path_info.startswith("/api/"):
            if not _api_caller_known(request):
                return _refuse(request, 401, "Send a valid API token with `Authorization: Bearer <token>` "
                                             "to upload files.")
            return None
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return redirect_to_login(request.get_full_path())
        return None
