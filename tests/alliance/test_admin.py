"""The operators' admin site: staff only, across organizations, in the audited block."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from alliance.models import User
from tests.alliance.factories import make_invitation


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("ops@alliance.test", "an-operator-passphrase", full_name="Ops")


@pytest.mark.django_db
def test_every_admin_page_opens_for_an_operator(operator, employee, outsider, hr, caplog):
    make_invitation(hr, email="invitee@example.com")
    client = Client()
    client.force_login(operator)
    opened = 0
    request = client.get("/").wsgi_request
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        # Rows written only by the product (the outbox's e-mails) have no add page.
        views = ("changelist", "add") if model_admin.has_add_permission(request) else ("changelist",)
        for view in views:
            response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"))
            assert response.status_code == 200, (meta.label, view)
            opened += 1
    assert opened >= 10
    # Rows of both organizations are listed: the admin crosses tenants, and says so in the audit log.
    changelist = client.get(reverse("admin:alliance_membership_changelist")).content.decode()
    assert escape(employee.user.full_name) in changelist and escape(outsider.user.full_name) in changelist
    assert any("cross-tenant access: admin site" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_admin_user_add_form_creates_a_user(operator):
    client = Client()
    client.force_login(operator)
    response = client.post(reverse("admin:alliance_user_add"), {
        "email": "Fresh@Example.com", "full_name": "Fresh Person",
        "password1": "a-long-fresh-passphrase", "password2": "a-long-fresh-passphrase",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="fresh@example.com").check_password("a-long-fresh-passphrase")


@pytest.mark.django_db
def test_members_of_organizations_are_not_let_into_the_admin(admin, client_for):
    response = client_for(admin).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
def test_an_operator_sends_a_failed_password_reset_again(operator, employee):
    from datetime import timedelta

    from django.utils import timezone

    from alliance.models import SystemEmail
    from alliance.outbox import outbox_dispatch

    Client().post("/accounts/password/reset/", {"email": employee.user.email})
    SystemEmail.objects.update(status="failed", last_error="SMTPServerDisconnected: gone",
                               give_up_at=timezone.now() - timedelta(days=1))
    client = Client()
    client.force_login(operator)
    changelist = client.get(reverse("admin:alliance_systememail_changelist")).content.decode()
    assert employee.user.email in changelist and "SMTPServerDisconnected" in changelist
    assert "/accounts/password/reset/" not in changelist  # the reset link is never shown
    row = SystemEmail.objects.get()
    response = client.post(reverse("admin:alliance_systememail_changelist"),
                           {"action": "send_again", "_selected_action": [row.pk]})
    assert response.status_code == 302
    assert outbox_dispatch()[0] == {"sent": 1}
    assert SystemEmail.objects.get().status == "sent"
