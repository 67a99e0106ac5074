"""Tours fixtures on top of the suite-wide trio in tests/conftest.py."""

from __future__ import annotations

import pytest

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import TourFactory


@pytest.fixture
def other_manager(org, admin):
    """A manager of the same organization who does not manage ``employee``."""
    return MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                             user__email="other.manager@acme.test")


@pytest.fixture
def colleague(org, other_manager):
    """An employee of the same organization reporting to someone else."""
    return MembershipFactory(organization=org, manager=other_manager, user__email="colleague@acme.test")


@pytest.fixture
def tour(employee, manager):
    """A proposed transformational tour of ``employee``, managed by ``manager``."""
    return TourFactory(employee=employee, manager=manager, status="proposed")


@pytest.fixture
def active_tour(employee, manager):
    return TourFactory(employee=employee, manager=manager, status="active")
