"""The alliance's health page in Chromium, at 1280 and 390 px: every chart drawn beside its table, nothing
wider than the screen, no serious or critical axe-core finding; the manager's version with their to-do."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.alliance import health_world
from tests.test_browser_sweep import AXE, AXE_TAGS, CHECK

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db, org, admin, hr, manager):
    return health_world.build(org, admin, hr, manager)


def open_as(browser, live_server, member, width: int):
    client = Client()
    client.force_login(member.user)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("who", ["hr", "manager"])
def test_the_health_page_draws_its_charts_and_passes_axe(browser, live_server, world, hr, who, width):
    member, path = (hr, "/o/acme/alliance/") if who == "hr" else (world.manager, "/o/acme/team/alliance/")
    context = open_as(browser, live_server, member, width)
    try:
        page = context.new_page()
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        page.wait_for_function("() => window.Chart && document.querySelectorAll('canvas[data-chart]').length > 0 "
                               "&& [...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
        charts = page.locator("canvas[data-chart]")
        assert charts.count() >= 10
        assert charts.first.get_attribute("role") == "img" and charts.first.get_attribute("aria-label")
        assert page.get_by_role("table").count() == page.locator(".health-figure").count()
        assert page.get_by_role("link", name="Download “Coverage: members with an agreed, current tour” as CSV")\
            .get_attribute("href").startswith(path + "coverage.csv")
        if who == "manager":
            assert page.get_by_role("heading", name="My to-do").is_visible()
            assert page.get_by_role("heading", name="Checkpoints to hold").is_visible()
        page.locator("select[name=team]").select_option("Data")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(lambda url: "team=Data" in url)
        page.add_script_tag(url=f"{settings.STATIC_URL}vendor/{AXE}")
        found = page.evaluate(CHECK, {"tags": AXE_TAGS, "raw": []})
        assert found["width"] <= width, found["wide"]
        assert found["violations"] == []
    finally:
        context.close()
