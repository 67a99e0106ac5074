"""Two-factor sign-in (allauth.mfa): enrolling an authenticator app, signing in with its code, a role that
requires it, an administrator's reset, and the second factor asked before an API token is made."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import Client
from django.urls import reverse

from alliance.models import ApiToken, Notification, TwoFactorRequirement, TwoFactorReset
from alliance.tenancy import tenant_context

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _one_period_of_tolerance(settings):
    # allauth refuses a code used once already: the tests take the next period's code for a second use.
    settings.MFA_TOTP_TOLERANCE = 1


def totp_code(secret: str, *, step: int = 0) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2] + step))


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def enrol(client: Client) -> str:
    """Turns on the authenticator app for the signed-in person; returns its secret."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
    return secret


def test_a_person_turns_on_an_authenticator_and_then_signs_in_with_its_code(employee):
    client = Client()
    assert sign_in(client, employee.user.email).status_code == 302
    secret = enrol(client)
    assert Authenticator.objects.filter(user=employee.user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it.
    assert Authenticator.objects.filter(user=employee.user, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.post(reverse("logout"))

    response = sign_in(client, employee.user.email)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the password alone opens nothing.
    assert client.get(reverse("dashboard", args=[employee.organization.slug])).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, step=1)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard", args=[employee.organization.slug])).status_code == 200


def test_a_wrong_password_still_counts_towards_the_lockout_and_asks_no_code(employee, settings):
    client = Client()
    response = sign_in(client, employee.user.email, "wrong password")
    assert response.status_code == 200 and "correct" in response.content.decode().lower()


def test_a_role_that_requires_a_second_factor_enrols_at_the_next_sign_in(admin, employee, client_for):
    settings_page = client_for(admin)
    response = settings_page.post(reverse("two_factor_requirement", args=["acme"]), {"roles": ["employee", "hr"]})
    assert response.status_code == 302
    with tenant_context(admin.organization_id):
        assert set(TwoFactorRequirement.objects.values_list("role", flat=True)) == {"employee", "hr"}
    page = settings_page.get(reverse("organization_settings", args=["acme"]))
    assert 'value="employee" checked' in page.content.decode().replace('checked=""', "checked") or \
        b'value="employee"' in page.content

    client = Client()
    assert sign_in(client, employee.user.email).status_code == 302
    dashboard = reverse("dashboard", args=["acme"])
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    enrol(client)
    assert client.get(dashboard).status_code == 200

    # The manager's role is not required: nothing to enrol.
    other = Client()
    sign_in(other, "manager@acme.test")
    assert other.get(dashboard).status_code == 200


def test_only_an_administrator_sets_the_requirement(hr, admin, client_for):
    response = client_for(hr).post(reverse("two_factor_requirement", args=["acme"]), {"roles": ["hr"]})
    assert response.status_code == 403
    response = client_for(admin).post(reverse("two_factor_requirement", args=["acme"]), {"roles": ["boss"]})
    assert response.status_code == 302
    with tenant_context(admin.organization_id):
        assert not TwoFactorRequirement.objects.exists()


def test_an_administrator_resets_a_second_factor_the_person_is_told(admin, hr, employee, outsider, client_for):
    client = Client()
    sign_in(client, employee.user.email)
    enrol(client)
    url = reverse("two_factor_reset", args=["acme", employee.pk])
    assert client_for(hr).post(url).status_code == 403
    assert client_for(outsider).post(reverse("two_factor_reset", args=["globex", employee.pk])).status_code == 404
    assert Authenticator.objects.filter(user=employee.user).exists()

    page = client_for(admin).get(reverse("member_edit", args=["acme", employee.pk]))
    assert "Reset the second factor" in page.content.decode()
    response = client_for(admin).post(url)
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=employee.user).exists()
    with tenant_context(admin.organization_id):
        reset = TwoFactorReset.objects.get()
        assert (reset.membership_id, reset.by_id) == (employee.pk, admin.pk)
        assert Notification.objects.filter(recipient=employee, kind="two_factor_reset").exists()
    # Again: nothing left to reset, said plainly, nothing recorded.
    response = client_for(admin).post(url, follow=True)
    assert "has no second factor to reset" in response.content.decode()
    with tenant_context(admin.organization_id):
        assert TwoFactorReset.objects.count() == 1
    # They sign in with the password alone again.
    fresh = Client()
    assert sign_in(fresh, employee.user.email)["Location"] != reverse("mfa_authenticate")


def test_making_an_api_token_asks_for_the_second_factor_when_enrolled(employee, settings):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 2  # a sign-in counts as a confirmation for this long
    client = Client()
    sign_in(client, employee.user.email)
    url = reverse("api_tokens", args=["acme"])
    # Without a second factor, nothing changes: the token is made at once.
    assert client.post(url, {"name": "before"}).status_code == 200
    secret = enrol(client)
    client.post(reverse("logout"))
    sign_in(client, employee.user.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, step=1)})
    assert client.post(url, {"name": "just signed in"}).status_code == 200  # both factors given just now
    time.sleep(2.1)

    response = client.post(url, {"name": "laptop"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    with tenant_context(employee.organization_id):
        assert not ApiToken.objects.filter(name="laptop").exists()
    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    confirmed = client.post(response["Location"], {"code": totp_code(secret, step=-1)})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    assert client.post(url, {"name": "laptop"}).status_code == 200
    with tenant_context(employee.organization_id):
        assert ApiToken.objects.filter(name="laptop").exists()
