"""Network-intelligence fixtures on top of the suite-wide trio (tests/conftest.py).

``employee`` (team Platform) reports to ``manager`` (Platform), who reports to ``admin``.
"""

from __future__ import annotations

import pytest

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory


@pytest.fixture
def teammate(org, admin):
    """Same team as ``employee``, but not in anyone's management chain of the employee."""
    return MembershipFactory(organization=org, team="Platform", manager=admin, user__email="teammate@acme.test")


@pytest.fixture
def stranger(org, admin):
    """Another team, not above the employee."""
    return MembershipFactory(organization=org, team="Sales", manager=admin, user__email="stranger@acme.test")


@pytest.fixture
def other_manager(org, admin):
    return MembershipFactory(organization=org, role=Membership.Role.MANAGER, team="Sales", manager=admin,
                             user__email="other.manager@acme.test")
