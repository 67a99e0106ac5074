"""The administrators' webhook pages in a real Chromium on a phone (390 px), each passing axe-core: register an
endpoint (the secret shown once), send a test event that reaches a real receiver, see it in the delivery log
and send it again, rotate the secret, disable the endpoint (asked first)."""

from __future__ import annotations

import re

import pytest

from alliance import tenancy
from alliance.models import Membership, WebhookEndpoint
from alliance.webhooks.delivery import webhooks_dispatch
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import sign_in
from tests.alliance.webhook_receiver import Receiver
from tests.helpers import nav_link
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK

pytestmark = pytest.mark.browser


def check_page(page) -> None:
    from django.conf import settings

    page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
    result = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": []})
    assert result["violations"] == [] and result["width"] <= 390, result


def test_an_admin_manages_a_webhook_endpoint_on_a_phone(page_for, transactional_db):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="ada@acme.test")
    receiver = Receiver().start()
    try:
        page = page_for()
        page.set_viewport_size({"width": 390, "height": 844})
        sign_in(page, "ada@acme.test")
        page.wait_for_url(re.compile(r"/o/acme/$"))
        nav_link(page, "Webhooks").click()
        page.wait_for_url("**/o/acme/settings/webhooks/")
        check_page(page)
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("The CRM's inbox for everything that happens to our people")
        page.locator("input[name=event_types][value='member.updated']").check()
        page.locator("input[name=event_types][value='tour.accepted']").check()
        page.get_by_role("button", name="Add the endpoint").click()
        secret = page.locator("#new-secret").inner_text().strip()
        assert secret.startswith("whsec_")
        check_page(page)
        receiver.secrets.append(secret)
        page.get_by_role("link", name="Open the endpoint").click()
        assert secret not in page.content()  # shown once
        page.get_by_role("button", name="Send a test event").click()
        assert "A test event is on its way" in page.content()
        assert webhooks_dispatch()[0] == {"delivered": 1}
        assert receiver.types() == ["webhook.test"] and receiver.received[0].verified_with == [secret]
        page.reload()
        assert "webhook.test" in page.content() and "answered 200" in page.content()
        check_page(page)
        page.get_by_role("button", name="Send again").click()
        assert "on its way again" in page.content()
        webhooks_dispatch()
        assert len(receiver.received) == 2
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Rotate the secret").click()
        page.wait_for_selector("#new-secret")
        rotated = page.locator("#new-secret").inner_text().strip()
        assert rotated.startswith("whsec_") and rotated != secret
        check_page(page)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Disable").click()
        page.wait_for_selector("text=The endpoint is disabled.")
        check_page(page)
        with tenancy.tenant_context(acme.pk):
            endpoint = WebhookEndpoint.objects.get()
        assert not endpoint.enabled and endpoint.previous_secret == secret and endpoint.secret == rotated
        assert endpoint.event_types == ["tour.accepted", "member.updated"]
    finally:
        receiver.stop()
