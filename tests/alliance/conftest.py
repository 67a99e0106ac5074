from __future__ import annotations

import pytest

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory, make_api_token
from tests.helpers import ApiClient, TenantClient


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="acme", name="Acme")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(slug="globex", name="Globex")


@pytest.fixture
def admin(org):
    return MembershipFactory(organization=org, role=Membership.Role.ADMIN, user__email="admin@acme.test")


@pytest.fixture
def hr(org):
    return MembershipFactory(organization=org, role=Membership.Role.HR, user__email="hr@acme.test")


@pytest.fixture
def manager(org, admin):
    return MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                             user__email="manager@acme.test")


@pytest.fixture
def employee(org, manager):
    return MembershipFactory(organization=org, manager=manager, user__email="employee@acme.test")


@pytest.fixture
def outsider(other_org):
    """An admin of a second organization: must never see anything of ``org``."""
    return MembershipFactory(organization=other_org, role=Membership.Role.ADMIN, user__email="admin@globex.test")


@pytest.fixture
def client_for():
    def make(member: Membership) -> TenantClient:
        client = TenantClient()
        client.force_login(member.user)
        return client

    return make


@pytest.fixture
def api_for():
    def make(member: Membership) -> ApiClient:
        return ApiClient(make_api_token(member))

    return make
