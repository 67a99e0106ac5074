"""In a real Chromium: an administrator requires a second factor for employees; an employee's next sign-in
asks them to set up an authenticator app first; they sign out and in again with its code. The second-factor
pages fit a phone (390 px) and pass axe-core."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_browser import sign_in
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK, raw_choice_values

pytestmark = pytest.mark.browser


def code_for(secret: str, *, step: int = 0) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2] + step))


def fits_and_passes_axe(page) -> None:
    page.add_script_tag(url=f"/static/vendor/{AXE}")
    result = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": raw_choice_values()})
    assert result["width"] <= 390, (page.url, result["wide"])
    assert result["violations"] == [], (page.url, result["violations"])


def sign_out(page) -> None:
    page.locator("details.usermenu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Alliance").wait_for()


def test_a_required_second_factor_is_set_up_then_used_to_sign_in(page_for, transactional_db, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # the code of enrolment cannot be used twice: the sign-in takes the next one
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="ada@acme.test")
    MembershipFactory(organization=acme, user__email="eve@acme.test", user__full_name="Eve Employee")

    admin = page_for()
    sign_in(admin, "ada@acme.test")
    admin.wait_for_url(re.compile(r"/o/acme/$"))
    admin.goto("/o/acme/settings/")
    admin.get_by_label("Employee").check()
    admin.get_by_role("button", name="Save sign-in security").click()
    admin.get_by_text("A second factor is now required for the chosen roles").wait_for()

    page = page_for()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "eve@acme.test")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    page.get_by_text("Your organization requires a second factor for your role").wait_for()
    fits_and_passes_axe(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(code_for(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    assert len(page.locator("#recovery_codes").input_value().split()) >= 10
    fits_and_passes_axe(page)
    page.goto("/o/acme/")
    page.get_by_role("link", name="Dashboard").first.wait_for()
    page.goto("/accounts/2fa/")
    page.get_by_text("Authentication using an authenticator app is active.").wait_for()
    fits_and_passes_axe(page)
    sign_out(page)

    sign_in(page, "eve@acme.test")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    fits_and_passes_axe(page)
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Incorrect code").wait_for()
    page.locator("input[name=code]").fill(code_for(secret, step=1))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))
    for path in ("/accounts/2fa/reauthenticate/", "/accounts/2fa/totp/deactivate/",
                 "/accounts/2fa/recovery-codes/generate/"):
        page.goto(path)
        page.locator("main form").first.wait_for()
        fits_and_passes_axe(page)
