"""The OpenAPI schema tells every answer an operation really gives (a drf-spectacular postprocessing hook).

Every operation can answer 401 (no or a bad token), 403 (not allowed), 404 (not found or not
visible) and 429 (throttled, with ``Retry-After``); a write, or one with query parameters, also 400
with field errors; one with a body also 413 (too large) and 415 (not JSON). All are JSON of the
shapes below, as ``alliance.apis.exception_handler`` writes them.
"""

from __future__ import annotations

from drf_spectacular import openapi

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
    errors["429"] = _response("Too many requests with this token; wait `Retry-After` seconds.", ERROR,
                              headers=_RETRY_AFTER)
    return errors


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
            responses = operation.setdefault("responses", {})
            for code, response in _errors_for(operation, method).items():
                existing = responses.get(code)
                if existing and "content" not in existing:  # a view's own words for it, given no shape
                    response = {**response, "description": existing["description"]}
                responses[code] = response
    return result


class AutoSchema(openapi.AutoSchema):
    """The API's views validate a PATCH body with its serializer as declared (the fields one may
    leave out are optional there), not with DRF's ``partial=True``: so the schema must not mark
    every field of a PATCH body optional (``done`` and ``discussed`` are required).

    Only a GET of a list answers a page: a write on a list's path (adding receipts) answers what it
    made, a plain list, and the schema says so."""

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None

    def _get_request_for_media_type(self, serializer, direction="request"):
        method = self.method
        if method == "PATCH":
            self.method = "POST"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method
