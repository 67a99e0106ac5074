"""The REST API of the core: tokens, /me, /members, errors, schema and docs."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from alliance.models import ApiToken, Membership, User
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, make_api_token
from tests.helpers import ApiClient


def token_row(member: Membership) -> ApiToken:
    with tenant_context(member.organization_id):
        return ApiToken.objects.get(membership=member)


# --- /me ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_me_returns_the_tokens_organization_and_membership(employee, api_for):
    response = api_for(employee).get("/api/v1/me/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["organization"]["slug"] == "acme"
    assert body["organization"]["id"] == employee.organization_id
    membership = body["membership"]
    assert (membership["id"], membership["email"], membership["role"], membership["manager"]) == (
        employee.pk, "employee@acme.test", "employee", employee.manager_id)
    assert membership["manager_email"] == "manager@acme.test"


@pytest.mark.django_db
def test_a_person_in_two_organizations_gets_the_tokens_one(employee, other_org, api_for):
    elsewhere = MembershipFactory(organization=other_org, user=employee.user, role=Membership.Role.HR)
    assert api_for(employee).get("/api/v1/me/").json()["organization"]["slug"] == "acme"
    me_elsewhere = api_for(elsewhere).get("/api/v1/me/").json()
    assert (me_elsewhere["organization"]["slug"], me_elsewhere["membership"]["role"]) == ("globex", "hr")


# --- Authentication ---------------------------------------------------------------------

def assert_401_json(response) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
@pytest.mark.parametrize("header", [
    None,
    "Bearer",
    "Bearer ",
    "Token abcdef",
    "Basic dXNlcjpwYXNz",
    "Bearer two words",
    "Bearer not-a-token",
    "Bearer alli_1_short",
    "Bearer alli_99999999999999999999999_" + "x" * 43,
    "Bearer inv_1_" + "x" * 43,
    "Bearer alli_0_" + "x" * 43,
    "Bearer ünïcode-token",
])
def test_missing_or_malformed_token_is_a_401_json(employee, header):
    headers = {"Authorization": header} if header is not None else {}
    assert_401_json(Client(headers=headers).get("/api/v1/me/"))


@pytest.mark.django_db
def test_unknown_token_is_a_401(employee):
    real = make_api_token(employee)
    forged = real[:-4] + ("aaaa" if not real.endswith("aaaa") else "bbbb")
    assert_401_json(ApiClient(forged).get("/api/v1/me/"))
    assert_401_json(ApiClient(f"alli_{employee.organization_id + 1000}_" + "x" * 43).get("/api/v1/me/"))


@pytest.mark.django_db
def test_revoked_token_is_a_401(employee, api_for):
    api = api_for(employee)
    assert api.get("/api/v1/me/").status_code == 200
    with tenant_context(employee.organization_id):
        ApiToken.objects.filter(membership=employee).update(revoked_at=timezone.now())
    assert_401_json(api.get("/api/v1/me/"))
    assert_401_json(api.get("/api/v1/members/"))


@pytest.mark.django_db
def test_token_of_an_alumnus_is_a_401(employee, api_for):
    api = api_for(employee)
    with tenant_context(employee.organization_id):
        Membership.objects.filter(pk=employee.pk).update(status=Membership.Status.ALUMNUS)
    assert_401_json(api.get("/api/v1/me/"))


@pytest.mark.django_db
def test_token_of_a_deactivated_user_is_a_401(employee, api_for):
    api = api_for(employee)
    User.objects.filter(pk=employee.user_id).update(is_active=False)
    assert_401_json(api.get("/api/v1/me/"))


@pytest.mark.django_db
def test_last_used_at_is_recorded(employee, api_for):
    api = api_for(employee)
    assert token_row(employee).last_used_at is None
    before = timezone.now()
    assert api.get("/api/v1/me/").status_code == 200
    first_use = token_row(employee).last_used_at
    assert first_use is not None and first_use >= before
    # Written at most once a minute, not on every request.
    api.get("/api/v1/me/")
    assert token_row(employee).last_used_at == first_use
    with tenant_context(employee.organization_id):
        ApiToken.objects.filter(membership=employee).update(last_used_at=timezone.now() - timedelta(minutes=5))
    api.get("/api/v1/me/")
    assert token_row(employee).last_used_at >= first_use


@pytest.mark.django_db
def test_a_session_does_not_authenticate_the_api(employee, client_for):
    """The API takes tokens only (no CSRF-less cookie access to JSON)."""
    assert_401_json(client_for(employee).get("/api/v1/me/"))


# --- /members ---------------------------------------------------------------------------

@pytest.fixture
def people(org, admin, hr, manager, employee, outsider):
    data = MembershipFactory(organization=org, team="Data", role=Membership.Role.MANAGER,
                             user__email="data.lead@acme.test")
    alumnus = MembershipFactory(organization=org, status=Membership.Status.ALUMNUS, user__email="gone@acme.test")
    return {"admin": admin, "hr": hr, "manager": manager, "employee": employee, "data": data,
            "alumnus": alumnus}


def _shown(people) -> set[str | None]:
    """Every member's work address, and None for the alumnus (no consent to be contacted)."""
    return {m.user.email if m.is_active else None for m in people.values()}


def emails(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["email"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_members_lists_the_tokens_organization_only(people, api_for):
    body = api_for(people["hr"]).get("/api/v1/members/").json()
    # The alumnus is listed, without the address: theirs, and they gave no consent (alliance.people).
    assert {row["email"] for row in body["results"]} == _shown(people)
    assert {row["id"] for row in body["results"]} == {m.pk for m in people.values()}
    assert set(body) == {"next", "previous", "results"}
    row = next(r for r in body["results"] if r["email"] == "employee@acme.test")
    assert (row["role"], row["team"], row["manager_email"], row["status"]) == (
        "employee", "Platform", "manager@acme.test", "active")


@pytest.mark.django_db
def test_members_follow_the_tokens_rights(people, api_for):
    """Like the pages: HR and admins see everyone; others themselves and their direct reports."""
    assert emails(api_for(people["admin"]).get("/api/v1/members/")) == _shown(people)
    assert emails(api_for(people["manager"]).get("/api/v1/members/")) == {"manager@acme.test", "employee@acme.test"}
    assert emails(api_for(people["employee"]).get("/api/v1/members/")) == {"employee@acme.test"}


@pytest.mark.django_db
def test_members_filters(people, api_for):
    api = api_for(people["hr"])
    assert emails(api.get("/api/v1/members/", {"role": "manager"})) == {"manager@acme.test", "data.lead@acme.test"}
    assert emails(api.get("/api/v1/members/", {"team": "Data"})) == {"data.lead@acme.test"}
    assert emails(api.get("/api/v1/members/", {"status": "alumnus"})) == {None}
    # A leaver's address is theirs: it finds nobody (and so confirms nothing).
    assert emails(api.get("/api/v1/members/", {"email": "gone@acme.test"})) == set()
    assert emails(api.get("/api/v1/members/", {"email": "EMPLOYEE@acme.test"})) == {"employee@acme.test"}
    assert emails(api.get("/api/v1/members/", {"manager": people["manager"].pk})) == {"employee@acme.test"}
    assert emails(api.get("/api/v1/members/", {"email": "admin@globex.test"})) == set()


@pytest.mark.django_db
def test_members_updated_since(people, api_for):
    api = api_for(people["hr"])
    cutoff = timezone.now()
    with tenant_context(people["data"].organization_id):
        Membership.objects.get(pk=people["data"].pk).save()  # touches updated_at
    assert emails(api.get("/api/v1/members/", {"updated_since": cutoff.isoformat()})) == {"data.lead@acme.test"}
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert emails(api.get("/api/v1/members/", {"updated_since": future})) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    {"role": "emperor"}, {"status": "dead"}, {"updated_since": "yesterday"}, {"manager": "x"},
])
def test_members_bad_filter_is_a_400_with_field_errors(people, api_for, query):
    response = api_for(people["hr"]).get("/api/v1/members/", query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def walk(api: ApiClient, url: str, *, on_page=None) -> list[dict]:
    rows, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        if on_page:
            on_page(pages, body)
        url = body["next"]
        assert pages < 50
    return rows


@pytest.mark.django_db
def test_members_cursor_pagination_walks_every_row_once(org, hr, api_for):
    MembershipFactory.create_batch(11, organization=org)
    api = api_for(hr)
    first = api.get("/api/v1/members/", {"page_size": 5}).json()
    assert len(first["results"]) == 5 and first["previous"] is None
    assert "cursor" in parse_qs(urlsplit(first["next"]).query)
    rows = walk(api, "/api/v1/members/?page_size=5")
    ids = [row["id"] for row in rows]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert [row["updated_at"] for row in rows] == sorted(row["updated_at"] for row in rows)


@pytest.mark.django_db
def test_members_cursor_pagination_is_stable_while_rows_change(org, hr, api_for):
    MembershipFactory.create_batch(11, organization=org)
    api = api_for(hr)
    with tenant_context(org.pk):
        all_ids = set(Membership.objects.values_list("id", flat=True))

    def touch_a_seen_row(page: int, body: dict) -> None:
        if page == 1:  # a row already synced changes while the client pages on
            with tenant_context(org.pk):
                Membership.objects.get(pk=body["results"][0]["id"]).save()

    rows = walk(api, "/api/v1/members/?page_size=4", on_page=touch_a_seen_row)
    ids = [row["id"] for row in rows]
    assert set(ids) == all_ids  # nothing skipped
    assert len(ids) == len(all_ids) + 1  # the changed row comes again, at the end
    assert ids[-1] == ids[0]


@pytest.mark.django_db
def test_members_page_size(org, hr, api_for):
    MembershipFactory.create_batch(6, organization=org)
    api = api_for(hr)
    assert len(api.get("/api/v1/members/", {"page_size": 2}).json()["results"]) == 2
    assert len(api.get("/api/v1/members/", {"page_size": 500}).json()["results"]) == 7
    # Anything but one whole number from 1 to 500 is refused, not silently replaced by the default.
    for bad in ("100000", "lots", "0", "-1", "2.5", "", "null", "²"):
        response = api.get("/api/v1/members/", {"page_size": bad})
        assert response.status_code == 400 and "page_size" in response.json()["errors"], bad
    assert api.get("/api/v1/members/?page_size=2&page_size=3").status_code == 400
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    page_size = next(p for p in schema["paths"]["/api/v1/members/"]["get"]["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 500)


@pytest.mark.django_db
def test_members_garbage_cursor_is_a_400_json_not_a_500(hr, api_for):
    response = api_for(hr).get("/api/v1/members/", {"cursor": "!!!not-a-cursor"})
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


@pytest.mark.django_db
def test_member_detail(people, api_for):
    response = api_for(people["manager"]).get(f"/api/v1/members/{people['employee'].pk}/")
    assert response.status_code == 200 and response.json()["email"] == "employee@acme.test"
    assert api_for(people["hr"]).get(f"/api/v1/members/{people['data'].pk}/").status_code == 200
    # Someone the token may not see is as unknown as someone who does not exist.
    hidden = api_for(people["employee"]).get(f"/api/v1/members/{people['manager'].pk}/")
    missing = api_for(people["employee"]).get("/api/v1/members/987654321/")
    not_found = (404, {"detail": "Not found."})
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json()) == not_found


# --- Bad requests -----------------------------------------------------------------------------

def api_routes() -> list[str]:
    from django.urls import get_resolver

    from tests.alliance.routes import iter_routes

    return [route.path for route in iter_routes(get_resolver()) if route.path.startswith("/api/v1/")]


@pytest.mark.django_db
def test_writing_to_a_read_only_endpoint_is_a_405_json(employee, api_for):
    for path in ("/api/v1/me/", "/api/v1/members/"):
        response = api_for(employee).post_json(path, {"role": "admin"})
        assert response.status_code == 405 and response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_malformed_json_is_never_a_500(people, api_for, method):
    """Every write endpoint answers a broken body with a 400 (or 404/405), and changes nothing."""
    from django.urls import get_resolver

    from tests.alliance.routes import fill_kwargs, iter_routes

    api = api_for(people["admin"])
    with tenant_context(people["admin"].organization_id):
        before = sorted(Membership.objects.values_list("id", "role", "manager_id", "updated_at"))
    checked = 0
    for route in iter_routes(get_resolver()):
        if not route.path.startswith("/api/v1/") or route.name in ("api_schema", "api_docs"):
            continue
        path = route.build(fill_kwargs(route, own_ids={"pk": people["employee"].pk}))
        response = getattr(api, method)(path, '{"role": "admin",', content_type="application/json")
        assert response.status_code in (400, 404, 405), (path, response.status_code, response.content)
        assert response["Content-Type"] == "application/json", path
        if response.status_code == 400:
            assert "JSON" in response.json()["detail"], path
        checked += 1
    assert checked >= 3
    with tenant_context(people["admin"].organization_id):
        after = sorted(Membership.objects.values_list("id", "role", "manager_id", "updated_at"))
    assert after == before


@pytest.mark.django_db
def test_unknown_api_address_is_a_404_json(employee, api_for):
    response = api_for(employee).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


# --- Schema and docs ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_schema_is_openapi_3_with_every_route():
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Alliance API"
    paths = schema["paths"]
    assert {"/api/v1/me/", "/api/v1/members/", "/api/v1/members/{id}/"} <= set(paths)
    assert "schema" not in " ".join(paths) and "docs" not in " ".join(paths)
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A per-organization API token."}
    members = paths["/api/v1/members/"]["get"]
    parameters = {p["name"] for p in members["parameters"]}
    assert {"cursor", "page_size", "role", "team", "status", "email", "updated_since"} <= parameters
    # Every route the server answers under /api/v1/ is documented (and the other way round).
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in paths}
    served = {re.sub(r"<[^>]+>", "{}", path) for path in api_routes()} - {"/api/v1/schema/", "/api/v1/docs/"}
    assert served == documented
    as_json = Client().get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200 and json.loads(as_json.content)["paths"].keys() == paths.keys()


@pytest.mark.django_db
def test_schema_validates_and_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert yaml.safe_load(target.read_text())["paths"]


@pytest.mark.django_db
def test_docs_are_served_from_our_own_static_files():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


@pytest.mark.parametrize("value", ["1e9999999", "2.5", "abc"])
def test_member_manager_filter_takes_whole_numbers_only(api_for, hr, value):
    response = api_for(hr).get(f"/api/v1/members/?manager={value}")
    assert response.status_code == 400
    assert "manager" in response.json()["errors"]
