"""The API against its own OpenAPI schema: schemathesis drives every operation of /api/v1/schema/
in-process (WSGI) against the real test database, as an HR token and as an employee token, with all
its checks (no server error, the documented status codes, content types and response shapes).

``make test`` runs a few examples per operation (deterministic); ``make fuzz`` sets
``CONFORMANCE_EXAMPLES`` higher and lets Hypothesis pick at random.
"""

from __future__ import annotations

import os
from collections import Counter

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

EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "2"))
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


def _authenticate(schema, token: str) -> None:
    """Every request carries the token through schemathesis' auth (not a fixed header), so its
    auth checks know the token is meant to be valid and probe without it / with a bad one."""

    @schema.auth()
    class BearerToken:
        def get(self, case, context):
            return token

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _run(operation, mode: GenerationMode, statuses: Counter) -> list[str]:
    """Up to EXAMPLES generated cases of one operation; the failures schemathesis' checks found."""
    failures: list[str] = []

    @HYPOTHESIS
    @given(case=operation.as_strategy(mode))
    def check(case):
        try:
            response = case.call_and_validate()
        except (AssertionError, FailureGroup) as failure:
            failures.append(f"{operation.label} [{mode.value}]: {failure}")
        else:
            statuses[(operation.label, response.status_code // 100)] += 1

    check()
    return failures


@pytest.mark.parametrize("role", ["hr", "employee"])
def test_every_operation_conforms_to_the_schema(api_schema, tokens, role):
    _authenticate(api_schema, tokens[role])
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    statuses: Counter = Counter()
    failures = [failure for operation in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                for failure in _run(operation, mode, statuses)]
    assert failures == [], "\n\n".join(dict.fromkeys(failures))
    # The token really is used: reads the role may make succeed.
    succeeded = {label for (label, kind) in statuses if kind == 2}
    assert {"GET /api/v1/me/", "GET /api/v1/tours/", "GET /api/v1/checkpoints/"} <= succeeded, statuses
    print(f"{role}: {len(operations)} operations, {sum(statuses.values())} cases, 0 failures")  # noqa: T201 (make fuzz -s)


@pytest.mark.parametrize("role", ["hr", "employee"])
def test_linked_operations_conform_to_the_schema(api_schema, tokens, role):
    """Stateful: schemathesis chains operations through the links it infers (an id one answer
    gives is used in the next request) and runs every check on each step."""
    from hypothesis.stateful import run_state_machine_as_test

    _authenticate(api_schema, tokens[role])
    run_state_machine_as_test(api_schema.as_state_machine(), settings=settings(
        HYPOTHESIS, max_examples=max(2, EXAMPLES), stateful_step_count=6 if not FUZZING else 20,
    ))
