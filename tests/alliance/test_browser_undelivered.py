"""The admins' Undelivered e-mail page in a real browser, on a phone: readable, and "Send again" works."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import services, tenancy
from alliance.models import Membership, OutboundEmail
from alliance.outbox import outbox_dispatch
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import nav_link, sent_mail
from tests.tours.test_browser import SCREENSHOTS
from tests.tours.test_browser_phone import overflow, phone, sign_in

pytestmark = pytest.mark.browser


def test_an_admin_sends_undelivered_email_again_from_a_phone(page_for, transactional_db, mail_server):
    acme = OrganizationFactory(slug="acme", name="Acme")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    address = "a.very.long.address.of.a.newcomer.that.does.not.fit@subsidiary.example.com"
    with tenancy.tenant_context(acme.pk):
        services.invitation_create(by=admin, email=address, role="employee")
    with tenancy.cross_tenant(reason="test: a day of failures later"):
        OutboundEmail.objects.update(give_up_at=timezone.now() - timedelta(seconds=1))
    assert outbox_dispatch()[0] == {"failed": 1}

    page = phone(page_for)
    sign_in(page, "admin@acme.test")
    nav_link(page, "Undelivered e-mail").click()
    page.wait_for_url("**/o/acme/undelivered-email/")
    page.screenshot(path=str(SCREENSHOTS / "phone-undelivered-email.png"), full_page=True)
    assert overflow(page) <= 0
    assert "ConnectionRefusedError" in page.content()
    mail_server.start()
    page.get_by_role("button", name="Send again").click()
    page.wait_for_url("**/o/acme/undelivered-email/")
    assert "is on its way again" in page.content() and "Every e-mail was delivered" in page.content()
    assert outbox_dispatch()[0] == {"sent": 1}
    assert mail_server.recipients() == [address]
    assert sent_mail() == []  # through SMTP, not the test's locmem transport
