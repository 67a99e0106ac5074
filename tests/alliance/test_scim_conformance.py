"""SCIM conformance: ``scim2-tester`` (the RFC 7643/7644 checker from PyPI) against the live ``/scim/v2/`` of
an organization, over HTTP, with what the server publishes as the only description of it.

Every check it runs must pass, except the few the README ("Provisioning with SCIM") names as not applying
to Alliance, each for the reason written here.
"""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from alliance import tenancy
from alliance.models import Membership
from alliance.services import scim_token_create

# (check title, attribute it names or "") -> why it does not apply to Alliance.
NOT_APPLICABLE = {
    ("check_remove_attribute", "displayName"):
        "a person always has a name: removing displayName keeps their full name, which displayName reports",
    ("check_remove_attribute", "active"):
        "a member is either active or suspended: removing active leaves them active, which active reports",
}


def _key(result) -> tuple[str, str]:
    data = result.data if isinstance(result.data, dict) else {}
    return (result.title or "", str(data.get("urn", "")))


@pytest.fixture
def scim_client(live_server, admin, transactional_db):
    with tenancy.tenant_context(admin.organization_id):
        _token, plaintext = scim_token_create(by=admin, name="scim2-tester")
    http = httpx2.Client(base_url=f"{live_server.url}/scim/v2/", headers={"Authorization": f"Bearer {plaintext}"},
                         timeout=30)
    yield SyncSCIMClient(http)
    http.close()


def test_scim2_tester_passes_for_users(scim_client, admin):
    results = check_server(scim_client, resource_types=["User"])
    assert results, "scim2-tester ran no check"
    failed = [result for result in results if result.status not in (Status.SUCCESS, Status.SKIPPED)]
    unexpected = [f"{result.title} {_key(result)[1]}: {result.reason}" for result in failed
                  if _key(result) not in NOT_APPLICABLE]
    assert unexpected == [], "\n".join(unexpected)
    passed = [result for result in results if result.status == Status.SUCCESS]
    assert len(passed) >= 50, [(result.title, result.status, result.reason) for result in results]
    assert len(passed) == 57 and not [result for result in results if result.status == Status.SKIPPED], [
        (result.title, result.status) for result in results if result.status != Status.SUCCESS]
    assert len(failed) <= len(NOT_APPLICABLE)
    with tenancy.tenant_context(admin.organization_id):
        # The checks' users came through the members' services: employees, and the managers they were given
        # (an employee named as someone's manager gets the manager role); nobody was deleted.
        created = Membership.objects.exclude(pk=admin.pk)
        assert created.count() >= 20
        assert set(created.values_list("role", flat=True)) <= {Membership.Role.EMPLOYEE, Membership.Role.MANAGER}
