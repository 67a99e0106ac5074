"""What ``/scim/v2/`` speaks, as scim2-models resources: a User with exactly the attributes Alliance keeps,
the enterprise extension's ``department`` and ``manager``, and the discovery documents describing them.

The schemas published at ``/Schemas`` are generated from these classes, so what a client is told it can
write is exactly what the server stores and gives back. Attributes of the standard User that Alliance does
not keep (phone numbers, addresses, ``nickName``…) are dropped from a request rather than refused, as
identity providers send them whatever the schema says (``POLICY``).
"""


from typing import Annotated

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Extension,
    Filter,
    Meta,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

SCIM_CONTENT_TYPE = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_MAX = 200  # the most users one page of a list gives (``count`` above it is lowered to it)
FILTER_MAX = 1000  # characters of a ``filter`` parameter

# Microsoft Entra sends ``remove`` operations whose value selects what to remove, and ``replace`` operations on
# a filter that matches nothing yet (``emails[type eq "work"].value``): read them as their authors meant.
# Attributes Alliance does not keep are taken out before validation (``known_only``): scim2-models' own
# tolerance of unknown attributes also drops the enterprise extension.
POLICY = ScimPolicy(remove_value_as_filter=ScimPolicy.RemoveValue.apply,
                    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create)

# What Alliance keeps, by (case-folded) attribute name; a dict names the sub-attributes it keeps.
_MANAGER = {"value": None, "$ref": None}
KNOWN: dict[str, dict | None] = {
    "schemas": None, "id": None, "externalid": None, "meta": None, "username": None,
    "name": {"givenname": None, "familyname": None}, "displayname": None, "title": None, "active": None,
    "emails": {"value": None, "type": None, "primary": None},
    ENTERPRISE_SCHEMA.lower(): {"department": None, "manager": _MANAGER},
}
KNOWN_ENTERPRISE = {f"{ENTERPRISE_SCHEMA.lower()}:{name}": sub
                    for name, sub in KNOWN[ENTERPRISE_SCHEMA.lower()].items()}


def known_only(value, known: dict[str, dict | None] | None = KNOWN):
    """``value`` without the attributes Alliance does not keep (names compared case-insensitively)."""
    if known is None:
        return value
    if isinstance(value, list):
        return [known_only(item, known) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, item in value.items():
        folded = str(key).lower()
        if folded in known:
            kept[key] = known_only(item, known[folded])
        elif folded in KNOWN_ENTERPRISE and known is KNOWN:  # "urn:…:User:department" in a PATCH value
            kept[key] = known_only(item, KNOWN_ENTERPRISE[folded])
    return kept


def _path_is_known(path: str) -> bool:
    folded = path.strip().lower()
    enterprise = ENTERPRISE_SCHEMA.lower()
    if folded.startswith(enterprise):
        rest = folded[len(enterprise):].lstrip(":")
        return not rest or rest.split(".")[0].split("[")[0] in KNOWN[enterprise]
    if folded.startswith(USER_SCHEMA.lower() + ":"):
        folded = folded[len(USER_SCHEMA) + 1:]
    head = folded.split("[")[0].split(".")[0]
    return head in KNOWN


def known_patch(payload):
    """A PatchOp without the operations on attributes Alliance does not keep (Okta and Entra send them
    whatever the schema says), and without those attributes in the values of the others."""
    if not isinstance(payload, dict):
        return payload
    operations = []
    for key in [key for key in payload if str(key).lower() == "operations"]:
        for operation in payload[key] if isinstance(payload[key], list) else []:
            if not isinstance(operation, dict):
                operations.append(operation)
                continue
            path = next((operation[k] for k in operation if str(k).lower() == "path"), None)
            if isinstance(path, str) and path.strip():
                if _path_is_known(path):
                    operations.append(operation)
                continue
            value = next((operation[k] for k in operation if str(k).lower() == "value"), None)
            if isinstance(value, dict):
                rest = {k: v for k, v in operation.items() if str(k).lower() != "value"}
                kept = known_only(value)
                # "urn:…:enterprise:2.0:User:department" as a key of the value: an operation on that path.
                for name in [name for name in kept if str(name).lower() in KNOWN_ENTERPRISE]:
                    operations.append({**rest, "path": name, "value": kept.pop(name)})
                if not kept:
                    continue
                operation = {**rest, "value": kept}
            operations.append(operation)
        return {**{k: v for k, v in payload.items() if k != key}, "Operations": operations}
    return payload


class Manager(ComplexAttribute):
    """The member's manager: ``value`` is the manager's SCIM ``id``, ``$ref`` their location (RFC 7643 §4.3;
    either one names them, as identity providers send the id alone)."""

    value: Annotated[str | None, CaseExact.true] = None
    ref: Reference["User"] | None = Field(  # noqa: F821
        None, serialization_alias="$ref", validation_alias="$ref")


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    department: str | None = None
    """The member's team."""

    manager: Manager | None = None


class Name(ComplexAttribute):
    given_name: str | None = None
    family_name: str | None = None


class Email(ComplexAttribute):
    """The member's sign-in address (one: Alliance keeps one address per person)."""

    value: Annotated[str | None, Required.true] = None
    type: str | None = Field(None, examples=["work", "home", "other"])
    primary: bool | None = None


class AllianceUser(Resource[EnterpriseUser]):
    """A member of the organization. ``id`` is the membership's id; ``userName`` is the identity provider's
    name for them (their e-mail unless the provider says otherwise)."""

    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    """The member's full name (else ``name``'s parts make it)."""

    title: str | None = None
    active: bool | None = None
    """False: suspended (no sign-in, no API token) until set true again."""

    emails: Annotated[list[Email] | None, Required.true] = None
    """Alliance needs the address a member signs in with."""


User = AllianceUser[EnterpriseUser]


def service_provider_config(location: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=LIST_MAX),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="Bearer token",
            description="A SCIM token an administrator creates on the organization's settings page.",
            primary=True)],
        meta=Meta(resource_type="ServiceProviderConfig", location=location),
    )


def user_resource_type(location: str) -> ResourceType:
    resource_type = ResourceType.from_resource(User)
    resource_type.id = "User"
    resource_type.name = "User"
    resource_type.description = "A member of the organization"
    resource_type.meta = Meta(resource_type="ResourceType", location=location)
    return resource_type


def schemas(base: str) -> list[Schema]:
    found = []
    for model in (AllianceUser, EnterpriseUser):
        schema = model.to_schema()
        schema.name = "User" if model is AllianceUser else "EnterpriseUser"
        schema.description = "A member of the organization" if model is AllianceUser else "Team and manager"
        schema.meta = Meta(resource_type="Schema", location=f"{base}Schemas/{schema.id}")
        found.append(schema)
    return found
