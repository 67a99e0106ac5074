"""Retries that are safe: every API ``POST`` accepts an ``Idempotency-Key`` header (as Stripe's API does).

A client that did not see the answer (a timeout, a dropped connection, a 503) sends the same
request again with the same key. The first request's answer was stored in the same transaction as
its change (``IdempotentRequest``), so the retry gets that answer back, marked
``Idempotent-Replayed: true``, and nothing is done twice. The same key with another method, path or
body is a 422; a key is the token's own (another token's same key is another request). Keys are
kept at least ``IDEMPOTENCY_KEEP``.

Two requests with one key at once: the second one's ``INSERT … ON CONFLICT DO NOTHING`` waits on
the first one's row until that transaction ends, then finds its answer (or, if the first failed
and rolled back, does the work itself). What is stored is an answer the work gave: a 5xx rolls
the change back with the row, and a refusal before any work (401, 429) is not kept, so a retry
of those runs again.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from alliance import tenancy
from alliance.models import IDEMPOTENCY_KEY_MAX, ApiToken, IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEEP = timedelta(hours=25)  # "at least 24 hours", with an hour to spare for the sweep
# Printable ASCII without spaces at either end: what a header can carry unchanged.
KEY_PATTERN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
# Answers given before any work was done: not kept, a retry runs again.
NOT_KEPT = frozenset({401, 429})
KEPT_HEADERS = ("Content-Type", "Location", "ETag", "Retry-After")
CHUNK = 64 * 1024

BAD_KEY = f"`{HEADER}` must be 1–{IDEMPOTENCY_KEY_MAX} printable ASCII characters."
KEY_REUSED = (f"This `{HEADER}` was already used for another request (another method, path or body). "
              "Use a new key for a new request.")


def _stashed_credentials(request: HttpRequest):
    return getattr(request, "_idempotency_credentials", None)


def authenticated_token(request: HttpRequest) -> tuple | None:
    """The (user, token) the API's token authentication finds, kept on the request so DRF reuses it
    (``ApiTokenAuthentication``); None when the token is missing or wrong (DRF then answers 401)."""
    from alliance.authentication import ApiTokenAuthentication

    try:
        credentials = ApiTokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return None
    request._idempotency_credentials = credentials
    return credentials


def body_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the method, the path with its query, and the body, read once into a spooled file
    that then stands in for the request's stream. A multipart body's boundary is left out: a client
    draws a new one on each attempt of the same upload."""
    digest = hashlib.sha256(f"{request.method}\n{request.get_full_path()}\n".encode())
    boundary = _multipart_boundary(request)
    spooled = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    carry = b""
    while chunk := request.read(CHUNK):
        spooled.write(chunk)
        if boundary:
            data = (carry + chunk).replace(boundary, b"")
            keep = min(len(boundary) - 1, len(data))
            digest.update(data[: len(data) - keep])
            carry = data[len(data) - keep:]
        else:
            digest.update(chunk)
    digest.update(carry)
    spooled.seek(0)
    request._stream = spooled
    request._read_started = False
    return digest.hexdigest()


def _multipart_boundary(request: HttpRequest) -> bytes:
    if request.content_type != "multipart/form-data":
        return b""
    return (request.content_params.get("boundary") or "").encode("latin-1")


# Waits on a concurrent claim of the same key until its transaction ends; claims nothing if one stands.
CLAIM_SQL = (
    "INSERT INTO alliance_idempotentrequest "
    "(organization_id, token_id, key, fingerprint, headers, body, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, '{}', '', %s, %s) "
    "ON CONFLICT (organization_id, token_id, key) DO NOTHING RETURNING id"
)


def _begin(token: ApiToken, key: str, fingerprint: str) -> IdempotentRequest | None:
    """Claim the key (None: this request is the first), or the request that claimed it first."""
    while True:
        with connection.cursor() as cursor:
            now = timezone.now()
            cursor.execute(CLAIM_SQL, [token.organization_id, token.pk, key, fingerprint, now, now])
            if cursor.fetchone() is not None:
                return None
        first = IdempotentRequest.objects.filter(organization_id=token.organization_id, token=token, key=key).first()
        if first is not None:  # else pruned in between: claim it again
            return first


def _replay(first: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(first.body), status=first.status)
    for name, value in first.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _keep(token: ApiToken, key: str, response: HttpResponse) -> None:
    claimed = IdempotentRequest.objects.filter(organization_id=token.organization_id, token=token, key=key)
    if response.streaming or response.status_code in NOT_KEPT:
        claimed.delete()
        return
    claimed.update(status=response.status_code, body=response.content, updated_at=timezone.now(),
                   headers={name: response[name] for name in KEPT_HEADERS if name in response})


class IdempotencyMiddleware:
    """API ``POST``s with an ``Idempotency-Key``. Inside the request's transaction (the stored answer
    commits or rolls back with the change) and outside the error middleware (the answer kept is the
    one the client got)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path_info.startswith("/api/"):
            return self.get_response(request)
        if len(key) > IDEMPOTENCY_KEY_MAX or not KEY_PATTERN.fullmatch(key):
            return JsonResponse({"detail": BAD_KEY, "errors": {HEADER: [BAD_KEY]}}, status=400)
        credentials = authenticated_token(request)
        if credentials is None:
            return self.get_response(request)
        token = credentials[1]
        fingerprint = body_fingerprint(request)
        tenancy.set_tenant(token.organization_id)
        first = _begin(token, key, fingerprint)
        if first is not None:
            if first.fingerprint != fingerprint:
                return JsonResponse({"detail": KEY_REUSED, "errors": {HEADER: [KEY_REUSED]}}, status=422)
            return _replay(first)
        response = self.get_response(request)
        if response.status_code < 500:
            _keep(token, key, response)
        return response


def idempotent_requests_prune(*, now=None) -> int:
    """Remove the kept answers older than ``IDEMPOTENCY_KEEP``, in every organization (beat)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEEP
    with tenancy.cross_tenant(reason="remove expired idempotency keys"):
        deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
