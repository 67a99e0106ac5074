"""A recurring 1:1 in a real Chromium: the manager starts a weekly series, the report adds talking points, the
manager records the meeting, and the point left undiscussed is on the next meeting's agenda; on a 390 px phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.tenancy import tenant_context
from tests.helpers import choose_person, nav_link
from tests.tours.test_browser import sign_in, team  # noqa: F401 (the fixture)
from tours.models import OneOnOne, OneOnOneSeries, TalkingPoint

pytestmark = pytest.mark.browser


def test_weekly_series_talking_points_record_and_carry_over(page_for, team):  # noqa: F811
    acme, dana = team["acme"], team["dana"]
    manager = page_for()
    sign_in(manager, "maya@acme.test")
    nav_link(manager, "My 1:1s").click()
    manager.get_by_role("link", name="Start a 1:1 series").click()
    choose_person(manager, "With", "Dana", "Dana Data")
    manager.get_by_label("Cadence").select_option("weekly")
    manager.get_by_label("First meeting").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    manager.get_by_role("button", name="Start the series").click()
    manager.get_by_role("heading", name=re.compile("1:1s · Dana Data with Maya Lead")).wait_for()
    assert manager.locator("article[id^=meeting-]").count() == 4

    # The report prepares on a phone: two talking points on the first meeting.
    report = page_for()
    report.set_viewport_size({"width": 390, "height": 844})
    sign_in(report, "dana@acme.test")
    nav_link(report, "My 1:1s").click()
    report.get_by_role("link", name="Maya Lead").click()
    first = report.locator("article[id^=meeting-]").first
    for text in ("Career growth", "Conference budget"):
        first.get_by_label("Add a talking point").fill(text)
        first.get_by_role("button", name="Add").click()
        report.locator("article[id^=meeting-]").first.get_by_text(text).wait_for()
    assert report.evaluate("document.documentElement.scrollWidth") <= 390

    # The meeting takes place (its time comes), and the manager records it.
    with tenant_context(acme.pk):
        series = OneOnOneSeries.objects.for_org(acme.pk).get(report=dana)
        meeting = OneOnOne.objects.for_org(acme.pk).filter(series=series).order_by("scheduled_at").first()
        when = timezone.now() - timedelta(minutes=30)
        OneOnOne.objects.for_org(acme.pk).filter(pk=meeting.pk).update(scheduled_at=when, original_at=when)
    manager.reload()
    manager.locator(f"#meeting-{meeting.pk}").get_by_role("link", name="Record it").click()
    manager.get_by_label("Career growth").check()
    manager.get_by_label("Shared notes").fill("Dana takes the lead on the data roadmap.")
    manager.get_by_role("button", name="Record it").click()
    manager.locator(f"#meeting-{meeting.pk}").get_by_text("Held").wait_for()

    with tenant_context(acme.pk):
        following = (OneOnOne.objects.for_org(acme.pk).filter(series=series, status="scheduled")
                     .order_by("scheduled_at").first())
        carried = list(TalkingPoint.objects.for_org(acme.pk).filter(meeting=following).values_list("text", flat=True))
    assert carried == ["Conference budget"]
    report.reload()
    report.locator(f"#meeting-{following.pk}").get_by_text("Conference budget").wait_for()
    assert report.locator(f"#meeting-{following.pk}").get_by_text("carried over").is_visible()
    assert report.evaluate("document.documentElement.scrollWidth") <= 390
