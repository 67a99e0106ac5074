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


def _endpoints_with_deliveries(admin, count: int):
    """``count`` endpoints, each with ``count`` deliveries: every row the lists show."""
    from datetime import timedelta

    from django.utils import timezone

    from alliance import tenancy
    from alliance.models import WebhookDelivery
    from alliance.webhooks.services import webhook_endpoint_create

    made = []
    with tenancy.tenant_context(admin.organization_id):
        for n in range(count):
            endpoint, _secret = webhook_endpoint_create(by=admin, url=f"http://127.0.0.1:9/hook/{n}",
                                                        event_types=["tour.accepted"])
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(organization_id=admin.organization_id, endpoint=endpoint, event_id=f"evt_{n}_{k}",
                                event_type="tour.accepted", resource=f"tour:{k}", payload={"n": k},
                                give_up_at=timezone.now() + timedelta(days=3))
                for k in range(count))
            made.append(endpoint)
    return made


@pytest.mark.django_db
def test_webhook_pages_and_api_lists_query_counts_are_constant(org, admin, client_for, api_for):
    client, api = client_for(admin), api_for(admin)
    first = _endpoints_with_deliveries(admin, 1)[0]
    page = queries_for(lambda: client.get("/o/acme/settings/webhooks/"))
    detail = queries_for(lambda: client.get(f"/o/acme/settings/webhooks/{first.pk}/"))
    listed = queries_for(lambda: api.get("/api/v1/webhook-endpoints/"))
    deliveries = queries_for(lambda: api.get(f"/api/v1/webhook-endpoints/{first.pk}/deliveries/"))
    _endpoints_with_deliveries(admin, 12)
    from alliance.models import WebhookDelivery
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(organization_id=org.pk, endpoint=first, event_id=f"more_{k}", event_type="tour.accepted",
                        resource=f"tour:{k}", payload={}, give_up_at=first.created_at)
        for k in range(12))
    assert queries_for(lambda: client.get("/o/acme/settings/webhooks/")) == page
    assert queries_for(lambda: client.get(f"/o/acme/settings/webhooks/{first.pk}/")) == detail
    assert queries_for(lambda: api.get("/api/v1/webhook-endpoints/")) == listed
    assert queries_for(lambda: api.get(f"/api/v1/webhook-endpoints/{first.pk}/deliveries/")) == deliveries
