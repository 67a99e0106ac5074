"""The OpenAPI schema tells every answer an operation really gives (a drf-spectacular postprocessing hook).

Every operation can answer 401 (no or a bad token), 403 (not allowed), 404 (not found or not
visible), 429 (throttled, with ``Retry-After``) and 503 (the database out of reach); a write, or one
with query parameters, also 400 with field errors; one with a body also 413 (too large) and 415 (not
JSON). Every POST documents ``Idempotency-Key``, its 422 and ``Idempotent-Replayed``
(alliance/idempotency.py); a versioned resource its ``ETag``, ``If-Match`` and 412 (alliance/etags.py).
All are JSON of the shapes below, as ``alliance.apis.exception_handler`` writes them.
"""

from __future__ import annotations

from drf_spectacular import openapi

from alliance.etags import VERSIONED_WRITES, VersionedResourceMixin

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

_COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": "What went wrong, in words for a person.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": "Bad input: `detail` sums it up, `errors` maps each field (or query parameter) to "
        "its messages; a field of a nested object or list maps to the same structure.",
        "properties": {
            "detail": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {}},
        },
        "required": ["detail"],
    },
}

_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before the next request.", "schema": {"type": "integer"}},
}


def _response(description: str, component: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _errors_for(operation: dict, method: str = "get") -> dict[str, dict]:
    has_body = "requestBody" in operation
    # A write without a body (an action such as "mark paid") can still be refused as bad input:
    # the object is not in a state that allows it, and nothing changes.
    has_input = (has_body or method != "get"
                 or any(p.get("in") == "query" for p in operation.get("parameters", [])))
    errors = {}
    if has_input:
        errors["400"] = _response("Bad input; nothing was changed.", VALIDATION_ERROR)
    if operation.get("security") != [] and operation.get("security") != [{}]:
        errors["401"] = _response("No token, or an unknown or revoked one.", ERROR)
    errors["403"] = _response("The token's member may not do this.", ERROR)
    errors["404"] = _response("No such object, or not one the token's member may see.", ERROR)
    if has_body:
        errors["413"] = _response("The body is larger than the API accepts.", ERROR)
        errors["415"] = _response("The body is not `application/json`.", ERROR)
    errors["503"] = _response("The service is briefly unavailable (its database); nothing was changed. Try "
                              "again after `Retry-After` seconds.", ERROR, headers=_RETRY_AFTER)
    errors["429"] = _response("Too many requests with this token; wait `Retry-After` seconds.", ERROR,
                              headers=_RETRY_AFTER)
    return errors


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key with the same request (method, path, body) within "
                   "24 hours returns the first answer, with `Idempotent-Replayed: true`, and does nothing "
                   "again; the same key with another request is a 422. Keys belong to the token. Up to 255 "
                   "printable ASCII characters; a random UUID per intended request is a good key.",
    "schema": {"type": "string", "maxLength": 255},
}
_REPLAYED = {
    "Idempotent-Replayed": {"description": "`true` when this is the kept answer to an earlier request with the "
                                           "same `Idempotency-Key`.", "schema": {"type": "boolean"}},
}


def _document_idempotency(operation: dict) -> None:
    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
    for code, response in operation.get("responses", {}).items():
        if code.startswith("2"):
            response.setdefault("headers", {}).update(_REPLAYED)
    operation["responses"]["422"] = _response(
        "This `Idempotency-Key` was used for another request; nothing was done.", VALIDATION_ERROR)


def _refuse_unknown_fields(schemas: dict) -> None:
    """Every write refuses a field it does not take (alliance.serializers.InputSerializer): each request
    body's object says ``additionalProperties: false``."""
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False


def document_error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _refuse_unknown_fields(schemas)
    schemas.update(_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            if method == "post":
                _document_idempotency(operation)
            responses = operation.setdefault("responses", {})
            for code, response in _errors_for(operation, method).items():
                existing = responses.get(code)
                if existing and "content" not in existing:  # a view's own words for it, given no shape
                    response = {**response, "description": existing["description"]}
                responses[code] = response
    return result


_ETAG = {"ETag": {"description": "The version of this representation; send it back in `If-Match` to write only "
                                 "if nobody changed the object meanwhile.", "schema": {"type": "string"}}}
IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the version this change was made to: if the object changed since, the "
                   "answer is 412 with its current version, and nothing changes. `*` or no header: write "
                   "whatever the version.",
    "schema": {"type": "string"},
}


def _document_versions(operation: dict, method: str) -> None:
    responses = operation.setdefault("responses", {})
    if method in {"GET", "PATCH", "PUT"} and "200" in responses:
        responses["200"].setdefault("headers", {}).update(_ETAG)
    if method in VERSIONED_WRITES:
        operation.setdefault("parameters", []).append(IF_MATCH_PARAMETER)
        responses["412"] = {
            "description": "Changed since the version in `If-Match`; nothing was changed. `current` is the "
                           "object now, and `ETag` its version.",
            "headers": _ETAG,
            "content": {"application/json": {"schema": {
                "type": "object", "required": ["detail", "current"],
                "properties": {"detail": {"type": "string"}, "current": {"type": "object"}},
            }}},
        }


class AutoSchema(openapi.AutoSchema):
    """The API's views validate a PATCH body with its serializer as declared (the fields one may
    leave out are optional there), not with DRF's ``partial=True``: so the schema must not mark
    every field of a PATCH body optional (``done`` and ``discussed`` are required).

    Only a GET of a list answers a page: a write on a list's path (adding receipts) answers what it
    made, a plain list, and the schema says so."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and isinstance(self.view, VersionedResourceMixin):
            _document_versions(operation, self.method)
        return operation

    def _get_request_for_media_type(self, serializer, direction="request"):
        method = self.method
        if method == "PATCH":
            self.method = "POST"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method
