"""The Content-Security-Policy in a real Chromium: the pages and the API docs work under it, and
what it blocks is caught (page_for fails a test on any violation)."""

from __future__ import annotations

import pytest

from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.conftest import CSP_VIOLATION_LISTENER, _is_csp_violation

pytestmark = pytest.mark.browser


def test_the_api_docs_work_under_the_policy(page_for, transactional_db):
    page = page_for()
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The tours list's own operation. Swagger UI renders only the operations near the viewport (a virtual
    # list), so scroll down to it.
    tours = page.locator('.opblock-summary-path[data-path="/api/v1/tours/"]')
    page.locator(".opblock-tag").first.wait_for()
    for _ in range(200):
        if tours.count():
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(50)
    tours.first.wait_for()
    assert page.get_by_role("heading", name="Alliance API").count() >= 1


def test_an_inline_script_is_blocked_and_caught(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        seen: list[str] = []
        page.on("console", lambda message: seen.append(message.text))
        context.add_init_script(CSP_VIOLATION_LISTENER)
        page.goto("/accounts/login/")
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.ran = true";
            document.body.append(script);
        }""")
        assert page.evaluate("() => window.ran === undefined")
        page.wait_for_timeout(200)
        assert any(_is_csp_violation(text) for text in seen), seen
    finally:
        context.close()


def test_locked_out_sign_in_says_how_long_to_wait(page_for, transactional_db, settings):
    org = OrganizationFactory(slug="acme")
    member = MembershipFactory(organization=org, user__email="lou@acme.test")
    page = page_for()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail").fill(member.user.email)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Too many failed sign-ins").wait_for()
    assert "Try again in 15 minutes" in page.content()
