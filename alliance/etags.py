"""Stale writes are refused: editable API resources carry an ``ETag`` and honour ``If-Match``.

``VersionedResourceMixin`` on a detail API view (before ``APIView``):

* a ``200`` answer to ``GET``, ``PATCH`` or ``PUT`` carries ``ETag``: a digest of the representation
  the caller gets. It changes whenever anything the caller sees changes, a related row included
  (a checkpoint's agenda, an expense's receipts), which a row's ``updated_at`` alone would miss;
* ``PATCH``, ``PUT`` or ``DELETE`` with ``If-Match`` naming another version answers ``412`` with the
  current representation (``{"detail": ..., "current": {...}}``) and its ``ETag``, and changes
  nothing; ``If-Match: *`` or no ``If-Match`` writes as before;
* the check and the write run under a lock on the resource (a transaction-level advisory lock
  on its path), so two writers holding the same version cannot both pass the check.

The view's ``GET`` gives the current representation; a view without one overrides
``current_representation``.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import orjson
from django.db import connection
from rest_framework import exceptions
from rest_framework.response import Response

VERSIONED_WRITES = frozenset({"PATCH", "PUT", "DELETE"})
STALE = ("This object was changed since the version named in `If-Match`: nothing was changed. `current` is "
         "its version now (its `ETag` is in the header); apply your change to it and send it again.")


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = STALE

    def __init__(self, current: object, etag: str) -> None:
        super().__init__(STALE)
        self.current = current
        self.etag = etag


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def etag_of(data: object) -> str:
    """A strong ETag of a representation: the same data, the same tag, whatever the rendering."""
    encoded = orjson.dumps(data, default=_default,
                           option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)
    return f'"{hashlib.sha256(encoded).hexdigest()[:32]}"'


def _named_versions(header: str) -> set[str]:
    """The entity tags an ``If-Match`` names (a weak tag ``W/"…"`` never matches a strong one)."""
    return {tag.strip() for tag in header.split(",") if tag.strip()}


class VersionedResourceMixin:
    def current_representation(self, request, *args, **kwargs) -> Response:
        return self.get(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in VERSIONED_WRITES:
            return
        with connection.cursor() as cursor:  # until the request's transaction ends
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"etag:{request.path}"])
        header = request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return
        current = self.current_representation(request, *args, **kwargs)
        etag = etag_of(current.data)
        if etag not in _named_versions(header):
            raise PreconditionFailed(current.data, etag)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (request.method in {"GET", "PATCH", "PUT"} and response.status_code == 200
                and isinstance(response, Response) and response.data is not None):
            response["ETag"] = etag_of(response.data)
        return response
