"""Errors answer as their audience reads them, whatever DEBUG is: JSON under /api/, the app's own pages
in the browser (Django's technical pages only with DEBUG_PAGES)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.alliance.error_urls"


def _json(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/api/v1/tours/abc/", "/api/v1/nope/", "/api/nope/", "/api/v1/members/abc/"])
def test_an_api_path_that_matches_no_route_is_a_json_404(client, path, debug):
    with override_settings(DEBUG=debug):
        assert _json(client.get(path), 404) == {"detail": "Not found."}


@pytest.mark.parametrize("debug_pages", [True, False])
def test_the_api_answers_json_under_debug_even_with_the_technical_pages_asked(client, debug_pages):
    with override_settings(DEBUG=True, DEBUG_PAGES=debug_pages):
        assert _json(client.get("/api/v1/tours/abc/"), 404) == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [True, False])
def test_a_server_error_under_the_api_is_json(debug):
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug, ROOT_URLCONF=ERROR_URLS):
        assert _json(client.get("/api/v1/crash/"), 500) == {"detail": "Server error."}


def test_a_refusal_of_django_under_the_api_is_json(client):
    with override_settings(ROOT_URLCONF=ERROR_URLS):
        body = _json(client.get("/api/v1/refuse/"), 403)
    assert body == {"detail": "You do not have permission to perform this action."}


def test_the_api_error_keeps_the_api_content_security_policy(client):
    with override_settings(DEBUG=True):
        response = client.get("/api/v1/nope/")
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_an_api_path_without_its_slash_is_still_redirected(client):
    with override_settings(DEBUG=False):
        response = client.get("/api/v1/me")
    assert response.status_code == 301 and response["Location"] == "/api/v1/me/"


@pytest.mark.parametrize("debug", [True, False])
def test_a_browser_404_is_the_apps_page(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert b"There is nothing here" in response.content
    assert b"DEBUG = True" not in response.content


def test_a_404_inside_an_organization_is_the_apps_page_under_debug(client_for, employee, outsider):
    with override_settings(DEBUG=True):
        response = client_for(employee).get(f"/o/{outsider.organization.slug}/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]


@pytest.mark.parametrize("debug", [True, False])
def test_a_browser_500_is_the_apps_page(debug):
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug, ROOT_URLCONF=ERROR_URLS):
        response = client.get("/crash/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"a bug" not in response.content


def test_a_403_is_the_apps_page_under_debug(client_for, employee):
    with override_settings(DEBUG=True):
        response = client_for(employee).get(f"/o/{employee.organization.slug}/members/")
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]


def test_debug_pages_asks_for_djangos_technical_pages(client):
    crashing = Client(raise_request_exception=False)
    with override_settings(DEBUG=True, DEBUG_PAGES=True):
        assert b"DEBUG = True" in client.get("/nothing-here/").content
        with override_settings(ROOT_URLCONF=ERROR_URLS):
            assert b"a bug" in crashing.get("/crash/").content


def test_an_own_404_page_stays_as_it_is_under_debug(client):
    with override_settings(DEBUG=True):
        response = client.get("/invite/not-a-token/")
    assert response.status_code == 404
    assert "alliance/invitation_invalid.html" in [template.name for template in response.templates]
