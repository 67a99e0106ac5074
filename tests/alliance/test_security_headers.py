"""Every page is sent with the Content-Security-Policy (django-csp)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/", "/api/v1/docs/", "/nowhere/"])
def test_every_page_has_the_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    # django-csp adds a nonce only when a template used it: no page needs an inline script.
    assert re.fullmatch(r"'self'( 'nonce-[\w+/=-]+')?", directives["script-src"])
    assert directives["style-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/tours/", "/api/v1/nowhere/"])
def test_api_json_answers_have_the_fixed_policy_of_a_non_document(client, api_for, hr, path):
    from alliance.middleware import API_CONTENT_SECURITY_POLICY

    for response in (api_for(hr).get(path), client.get(path)):  # with a token, and without (401/404)
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY == (
            "default-src 'none'; frame-ancestors 'none'")


def test_signed_in_pages_have_the_policy(client_for, employee):
    response = client_for(employee).get(f"/o/{employee.organization.slug}/")
    assert response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_has_inline_script_handlers_or_style_attributes():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)(?![^>]*application/json)[^>]*>", r"\son[a-z]+=\"",
                        r"\sstyle=\"", r"<style[\s>](?![^>]*nonce=)"):
            if re.search(pattern, text):
                offenders.append(f"{template}: {pattern}")
    assert offenders == []
