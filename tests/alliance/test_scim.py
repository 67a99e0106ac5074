"""SCIM 2.0 provisioning (``/scim/v2/``): each operation through the Django test client, its refusals, and
that another organization's token sees nothing of this one."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from alliance import tenancy
from alliance.models import ApiToken, Membership, MembershipChange, Notification, ScimToken, ScimUser
from alliance.services import scim_token_create
from tests.alliance.factories import MembershipFactory, make_api_token

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = "application/scim+json"


class Scim:
    """A SCIM client of one organization (its token), over the Django test client."""

    def __init__(self, token: str):
        self.client, self.token = Client(), token

    def _call(self, method: str, path: str, body=None, **extra):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}
        if body is not None:
            kwargs.update(data=json.dumps(body) if not isinstance(body, str) else body, content_type=SCIM_JSON)
        response = getattr(self.client, method)(f"/scim/v2/{path}", **kwargs)
        response.payload = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self._call("get", f"{path}?{query}" if query else path)

    def post(self, path, body):
        return self._call("post", path, body)

    def put(self, path, body):
        return self._call("put", path, body)

    def patch(self, path, *operations):
        return self._call("patch", path, {"schemas": [PATCH], "Operations": list(operations)})

    def delete(self, path):
        return self._call("delete", path)


def scim_token_for(admin: Membership) -> str:
    with tenancy.tenant_context(admin.organization_id):
        admin.organization.refresh_from_db()
        _token, plaintext = scim_token_create(by=admin, name="Okta")
    return plaintext


@pytest.fixture
def scim(admin):
    return Scim(scim_token_for(admin))


@pytest.fixture
def outsider_scim(outsider):
    return Scim(scim_token_for(outsider))


def new_user(email="ada@acme.test", **extra):
    return {"schemas": [USER, ENTERPRISE], "userName": email, "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": email, "type": "work", "primary": True}], "title": "Engineer", "active": True,
            **extra}


def member_of(org, pk) -> Membership:
    with tenancy.tenant_context(org.pk):
        return Membership.objects.select_related("user").get(pk=pk)


# --- Discovery ------------------------------------------------------------------------------------------

def test_discovery_documents(scim, admin):
    config = scim.get("ServiceProviderConfig")
    assert config.status_code == 200 and config["Content-Type"] == SCIM_JSON
    assert config.payload["patch"] == {"supported": True} and config.payload["filter"]["supported"] is True
    types = scim.get("ResourceTypes")
    assert [entry["id"] for entry in types.payload["Resources"]] == ["User"]
    assert scim.get("ResourceTypes/User").payload["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    schemas = scim.get("Schemas").payload["Resources"]
    assert [schema["id"] for schema in schemas] == [USER, ENTERPRISE]
    user_attributes = {attribute["name"] for attribute in schemas[0]["attributes"]}
    assert user_attributes == {"userName", "name", "displayName", "title", "active", "emails"}
    assert scim.get(f"Schemas/{ENTERPRISE}").status_code == 200
    assert scim.get("Schemas/urn:nope").status_code == 404
    assert scim.get("Groups").status_code == 404


def test_without_a_valid_token_nothing_answers(admin, employee):
    for token in ("", "nonsense", "scim_1_" + "x" * 30, make_api_token(admin)):
        response = Scim(token).get("Users")
        assert response.status_code == 401
        assert response.payload["status"] == "401" or response.payload["status"] == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_or_one_whose_admin_left_stops_working(admin, hr):
    plaintext = scim_token_for(admin)
    assert Scim(plaintext).get("Users").status_code == 200
    with tenancy.tenant_context(admin.organization_id):
        ScimToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert Scim(plaintext).get("Users").status_code == 401
    other = scim_token_for(admin)
    with tenancy.tenant_context(admin.organization_id):
        Membership.objects.filter(pk=admin.pk).update(role=Membership.Role.HR)
    assert Scim(other).get("Users").status_code == 401


# --- Users: create, read, list ---------------------------------------------------------------------------

def test_create_read_and_filter(scim, org, admin, manager):
    body = new_user(externalId="00u1",
                    **{ENTERPRISE: {"department": "Platform", "manager": {"value": str(manager.pk)}}})
    created = scim.post("Users", body)
    assert created.status_code == 201, created.payload
    assert created["Content-Type"] == SCIM_JSON
    assert created["Location"].endswith(f"/scim/v2/Users/{created.payload['id']}")
    user = created.payload
    assert user["userName"] == "ada@acme.test" and user["externalId"] == "00u1" and user["active"] is True
    assert user["name"] == {"givenName": "Ada", "familyName": "Lovelace"} and user["displayName"] == "Ada Lovelace"
    assert user[ENTERPRISE]["department"] == "Platform"
    assert user[ENTERPRISE]["manager"]["value"] == str(manager.pk)
    member = member_of(org, int(user["id"]))
    assert (member.role, member.title, member.team, member.manager_id) == ("employee", "Engineer", "Platform",
                                                                           manager.pk)
    assert not member.user.has_usable_password()  # as the people import adds people; invited to choose one
    assert scim.get(f"Users/{user['id']}").payload == user
    found = scim.get("Users", filter='userName eq "ADA@acme.test"').payload
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == user["id"]
    assert scim.get("Users", filter='externalId eq "00u1"').payload["totalResults"] == 1
    assert scim.get("Users", filter='userName eq "nobody@acme.test"').payload["totalResults"] == 0
    # Members who were there before SCIM are found by their e-mail as userName (so an IdP links them).
    existing = scim.get("Users", filter=f'userName eq "{manager.user.email}"').payload
    assert existing["Resources"][0]["id"] == str(manager.pk)
    with tenancy.tenant_context(org.pk):
        assert Notification.objects.filter(recipient=manager, kind="team_joined").exists()


def test_list_pages_and_attributes(scim, org, admin):
    for number in range(5):
        MembershipFactory(organization=org, user__email=f"p{number}@acme.test")
    everyone = scim.get("Users").payload
    assert everyone["totalResults"] == 6 and everyone["startIndex"] == 1
    page = scim.get("Users", startIndex=2, count=2).payload
    assert (page["startIndex"], page["itemsPerPage"], page["totalResults"]) == (2, 2, 6)
    assert [entry["id"] for entry in page["Resources"]] == [entry["id"] for entry in everyone["Resources"][1:3]]
    assert scim.get("Users", count=0).payload["Resources"] == [] if "Resources" in scim.get(
        "Users", count=0).payload else True
    only = scim.get("Users", attributes="userName").payload["Resources"][0]
    assert set(only) <= {"schemas", "id", "userName"}
    without = scim.get("Users", excludedAttributes="emails").payload["Resources"][0]
    assert "emails" not in without and "userName" in without


def test_list_keeps_its_query_count(scim, org, admin, django_assert_max_num_queries):
    for number in range(3):
        MembershipFactory(organization=org, user__email=f"q{number}@acme.test", manager=admin)
    with django_assert_max_num_queries(12) as few:
        scim.get("Users")
    for number in range(10):
        MembershipFactory(organization=org, user__email=f"r{number}@acme.test", manager=admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        scim.get("Users")


# --- Users: change ---------------------------------------------------------------------------------------

def test_put_and_patch_go_through_the_members_rules(scim, org, admin, manager):
    user = scim.post("Users", new_user()).payload
    replaced = scim.put(f"Users/{user['id']}", new_user(title="Staff Engineer", **{
        ENTERPRISE: {"department": "Data", "manager": {"value": str(manager.pk)}}}))
    assert replaced.status_code == 200, replaced.payload
    assert replaced.payload["title"] == "Staff Engineer" and replaced.payload[ENTERPRISE]["department"] == "Data"
    patched = scim.patch(f"Users/{user['id']}", {"op": "replace", "path": "title", "value": "Principal"},
                         {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada.l@acme.test"},
                         {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Research"})
    assert patched.status_code == 200, patched.payload
    member = member_of(org, int(user["id"]))
    assert (member.title, member.team, member.user.email) == ("Principal", "Research", "ada.l@acme.test")
    with tenancy.tenant_context(org.pk):
        changes = set(MembershipChange.objects.filter(membership=member, source="scim").values_list("field", flat=True))
    assert {"title", "team", "manager"} <= changes  # kept in the member's history like the members page's edits
    removed = scim.patch(f"Users/{user['id']}", {"op": "remove", "path": f"{ENTERPRISE}:manager"})
    assert removed.status_code == 200 and "manager" not in removed.payload.get(ENTERPRISE, {})


def test_an_employee_named_manager_becomes_a_manager_and_others_are_refused(scim, org, admin, employee):
    user = scim.post("Users", new_user()).payload
    named = scim.patch(f"Users/{user['id']}",
                       {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(employee.pk)}})
    assert named.status_code == 200, named.payload
    assert member_of(org, int(user["id"])).manager_id == employee.pk
    assert member_of(org, employee.pk).role == Membership.Role.MANAGER  # only managers manage
    with tenancy.tenant_context(org.pk):
        assert MembershipChange.objects.filter(membership=employee, field="role", new_value="manager",
                                               source="scim").exists()
    # A suspended member may not manage; an unknown id is no one.
    other = scim.post("Users", new_user("bob@acme.test")).payload
    scim.patch(f"Users/{other['id']}", {"op": "replace", "path": "active", "value": False})
    refused = scim.patch(f"Users/{user['id']}",
                         {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": other["id"]}})
    assert refused.status_code == 400 and refused.payload["scimType"] == "invalidValue"
    assert "manager" in refused.payload["detail"].lower()
    assert member_of(org, int(user["id"])).manager_id == employee.pk
    unknown = scim.post("Users", new_user("carol@acme.test", **{ENTERPRISE: {"manager": {"value": "999999"}}}))
    assert unknown.status_code == 400
    assert scim.get("Users", filter='userName eq "carol@acme.test"').payload["totalResults"] == 0
    # A reporting loop is refused by the members page's rule.
    loop = scim.patch(f"Users/{employee.pk}",
                      {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": user["id"]}})
    assert loop.status_code == 400 and "loop" in loop.payload["detail"]


@pytest.mark.parametrize("body, scim_type", [
    ({"schemas": [USER], "emails": [{"value": "x@acme.test"}]}, "invalidValue"),  # no userName
    ({"schemas": [USER], "userName": "x", "emails": [{"value": "not an address"}]}, "invalidValue"),
    ({"schemas": [USER], "userName": "x" * 300, "emails": [{"value": "x@acme.test"}]}, "invalidValue"),
    ({"schemas": [USER], "userName": "x", "title": "t" * 201, "emails": [{"value": "x@acme.test"}]}, "invalidValue"),
    ({"schemas": [USER], "userName": "x", "active": "perhaps", "emails": [{"value": "x@acme.test"}]}, "invalidValue"),
    ("{not json", "invalidSyntax"),
    ([1, 2], "invalidSyntax"),
])
def test_bad_input_is_a_scim_error_and_changes_nothing(scim, org, admin, body, scim_type):
    with tenancy.tenant_context(org.pk):
        before = Membership.objects.count()
    response = scim.post("Users", body)
    assert response.status_code == 400, response.payload
    assert response["Content-Type"] == SCIM_JSON
    assert response.payload["scimType"] == scim_type and response.payload["detail"]
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.count() == before


def test_bad_queries_and_patches_are_scim_errors(scim, admin, employee):
    assert scim.get("Users", filter="userName eq").payload["scimType"] == "invalidFilter"
    assert scim.get("Users", filter='nickName eq "x"').status_code == 400
    assert scim.get("Users", filter='title co "x"').payload["scimType"] == "invalidFilter"
    assert scim.get("Users", filter="x" * 2000).status_code == 400
    assert scim.get("Users", count="many").status_code == 400
    bad_path = scim.patch(f"Users/{employee.pk}", {"op": "replace", "path": "nope", "value": "x"})
    assert bad_path.status_code == 400
    bad_op = scim.patch(f"Users/{employee.pk}", {"op": "explode", "path": "title", "value": "x"})
    assert bad_op.status_code == 400
    assert scim.patch(f"Users/{employee.pk}", {"op": "remove", "path": "userName"}).status_code == 400
    assert member_of(employee.organization, employee.pk).title == "Engineer"


def test_taken_names_are_conflicts(scim, admin, employee):
    assert scim.post("Users", new_user("employee@acme.test")).status_code == 409
    first = scim.post("Users", new_user("ada@acme.test")).payload
    second = scim.post("Users", new_user("bob@acme.test")).payload
    clash = scim.patch(f"Users/{second['id']}", {"op": "replace", "path": "userName", "value": first["userName"]})
    assert clash.status_code == 409 and clash.payload["scimType"] == "uniqueness"


# --- Deactivation --------------------------------------------------------------------------------------

def test_deactivation_suspends_at_once_and_tells_hr(scim, org, admin, hr, employee, client_for):
    token = make_api_token(employee)
    browser = client_for(employee)
    assert browser.get(f"/o/{org.slug}/").status_code == 200
    response = scim.patch(f"Users/{employee.pk}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 200 and response.payload["active"] is False
    member = member_of(org, employee.pk)
    assert member.status == Membership.Status.SUSPENDED
    assert browser.get(f"/o/{org.slug}/").status_code == 404  # their session stops working for the organization
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    with tenancy.tenant_context(org.pk):
        assert ApiToken.objects.filter(membership=employee, revoked_at__isnull=True).exists()  # kept, not revoked
        told = Notification.objects.filter(kind="access_suspended").values_list("recipient_id", flat=True)
        assert set(told) == {hr.pk}  # HR (the token's administrator made the change)
        assert MembershipChange.objects.filter(membership=employee, field="access", new_value="suspended").exists()
    # HR's leaving list: the suspended people, each with a link to start their exit.
    hr_page = client_for(hr).get(f"/o/{org.slug}/members/?status=suspended")
    assert employee.user.full_name in hr_page.content.decode()
    detail = client_for(hr).get(f"/o/{org.slug}/members/{employee.pk}/").content.decode()
    assert "deactivated by your identity provider" in detail
    assert f"/o/{org.slug}/exits/new/{employee.pk}/" in detail
    back = scim.patch(f"Users/{employee.pk}", {"op": "replace", "path": "active", "value": True})
    assert back.status_code == 200 and back.payload["active"] is True
    assert browser.get(f"/o/{org.slug}/").status_code == 200
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_delete_suspends_and_hides_from_scim(scim, org, admin, hr, employee):
    assert scim.delete(f"Users/{employee.pk}").status_code == 204
    assert scim.get(f"Users/{employee.pk}").status_code == 404
    assert scim.get("Users", filter=f'userName eq "{employee.user.email}"').payload["totalResults"] == 0
    member = member_of(org, employee.pk)
    assert member.status == Membership.Status.SUSPENDED  # nothing deleted
    again = scim.post("Users", new_user(employee.user.email))
    assert again.status_code == 201 and again.payload["id"] == str(employee.pk) and again.payload["active"] is True
    assert member_of(org, employee.pk).status == Membership.Status.ACTIVE


def test_the_last_administrator_is_not_suspended(org, admin):
    other_admin = MembershipFactory(organization=org, role=Membership.Role.ADMIN, user__email="root@acme.test")
    scim = Scim(scim_token_for(other_admin))
    assert scim.patch(f"Users/{other_admin.pk}", {"op": "replace", "path": "active", "value": False}).status_code == 400
    assert scim.patch(f"Users/{admin.pk}", {"op": "replace", "path": "active", "value": False}).status_code == 200
    assert member_of(org, admin.pk).status == Membership.Status.SUSPENDED


# --- Isolation ------------------------------------------------------------------------------------------

def test_another_organizations_token_sees_nothing(scim, outsider_scim, org, admin, employee, outsider):
    user = scim.post("Users", new_user()).payload
    listed = outsider_scim.get("Users").payload
    assert {entry["id"] for entry in listed["Resources"]} == {str(outsider.pk)}
    assert outsider_scim.get("Users", filter='userName eq "ada@acme.test"').payload["totalResults"] == 0
    for member_id in (user["id"], str(employee.pk)):
        assert outsider_scim.get(f"Users/{member_id}").status_code == 404
        assert outsider_scim.put(f"Users/{member_id}", new_user()).status_code == 404
        assert outsider_scim.patch(f"Users/{member_id}",
                                   {"op": "replace", "path": "active", "value": False}).status_code == 404
        assert outsider_scim.delete(f"Users/{member_id}").status_code == 404
    # Naming this organization's member as manager: no such user.
    refused = outsider_scim.post("Users", new_user("x@globex.test", **{ENTERPRISE: {"manager": {"value": str(
        employee.pk)}}}))
    assert refused.status_code == 400
    assert member_of(org, employee.pk).status == Membership.Status.ACTIVE
    with tenancy.tenant_context(org.pk):
        assert ScimUser.objects.filter(membership_id=int(user["id"])).exists()


# --- The settings page ------------------------------------------------------------------------------------

def test_admins_create_and_revoke_tokens_on_the_settings_page(org, admin, hr, outsider, client_for):
    page = client_for(admin)
    created = page.post(f"/o/{org.slug}/settings/scim-tokens/", {"scim-name": "Entra ID"})
    assert created.status_code == 200
    token = created.context["new_scim_token"]
    assert token.startswith(f"scim_{org.pk}_") and token in created.content.decode()
    assert Scim(token).get("Users").status_code == 200
    settings_page = page.get(f"/o/{org.slug}/settings/").content.decode()
    assert "Entra ID" in settings_page and token not in settings_page  # shown once
    assert page.post(f"/o/{org.slug}/settings/scim-tokens/", {"scim-name": ""}).status_code == 400
    assert page.post(f"/o/{org.slug}/settings/scim-tokens/", {"scim-name": "x" * 101}).status_code == 400
    with tenancy.tenant_context(org.pk):
        scim_token = ScimToken.objects.get(name="Entra ID")
    revoke = f"/o/{org.slug}/settings/scim-tokens/{scim_token.pk}/revoke/"
    asked = page.post(revoke)  # without JavaScript: the page asks first, nothing changes yet
    assert asked.status_code == 200 and "Revoke the SCIM token" in asked.content.decode()
    assert Scim(token).get("Users").status_code == 200
    assert client_for(hr).post(revoke, {"confirmed": "1"}).status_code == 403  # administrators only
    assert client_for(outsider).post(revoke, {"confirmed": "1"}).status_code == 404
    assert page.post(revoke, {"confirmed": "1"}).status_code == 302
    assert Scim(token).get("Users").status_code == 401


def test_a_scim_token_does_scim_only(org, admin, client_for):
    token = scim_token_for(admin)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert Client().get(f"/o/{org.slug}/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code in (302, 404)
    assert Scim(token.replace(f"scim_{org.pk}_", "scim_999_")).get("Users").status_code == 401


def test_hr_starts_the_exit_of_a_suspended_member(scim, org, admin, hr, employee, client_for):
    from datetime import timedelta

    from django.utils import timezone

    assert scim.patch(f"Users/{employee.pk}", {"op": "replace", "path": "active", "value": False}).status_code == 200
    page = client_for(hr).get(f"/o/{org.slug}/exits/new/{employee.pk}/")
    assert page.status_code == 200
    started = client_for(hr).post(f"/o/{org.slug}/exits/new/{employee.pk}/", {
        "member": employee.pk, "kind": "resignation", "initiated_by": "employee",
        "last_working_day": (timezone.localdate() + timedelta(days=14)).isoformat()})
    assert started.status_code == 302, started.content.decode()[:2000]
