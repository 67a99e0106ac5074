"""In a real Chromium: an alumnus signs in, reads the pinned news, joins a full event's waiting list and
gets the seat when someone cancels; the unsubscribe link works without signing in."""

from __future__ import annotations

import re

import pytest

from alliance.models import Membership
from alliance.tenancy import tenant_context
from alumni import services
from alumni.models import EventRsvp
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alumni.engage import consent_to_news, event, post
from tests.alumni.network import set_level
from tests.alumni.test_browser import PASSWORD, sign_in
from tests.helpers import nav_link

pytestmark = pytest.mark.browser


def test_an_alumnus_reads_news_and_rsvps_to_an_event(page_for, transactional_db, live_server):
    acme = OrganizationFactory(slug="acme", name="Acme Robotics")
    admin = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    hr = MembershipFactory(organization=acme, role=Membership.Role.HR, user__email="hr@acme.test")
    ada = MembershipFactory(organization=acme, status=Membership.Status.ALUMNUS, user__email="ada@home.example",
                            user__full_name="Ada Alumna")
    bo = MembershipFactory(organization=acme, status=Membership.Status.ALUMNUS, user__email="bo@home.example")
    for person in (ada, bo):
        person.user.set_password(PASSWORD)
        person.user.save()
    consent_to_news(acme, ada)
    set_level(admin, "invest")
    post(acme, hr, "Fleet news", "The **fleet** grows", pinned=True)
    party = event(acme, hr, "Summer evening", capacity=1)
    with tenant_context(acme.pk):
        bo.organization = acme
        services.event_rsvp(event=party, by=bo)

    page = page_for()
    sign_in(page, "ada@home.example", r"/o/acme/alumni/$")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == ["Alumni", "Directory", "Referrals & leads", "News",
                                                         "Events", "Benefits"]
    nav.get_by_role("link", name="News").click()
    page.get_by_role("link", name="Fleet news").click()
    assert page.locator(".markdown strong").inner_text() == "fleet"
    nav_link(page, "Events").click()
    page.get_by_role("link", name="Summer evening").click()
    page.get_by_role("button", name="Join the waiting list").click()
    page.get_by_text("number 1 in line").wait_for()

    with tenant_context(acme.pk):
        services.event_rsvp_cancel(event=party, by=bo)
        assert EventRsvp.objects.get(member=ada).state == "going"
    page.reload()
    page.get_by_text("You are going").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == f"event-{party.pk}.ics"

    stranger = page_for()
    stranger.goto(live_server.url + "/alumni/unsubscribe/" + services.unsubscribe_token(ada) + "/")
    stranger.get_by_role("button", name="Unsubscribe").click()
    stranger.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert re.search(r"/alumni/unsubscribe/", stranger.url)
