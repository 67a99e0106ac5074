"""The API against its own OpenAPI schema: schemathesis drives every operation of /api/v1/schema/
in-process (WSGI) against the real test database, as an HR token and as an employee token, with all
its checks (no server error, the documented status codes, content types and response shapes).

``make test`` runs a few examples per operation (deterministic); ``make fuzz`` sets
``CONFORMANCE_EXAMPLES`` higher and lets Hypothesis pick at random.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, make_api_token
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory

EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "3"))
FUZZING = "CONFORMANCE_EXAMPLES" in os.environ
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FUZZING,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI application, called in this test's thread (so inside its transaction).
    Like Django's test client, a request must not close the connection when it finishes."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(org, admin, hr, manager, employee):
    """A small organization with something behind every kind of id: tours in several states, a
    checkpoint with an agenda, a program."""
    colleague = MembershipFactory(organization=org, manager=manager, user__email="colleague@acme.test")
    active = TourFactory(employee=employee, manager=manager, status="active")
    TourFactory(employee=colleague, manager=manager, status="proposed")
    TourFactory(employee=colleague, manager=manager, status="draft", previous_tour=None)
    checkpoint = CheckpointFactory(tour=active)
    AgendaItemFactory(checkpoint=checkpoint, added_by=employee)
    ProgramFactory(organization=org)
    MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin)
    return {"hr": make_api_token(hr), "employee": make_api_token(employee)}


@pytest.fixture
def api_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)


def _run(operation, mode: GenerationMode, token: str) -> list[str]:
    """Up to EXAMPLES generated cases of one operation; the failures schemathesis' checks found."""
    failures: list[str] = []

    @HYPOTHESIS
    @given(case=operation.as_strategy(mode))
    def check(case):
        try:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
        except (AssertionError, FailureGroup) as failure:
            failures.append(f"{operation.label} [{mode.value}]: {failure}")

    check()
    return failures


@pytest.mark.parametrize("role", ["hr", "employee"])
def test_every_operation_conforms_to_the_schema(api_schema, tokens, role):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    failures = [failure for operation in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                for failure in _run(operation, mode, tokens[role])]
    assert failures == [], "\n\n".join(dict.fromkeys(failures))
