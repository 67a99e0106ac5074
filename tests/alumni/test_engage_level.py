"""The level gate of news, benefits and events, route by route and API by API: each level × alumnus,
employee, HR and someone of another organization. Going down a level deletes nothing."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alumni.models import AlumniEvent, Benefit, EventRsvp, NewsPost
from tests.alumni.engage import benefit, event, post
from tests.alumni.network import make_alumnus, set_level

# (path, the feature's level, HR's page?) — {post}, {benefit}, {event} are filled with real ids.
PAGES = [
    ("/o/acme/alumni/news/", "support", False),
    ("/o/acme/alumni/news/{post}/", "support", False),
    ("/o/acme/alumni/benefits/", "invest", False),
    ("/o/acme/alumni/events/", "invest", False),
    ("/o/acme/alumni/events/{event}/", "invest", False),
    ("/o/acme/alumni/events/{event}/invite.ics", "invest", False),
    ("/o/acme/alumni-network/news/", "support", True),
    ("/o/acme/alumni-network/news/{post}/", "support", True),
    ("/o/acme/alumni-network/benefits/", "invest", True),
    ("/o/acme/alumni-network/benefits/{benefit}/", "invest", True),
    ("/o/acme/alumni-network/events/", "invest", True),
    ("/o/acme/alumni-network/events/{event}/", "invest", True),
]
POSTS = [
    ("/o/acme/alumni/events/{event}/rsvp/", "invest"),
    ("/o/acme/alumni/events/{event}/cancel-rsvp/", "invest"),
    ("/o/acme/alumni-network/news/{post}/delete/", "support"),
    ("/o/acme/alumni-network/benefits/{benefit}/delete/", "invest"),
    ("/o/acme/alumni-network/events/{event}/cancel/", "invest"),
    ("/o/acme/alumni-network/newsletter/", "support"),
]
APIS = [
    ("/api/v1/alumni-news/", "support"),
    ("/api/v1/alumni-news/{post}/", "support"),
    ("/api/v1/benefits/", "invest"),
    ("/api/v1/benefits/{benefit}/", "invest"),
    ("/api/v1/events/", "invest"),
    ("/api/v1/events/{event}/", "invest"),
]
RANK = {"ignore": 0, "support": 1, "invest": 2}


@pytest.fixture
def things(org, admin, hr):
    set_level(admin, "invest")
    return {"post": post(org, hr).pk, "benefit": benefit(org, hr, "Perk").pk, "event": event(org, hr).pk}


def expected_page(level: str, needs: str, hr_page: bool, who: str, path: str) -> int:
    if who == "outsider":
        return 404
    if who == "alumnus" and hr_page:
        return 404  # HR's pages are not part of the alumni area
    if RANK[level] < RANK[needs]:
        return 404
    if "/benefits/" in path and who == "employee" and not hr_page:
        return 404  # the catalog is the alumni's (HR keeps it)
    if hr_page and who == "employee":
        return 403
    return 200


@pytest.mark.parametrize("level", ["ignore", "support", "invest"])
def test_every_new_page_follows_the_level(org, admin, hr, employee, outsider, things, client_for, level):
    alumnus = make_alumnus(org, "alum@home.test", "Ada Alumna")
    set_level(admin, level)
    clients = {"alumnus": client_for(alumnus), "employee": client_for(employee), "hr": client_for(hr),
               "outsider": client_for(outsider)}
    for template, needs, hr_page in PAGES:
        path = template.format(**things)
        for who, client in clients.items():
            assert client.get(path).status_code == expected_page(level, needs, hr_page, who, path), (who, path)


@pytest.mark.parametrize("level", ["ignore", "support"])
def test_below_their_level_writes_are_a_404_and_change_nothing(org, admin, hr, employee, things, client_for,
                                                               level):
    alumnus = make_alumnus(org, "alum@home.test", "Ada Alumna")
    set_level(admin, level)
    for template, needs in POSTS:
        if RANK[level] >= RANK[needs]:
            continue
        path = template.format(**things)
        for member in (alumnus, employee, hr):
            assert client_for(member).post(path, {"frequency": "weekly"}).status_code == 404, path
    with tenancy.tenant_context(org.pk):
        assert NewsPost.objects.count() == Benefit.objects.count() == AlumniEvent.objects.count() == 1
        assert not EventRsvp.objects.exists() and AlumniEvent.objects.get().cancelled_at is None


@pytest.mark.parametrize("level", ["ignore", "support", "invest"])
def test_every_new_api_follows_the_level(org, admin, hr, employee, outsider, things, api_for, level):
    set_level(admin, level)
    for template, needs in APIS:
        path = template.format(**things)
        allowed = RANK[level] >= RANK[needs]
        assert api_for(hr).get(path).status_code == (200 if allowed else 404), path
        employee_ok = allowed and "/benefits/" not in path
        assert api_for(employee).get(path).status_code == (200 if employee_ok else 404), path
        if "{" in template:
            assert api_for(outsider).get(path).status_code == 404, path
    rsvp = api_for(employee).post(f"/api/v1/events/{things['event']}/rsvp/")
    assert rsvp.status_code == (201 if level == "invest" else 404)
    assert api_for(outsider).post(f"/api/v1/events/{things['event']}/rsvp/").status_code == 404


def test_going_down_a_level_deletes_nothing_and_going_up_shows_it_again(org, admin, employee, things,
                                                                        client_for):
    alumnus = make_alumnus(org, "alum@home.test", "Ada Alumna")
    client = client_for(alumnus)
    assert client.post(f"/o/acme/alumni/events/{things['event']}/rsvp/").status_code == 302
    set_level(admin, "ignore")
    assert client.get(f"/o/acme/alumni/events/{things['event']}/").status_code == 404
    set_level(admin, "invest")
    assert "You are going" in client.get(f"/o/acme/alumni/events/{things['event']}/").content.decode()
    assert "Perk" in client.get("/o/acme/alumni/benefits/").content.decode()


def test_the_alumni_home_shows_the_latest_news_and_the_next_events_as_the_level_allows(
        org, admin, hr, things, client_for):
    alumnus = make_alumnus(org, "alum@home.test", "Ada Alumna")
    home = client_for(alumnus).get("/o/acme/alumni/").content.decode()
    assert "Hello alumni" in home and "Summer evening" in home
    set_level(admin, "support")
    home = client_for(alumnus).get("/o/acme/alumni/").content.decode()
    assert "Hello alumni" in home and "Summer evening" not in home
