"""In a real Chromium, on a phone (390 px): an administrator creates a SCIM token on the settings page (shown
once), the identity provider deactivates a member with it, HR finds the member suspended with the link to
start their exit, and the administrator revokes the token after confirming. Every page fits and passes axe."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from alliance.models import Membership
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import sign_in
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK, raw_choice_values

pytestmark = pytest.mark.browser


@pytest.fixture
def acme(transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="ada@acme.test",
                              user__full_name="Ada Admin")
    dana = MembershipFactory(organization=acme, user__full_name="Dana Data", user__email="dana@acme.test")
    return {"admin": admin, "dana": dana}


def check(page) -> None:
    page.add_script_tag(url=f"/static/vendor/{AXE}")
    result = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": raw_choice_values()})
    assert result["width"] <= 390, result["wide"]
    assert result["violations"] == [] and result["raw"] == [], result


def test_admin_creates_uses_and_revokes_a_scim_token_on_a_phone(page_for, acme):
    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ada@acme.test")
    page.wait_for_url(re.compile(r"/o/acme/$"))
    page.goto("/o/acme/settings/")
    page.get_by_role("heading", name="Provisioning with SCIM").wait_for()
    check(page)
    page.get_by_label("Token name").fill("Okta")
    page.get_by_role("button", name="Create SCIM token").click()
    token = page.locator("#new-scim-token").inner_text().strip()
    assert token.startswith("scim_")
    check(page)

    scim = Client()
    response = scim.patch(f"/scim/v2/Users/{acme['dana'].pk}", json.dumps({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}]}),
        content_type="application/scim+json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    with tenant_context(acme["admin"].organization_id):
        assert Membership.objects.get(pk=acme["dana"].pk).status == Membership.Status.SUSPENDED

    page.goto("/o/acme/members/?status=suspended")
    page.get_by_role("link", name="Dana Data").first.click()
    page.get_by_text("deactivated by your identity provider").wait_for()
    assert page.get_by_role("link", name="start their exit").count() == 1
    check(page)

    page.goto("/o/acme/settings/")
    assert page.locator("#new-scim-token").count() == 0  # shown once
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("revoked").first.wait_for()
    assert asked and "Okta" in asked[0]
    check(page)
    again = Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 401
