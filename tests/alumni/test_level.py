"""The investment level decides the portal: every alumni route and the directory API, at each level."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from alliance import tenancy
from alumni import services
from alumni.models import AlumniProfile, AlumniSettings, Referral
from tests.alliance.routes import UNKNOWN_ID, iter_routes
from tests.alumni.network import make_alumnus, set_level

ALUMNI_AREA = [route for route in iter_routes(get_resolver())
               if route.route.startswith("/o/<slug:org_slug>/alumni/")]
# What an alumnus opens with GET at ``support`` (the others take a POST only).
PAGES = {"alumni_home", "alumni_directory", "alumni_directory_csv", "alumni_card", "alumni_referrals",
         "alumni_leads", "alumni_come_back", "alumni_sharing"}


def test_the_sweep_finds_the_alumni_area():
    assert {route.name for route in ALUMNI_AREA} >= PAGES | {"alumni_referral_new", "alumni_lead_new"}


@pytest.fixture
def alumnus(org):
    return make_alumnus(org, "alum@home.test", "Ada Alumna", current_company="Initech")


@pytest.mark.parametrize("route", ALUMNI_AREA, ids=lambda route: route.name)
def test_at_ignore_an_alumnus_reaches_no_portal_url(org, admin, alumnus, client_for, route):
    set_level(admin, "ignore")
    client = client_for(alumnus)
    path = route.build({"org_slug": "acme", **dict.fromkeys(route.int_kwargs, UNKNOWN_ID)})
    assert client.get(path).status_code == 404, path
    assert client.post(path, {"message": "Let me back", "candidate_name": "X", "candidate_email": "x@x.test",
                              "role": "Dev", "why": "Good"}).status_code == 404, path
    with tenancy.tenant_context(org.pk):
        assert not Referral.objects.exists()


# Pages of the portal that exist only from ``invest`` (at ``support`` a 404, and not in the navigation).
# Routes with an id: tests/alumni/test_engage_level.py and tests/alumni/test_reach_level.py.
INVEST_PAGES = {"alumni_benefits", "alumni_events", "alumni_openings"}
SUPPORT_PAGES = PAGES | {"alumni_news"}
# Pages about the alumnus's own exit record, at every level (this alumnus has none: a 404); with a record:
# tests/alumni/test_alumni_contact.py.
EXIT_RECORD_PAGES = {"alumni_contact"}


@pytest.mark.parametrize("level", ["support", "invest"])
def test_at_support_and_invest_the_alumnus_reaches_the_portal(org, admin, alumnus, client_for, level):
    set_level(admin, level)
    client = client_for(alumnus)
    for route in ALUMNI_AREA:
        if route.int_kwargs:
            continue  # pages of one object: tests/alumni/test_engage_level.py
        path = route.build({"org_slug": "acme"})
        if route.name in SUPPORT_PAGES or (level == "invest" and route.name in INVEST_PAGES):
            expected = 200
        elif route.name in INVEST_PAGES or route.name in EXIT_RECORD_PAGES:
            expected = 404
        else:
            expected = 302  # a form-only address opened by GET: sent up to its page
        response = client.get(path)
        assert response.status_code == expected, path
        if expected == 302:
            assert path.startswith(response["Location"]), path
    nav = client.get("/o/acme/alumni/").content.decode()
    assert ('href="/o/acme/alumni/events/"' in nav) is (level == "invest")
    assert ('href="/o/acme/alumni/benefits/"' in nav) is (level == "invest")
    assert ('href="/o/acme/alumni/openings/"' in nav) is (level == "invest")
    assert 'href="/o/acme/alumni/news/"' in nav


def test_an_alumnus_who_signs_in_at_ignore_lands_on_a_clear_page(org, admin, alumnus, client):
    set_level(admin, "ignore")
    client.force_login(alumnus.user)
    landing = client.get("/", follow=True)
    body = landing.content.decode()
    assert landing.redirect_chain[-1][0] == "/o/acme/alumni/"
    assert landing.status_code == 404 and "Acme has no alumni portal" in body
    assert "download it or ask for it to be erased" in body
    assert 'href="/o/acme/alumni/directory/"' not in body and 'href="/o/acme/alumni/referrals/"' not in body


def test_the_level_changes_what_alumni_and_employees_see_at_once_and_deletes_nothing(
        org, admin, employee, alumnus, client_for, api_for):
    distinguished = make_alumnus(org, "star@home.test", "Stella Star", distinguished=True,
                                 company_visibility="everyone", current_company="Globocorp")
    with tenancy.tenant_context(org.pk):
        distinguished_id = AlumniProfile.objects.get(member=distinguished).pk
    alumni, staff, api = client_for(alumnus), client_for(employee), api_for(employee)
    with tenancy.tenant_context(org.pk):
        alumnus.organization = org
        services.referral_create(by=alumnus, candidate_name="Bo Friend", candidate_email="bo@friend.test",
                                 role="Engineer", why="Great engineer")
    assert "Stella Star" not in alumni.get("/o/acme/alumni/").content.decode()  # support: no spotlight
    set_level(admin, "invest")
    home = alumni.get("/o/acme/alumni/").content.decode()
    assert "Distinguished alumni" in home and "Stella Star" in home
    set_level(admin, "ignore")
    assert alumni.get("/o/acme/alumni/").status_code == 404
    assert alumni.get("/o/acme/alumni/referrals/").status_code == 404
    assert staff.get("/o/acme/alumni/directory/").status_code == 404
    assert api.get("/api/v1/alumni/").status_code == 404
    assert staff.get("/o/acme/alumni/referrals/").status_code == 200  # employees refer at every level
    with tenancy.tenant_context(org.pk):  # nothing deleted going down
        assert AlumniProfile.objects.count() == 2 and Referral.objects.count() == 1
    set_level(admin, "support")
    assert "Bo Friend" in alumni.get("/o/acme/alumni/referrals/").content.decode()
    cards = {card["name"]: card for card in api.get("/api/v1/alumni/").json()["results"]}
    assert cards["Stella Star"]["current_company"] == "Globocorp" and cards["Stella Star"]["id"] == distinguished_id
    assert cards["Ada Alumna"]["current_company"] is None  # Ada shows her company to alumni only


def test_only_an_administrator_sets_the_level(org, admin, hr, client_for):
    page = client_for(hr).get("/o/acme/alumni-network/")
    assert page.status_code == 200 and "Only an administrator changes these" in page.content.decode()
    refused = client_for(hr).post("/o/acme/alumni-network/", {
        "level": "ignore", "referral_bonus_for": "nobody", "referral_bonus_amount": "0", "lead_bonus_for": "nobody",
        "lead_bonus_amount": "0", "bonus_currency": "EUR"})
    assert refused.status_code == 400 and "Only an administrator" in refused.content.decode()
    bad = client_for(admin).post("/o/acme/alumni-network/", {
        "level": "invest", "referral_bonus_for": "everyone", "referral_bonus_amount": "0", "lead_bonus_for": "nobody",
        "lead_bonus_amount": "0", "bonus_currency": "EUR"})
    assert bad.status_code == 400 and "Give the bonus amount" in bad.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not AlumniSettings.objects.exists()
    ok = client_for(admin).post("/o/acme/alumni-network/", {
        "level": "invest", "referral_bonus_for": "everyone", "referral_bonus_amount": "750", "lead_bonus_for": "alumni",
        "lead_bonus_amount": "200", "bonus_currency": "eur"})
    assert ok.status_code == 302
    with tenancy.tenant_context(org.pk):
        saved = AlumniSettings.objects.get()
    assert (saved.level, saved.referral_bonus_amount, saved.bonus_currency) == ("invest", 750, "EUR")
    assert client_for(admin).get("/o/acme/alumni-network/").status_code == 200
