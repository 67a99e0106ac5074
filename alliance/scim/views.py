"""``/scim/v2/``: the SCIM 2.0 service of one organization, named by the bearer token (RFC 7644).

Every answer is ``application/scim+json``; every refusal a SCIM error (``status``, ``scimType``,
``detail``) that changes nothing: the request's transaction is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import Context, Error, ListResponse, PatchOp, ResourceType, Schema, SCIMException, SearchRequest

from alliance.errors import ApplicationError, NotAllowed
from alliance.history.context import note_scim_caller
from alliance.models import Membership
from alliance.scim import mapping
from alliance.scim.resources import (
    FILTER_MAX,
    LIST_MAX,
    POLICY,
    SCIM_CONTENT_TYPE,
    User,
    known_only,
    known_patch,
    schemas,
    service_provider_config,
    user_resource_type,
)
from alliance.services.scim import (
    ScimConflict,
    scim_members,
    scim_token_authenticate,
    scim_user_change,
    scim_user_create,
    scim_user_deprovision,
)

PREFIX = "/scim/v2/"
BODY_MAX = 256 * 1024


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def scim_response(payload: dict[str, Any] | None, *, status: int = 200, location: str = "") -> HttpResponse:
    body = b"" if payload is None else json.dumps(payload).encode()
    response = HttpResponse(body, status=status, content_type=SCIM_CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def error_response(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    transaction.set_rollback(True)  # a refused request changes nothing
    error = Error(status=status, scim_type=scim_type, detail=detail[:500])
    response = scim_response(error.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _validation_error(error: ValidationError) -> ScimError:
    first = error.errors()[0]
    kind = str(first.get("type", ""))
    scim_type = kind.removeprefix("scim_") if kind.startswith("scim_") else "invalidValue"
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "__root__")
    return ScimError(400, f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg")), scim_type)


def scim_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate the SCIM token (its organization becomes the request's), and turn every refusal into a
    SCIM error."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        keyword, _space, token = request.headers.get("Authorization", "").partition(" ")
        scim_token = scim_token_authenticate(token.strip()) if keyword.lower() == "bearer" and token.strip() else None
        if scim_token is None:
            return error_response(401, "Send a valid SCIM token as `Authorization: Bearer <token>`.")
        request.org, request.member = scim_token.organization, scim_token.membership
        note_scim_caller(scim_token)
        try:
            with POLICY:
                return view(request, *args, **kwargs)
        except ScimError as error:
            return error_response(error.status, error.detail, error.scim_type)
        except SCIMException as error:
            scim_error = error.to_error()
            return error_response(scim_error.status or 400, scim_error.detail or "Refused.", scim_error.scim_type)
        except ValidationError as error:
            failure = _validation_error(error)
            return error_response(failure.status, failure.detail, failure.scim_type)
        except mapping.UnsupportedFilter as error:
            return error_response(400, str(error), "invalidFilter")
        except ScimConflict as error:
            return error_response(409, error.message, "uniqueness")
        except NotAllowed as error:
            return error_response(403, error.message)
        except ApplicationError as error:
            return error_response(400, error.message, "invalidValue")

    return wrapper


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(PREFIX)


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > BODY_MAX:
        raise ScimError(413, f"The request is larger than {BODY_MAX // 1024} KiB.", "tooLarge")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from error
    if not isinstance(payload, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    return payload


def _method_not_allowed(allowed: str) -> HttpResponse:
    response = error_response(405, f"Use {allowed} here.")
    response["Allow"] = allowed
    return response


# --- Discovery ------------------------------------------------------------------------------------------

@scim_view
def service_provider_config_view(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    config = service_provider_config(_base(request) + "ServiceProviderConfig")
    return scim_response(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listed(resources: list, base_context=Context.SEARCH_RESPONSE) -> dict[str, Any]:
    listing = ListResponse[ResourceType | Schema](total_results=len(resources), start_index=1,
                                                  items_per_page=len(resources), resources=resources)
    return listing.model_dump(scim_ctx=base_context)


@scim_view
def resource_types_view(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    user_type = user_resource_type(_base(request) + "ResourceTypes/User")
    if name is None:
        return scim_response(_listed([user_type]))
    if name != "User":
        raise ScimError(404, "No such resource type (Alliance serves Users).")
    return scim_response(user_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_view
def schemas_view(request: HttpRequest, schema_id: str | None = None) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed("GET")
    found = schemas(_base(request))
    if schema_id is None:
        return scim_response(_listed(found))
    for schema in found:
        if schema.id == schema_id:
            return scim_response(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise ScimError(404, "No such schema.")


# --- Users -----------------------------------------------------------------------------------------------

def _search_request(data: dict[str, Any]) -> SearchRequest:
    if len(str(data.get("filter") or "")) > FILTER_MAX:
        raise ScimError(400, "The filter is too long.", "invalidFilter")
    return SearchRequest[User].model_validate(data, scim_ctx=Context.SEARCH_REQUEST)


def _list(request: HttpRequest, search: SearchRequest) -> HttpResponse:
    members = mapping.filtered(scim_members(request.org.pk).select_related("user"),
                               search.filter.ast if search.filter else None, request.org.pk)
    start = max(search.start_index or 1, 1)
    count = LIST_MAX if search.count is None else min(max(search.count, 0), LIST_MAX)
    total = members.count()
    page = list(members.order_by("pk")[start - 1:start - 1 + count]) if count else []
    users = mapping.to_users(page, _base(request))
    listing = ListResponse[User](total_results=total, start_index=start, items_per_page=len(users), resources=users)
    return scim_response(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def _query_parameters(request: HttpRequest) -> dict[str, Any]:
    names = {"filter": "filter", "startIndex": "startIndex", "count": "count", "attributes": "attributes",
             "excludedAttributes": "excludedAttributes"}
    return {key: request.GET[key] for key in names if key in request.GET}


@scim_view
def users_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, _search_request(_query_parameters(request)))
    if request.method != "POST":
        return _method_not_allowed("GET, POST")
    user = User.model_validate(known_only(_body(request)), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    person = mapping.to_person(user, request.org.pk)
    membership = scim_user_create(by=request.member, person=person)
    return _user_answer(request, membership, status=201)


@scim_view
def users_search_view(request: HttpRequest) -> HttpResponse:
    """``POST /Users/.search``, and ``POST /.search`` (every resource type: Alliance serves Users only)."""
    if request.method != "POST":
        return _method_not_allowed("POST")
    return _list(request, _search_request(_body(request)))


def _member(request: HttpRequest, user_id: str) -> Membership:
    member = None
    if user_id.isascii() and user_id.isdigit() and len(user_id) < 19:
        member = scim_members(request.org.pk).select_related("user", "organization").filter(pk=int(user_id)).first()
    if member is None:
        raise ScimError(404, "No such user.")
    return member


def _user_answer(request: HttpRequest, membership: Membership, *, status: int = 200) -> HttpResponse:
    membership = scim_members(request.org.pk).select_related("user").get(pk=membership.pk)
    (user,) = mapping.to_users([membership], _base(request))
    parameters = _search_request(_query_parameters(request)) if request.method == "GET" else None
    payload = user.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters)
    return scim_response(payload, status=status, location=user.meta.location if status == 201 else "")


@scim_view
def user_view(request: HttpRequest, user_id: str) -> HttpResponse:
    membership = _member(request, user_id)
    if request.method == "GET":
        return _user_answer(request, membership)
    if request.method == "DELETE":
        scim_user_deprovision(by=request.member, membership=membership)
        return scim_response(None, status=204)
    if request.method == "PUT":
        user = User.model_validate(known_only(_body(request)), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    elif request.method == "PATCH":
        patch = PatchOp[User].model_validate(known_patch(_body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
        (user,) = mapping.to_users([membership], _base(request))
        patch.patch(user)
    else:
        return _method_not_allowed("GET, PUT, PATCH, DELETE")
    person = mapping.to_person(user, request.org.pk, full_name=membership.user.full_name)
    scim_user_change(by=request.member, membership=membership, person=person)
    return _user_answer(request, membership)


@scim_view
def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise ScimError(404, "No such endpoint.")
