"""Every list page and list endpoint runs the same number of queries, whatever the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, make_invitation


def queries_for(fetch) -> int:
    fetch()  # warm up: per-process caches, the token's last-used write
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def grow(org, manager, count: int) -> None:
    """Members with a manager, a title and a team: everything the rows show."""
    MembershipFactory.create_batch(count, organization=org, manager=manager, team="Growth")


@pytest.mark.django_db
def test_members_page_query_count_is_constant(org, hr, manager, client_for):
    client = client_for(hr)
    grow(org, manager, 1)  # hr, admin, manager and one report: 4 rows
    small = queries_for(lambda: client.get("/o/acme/members/"))
    small_partial = queries_for(lambda: client.get("/o/acme/members/", headers={"HX-Request": "true"}))
    grow(org, manager, 26)  # 30 rows: more than one page
    assert queries_for(lambda: client.get("/o/acme/members/")) == small
    assert queries_for(lambda: client.get("/o/acme/members/", headers={"HX-Request": "true"})) == small_partial
    assert queries_for(lambda: client.get("/o/acme/members/", {"page": 2})) == small


@pytest.mark.django_db
def test_members_api_query_count_is_constant(org, hr, manager, api_for):
    api = api_for(hr)
    small = queries_for(lambda: api.get("/api/v1/members/"))
    grow(org, manager, 27)  # 3 rows → 30 rows
    assert queries_for(lambda: api.get("/api/v1/members/")) == small
    with_cursor = api.get("/api/v1/members/", {"page_size": 10}).json()["next"]
    assert queries_for(lambda: api.get(with_cursor)) == small


@pytest.mark.django_db
def test_invitations_page_query_count_is_constant(org, hr, manager, client_for):
    client = client_for(hr)
    make_invitation(hr, email="first@example.com", manager=manager)
    small = queries_for(lambda: client.get("/o/acme/invitations/"))
    for n in range(12):
        make_invitation(hr, email=f"invitee{n}@example.com", manager=manager)
    assert queries_for(lambda: client.get("/o/acme/invitations/")) == small


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_reports(org, manager, client_for):
    client = client_for(manager)
    grow(org, manager, 3)
    small = queries_for(lambda: client.get("/o/acme/"))
    grow(org, manager, 27)
    assert queries_for(lambda: client.get("/o/acme/")) == small


@pytest.mark.django_db
def test_api_tokens_page_query_count_is_constant(employee, client_for):
    from tests.alliance.factories import make_api_token

    client = client_for(employee)
    make_api_token(employee)
    small = queries_for(lambda: client.get("/o/acme/api-tokens/"))
    for n in range(8):
        make_api_token(employee, name=f"token {n}")
    assert queries_for(lambda: client.get("/o/acme/api-tokens/")) == small


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_organizations(employee, client_for):
    from tests.alliance.factories import OrganizationFactory

    client = client_for(employee)
    MembershipFactory(organization=OrganizationFactory(slug="second"), user=employee.user)
    small = queries_for(lambda: client.get("/"))
    for n in range(5):
        MembershipFactory(organization=OrganizationFactory(slug=f"more-{n}"), user=employee.user,
                          role=Membership.Role.MANAGER)
    assert queries_for(lambda: client.get("/")) == small
