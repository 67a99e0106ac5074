"""The benefits catalog (invest): HR keeps it; an alumnus sees the tiers they belong to — a
non-distinguished alumnus never sees a distinguished-only benefit, on pages or in the API."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alumni.models import Benefit
from tests.alumni.engage import benefit
from tests.alumni.network import make_alumnus, set_level


@pytest.fixture
def catalog(org, admin, hr):
    set_level(admin, "invest")
    return benefit(org, hr, "Shop discount"), benefit(org, hr, "Advisory board seat", "distinguished")


def test_alumni_see_the_benefits_of_their_tier(org, catalog, client_for):
    plain = make_alumnus(org, "plain@home.test", "Plain")
    star = make_alumnus(org, "star@home.test", "Star", distinguished=True)
    shop, board = catalog
    plain_page = client_for(plain).get("/o/acme/alumni/benefits/").content.decode()
    assert "Shop discount" in plain_page and "Advisory board seat" not in plain_page
    assert "Advisory board seat" not in client_for(plain).get("/o/acme/alumni/benefits/?tier=distinguished"
                                                              ).content.decode()
    star_page = client_for(star).get("/o/acme/alumni/benefits/").content.decode()
    assert "Shop discount" in star_page and "Advisory board seat" in star_page


def test_hr_sees_and_keeps_the_whole_catalog(org, hr, employee, catalog, client_for, api_for):
    shop, board = catalog
    page = client_for(hr)
    assert "Advisory board seat" in page.get("/o/acme/alumni-network/benefits/").content.decode()
    titles = {row["title"] for row in api_for(hr).get("/api/v1/benefits/").json()["results"]}
    assert titles == {"Shop discount", "Advisory board seat"}
    assert api_for(hr).get(f"/api/v1/benefits/{board.pk}/").json()["tier"] == "distinguished"
    bad = page.post("/o/acme/alumni-network/benefits/", {"title": "X", "kind": "free lunch", "tier": "alumni",
                                                          "description": "d", "how_to_claim": "h"})
    assert bad.status_code == 400
    assert page.post(f"/o/acme/alumni-network/benefits/{shop.pk}/", {
        "title": "Shop discount 30%", "kind": "product_discount", "tier": "alumni", "description": "More",
        "how_to_claim": "Code"}).status_code == 302
    assert client_for(employee).post(f"/o/acme/alumni-network/benefits/{shop.pk}/delete/").status_code == 403
    asked = page.post(f"/o/acme/alumni-network/benefits/{board.pk}/delete/")
    assert asked.status_code == 200 and "Remove it" in asked.content.decode()  # it asks first
    assert page.post(f"/o/acme/alumni-network/benefits/{board.pk}/delete/", {"confirmed": "1"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        assert list(Benefit.objects.values_list("title", flat=True)) == ["Shop discount 30%"]


def test_employees_have_no_benefits_catalog(org, employee, catalog, client_for, api_for):
    assert client_for(employee).get("/o/acme/alumni/benefits/").status_code == 404
    assert api_for(employee).get("/api/v1/benefits/").status_code == 404
    assert api_for(employee).get(f"/api/v1/benefits/{catalog[0].pk}/").status_code == 404


def test_the_benefit_list_api_runs_a_constant_number_of_queries(org, hr, catalog, api_for,
                                                                django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(hr)
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/benefits/").json()["results"]) == 2
    for i in range(10):
        benefit(org, hr, f"Perk {i}", "distinguished" if i % 2 else "alumni")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/benefits/").json()["results"]) == 12
