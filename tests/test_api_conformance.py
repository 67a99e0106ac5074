"""The API against its own OpenAPI schema: schemathesis drives every operation of /api/v1/schema/
in-process (WSGI) against the real test database, as an HR, a manager and an employee token, with all
its checks (no server error, the documented status codes, content types and response shapes).

``make test`` runs a few examples per operation (deterministic); ``make fuzz`` sets
``CONFORMANCE_EXAMPLES`` higher and lets Hypothesis pick at random.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from alliance import tenancy
from alliance.models import Membership
from alumni import services as alumni_services
from alumni.models import (
    AlumniEvent,
    Benefit,
    Boomerang,
    CustomerLead,
    ExitProcess,
    ExitTask,
    NewsPost,
    Opening,
    Referral,
)
from network_intel import services as network_intel_services
from network_intel.models import Company, Contact, Expense, IntelNote, IntroductionRequest, Receipt
from tests.alliance.factories import MembershipFactory, make_api_token
from tests.alumni.engage import benefit, consent_to_news, event, post
from tests.alumni.network import make_alumnus, set_level
from tests.network_intel.factories import company, contact, note
from tests.network_intel.fund_factories import expense, joined_long_ago, pdf, png, policy
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory
from tours.models import ActionItem, AgendaItem, Checkpoint, RotationalProgram, Tour, TourAmendment

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


ROLES = ["hr", "manager", "employee"]


@pytest.fixture
def tokens(org, admin, hr, manager, employee):
    """An organization investing in its alumni, with something behind every kind of id of every app, for
    each role's eyes: tours in several states, checkpoints with agendas, a program; companies, contacts,
    intel notes, an introduction, expenses with receipts; an exit with its tasks, referrals, leads, a
    boomerang, an event, an opening, news and a benefit."""
    colleague = MembershipFactory(organization=org, manager=manager, user__email="colleague@acme.test")
    active = TourFactory(employee=employee, manager=manager, status="active")
    TourFactory(employee=colleague, manager=manager, status="proposed")
    TourFactory(employee=colleague, manager=manager, status="draft", previous_tour=None)
    checkpoint = CheckpointFactory(tour=active)
    AgendaItemFactory(checkpoint=checkpoint, added_by=employee)
    AgendaItemFactory(checkpoint=checkpoint, added_by=manager)
    ProgramFactory(organization=org)
    MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin)
    _network_intel(org, hr, manager, employee)
    _alumni_network(org, admin, hr, manager, employee, colleague)
    return {role: make_api_token(member) for role, member in
            (("hr", hr), ("manager", manager), ("employee", employee))}


# The path segment of each kind of id, and the model whose rows it names.
ID_MODELS = {
    "tours": Tour, "checkpoints": Checkpoint, "agenda-items": AgendaItem, "action-items": ActionItem,
    "amendments": TourAmendment, "programs": RotationalProgram, "members": Membership, "companies": Company,
    "contacts": Contact, "intel-notes": IntelNote, "introductions": IntroductionRequest, "expenses": Expense,
    "receipts": Receipt, "exits": ExitProcess, "exit-tasks": ExitTask, "referrals": Referral,
    "leads": CustomerLead, "boomerangs": Boomerang, "events": AlumniEvent, "openings": Opening,
    "alumni-news": NewsPost, "benefits": Benefit, "alumni": Membership,
}


@pytest.fixture
def known_ids(org, tokens):
    """The ids the fixture made, by path segment: generated requests use them half the time, so the
    checks see real objects (and each role's 403s and 404s on others'), not only unknown ids."""
    with tenancy.tenant_context(org.pk):
        return {segment: list(model.objects.for_org(org.pk).values_list("pk", flat=True)[:50])
                for segment, model in ID_MODELS.items()}


def _with_known_ids(operation, strategy, known_ids: dict[str, list[int]]):
    segments = [part for part in operation.path.split("/") if part and not part.startswith("{")]
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return strategy
    owner = {"id": next((s for s in reversed(segments[:3]) if s in known_ids), None), "receipt_id": "receipts"}
    pools = {name: known_ids.get(owner.get(name) or "") for name in names}
    if not all(pools.values()):
        return strategy

    @st.composite
    def known(draw):
        case = draw(strategy)
        if draw(st.booleans()):
            case.path_parameters = {**(case.path_parameters or {}),
                                    **{name: draw(st.sampled_from(pool)) for name, pool in pools.items()}}
        return case

    return known()


def _network_intel(org, hr, manager, employee) -> None:
    globex = company(hr, "Globex")
    contacts = {member: contact(member, globex, name=f"Friend of {member.pk}") for member in (hr, manager, employee)}
    for member in (hr, manager, employee):
        note(member, title=f"Globex hires ({member.pk})", companies=[globex], tags=["hiring"])
    with tenancy.tenant_context(org.pk):
        network_intel_services.introduction_request(by=employee, contact=contacts[manager], message="Meet?")
    policy(hr)
    joined_long_ago(hr, manager, employee)
    for member in (manager, employee):
        expense(member, receipts=[png()], submit=True)
        expense(member, receipts=[pdf()], days_ago=2)


def _alumni_network(org, admin, hr, manager, employee, colleague) -> None:
    set_level(admin, "invest", referral_bonus_for="everyone", referral_bonus_amount="500",
              lead_bonus_for="everyone", lead_bonus_amount="100", bonus_currency="EUR")
    alumnus = make_alumnus(org, "alumna@acme.test", "Alma Alumna")
    consent_to_news(org, alumnus)
    leaver = MembershipFactory(organization=org, manager=manager, user__email="leaver@acme.test")
    hr.organization = org
    with tenancy.tenant_context(org.pk):
        template = alumni_services.exit_template_save(by=hr, kind="resignation", name="")
        for title, role in (("Handover plan", "manager"), ("Return laptop", "leaver"), ("Close accounts", "hr")):
            alumni_services.exit_template_task_add(template=template, by=hr, title=title, assignee_role=role,
                                                   due_offset_days=0)
        alumni_services.exit_start(by=hr, member=leaver, kind="resignation", initiated_by="employee",
                                   last_working_day=timezone.localdate() + timedelta(days=10))
        for member in (manager, employee, alumnus):
            alumni_services.referral_create(by=member, candidate_name="Cand Idate",
                                            candidate_email=f"candidate{member.pk}@example.com", role="Engineer",
                                            why="Great")
            alumni_services.lead_create(by=member, company="Initech", contact_name="Bill", need="Licences",
                                        estimated_value=Decimal("1000"), currency="EUR")
        alumni_services.boomerang_request(by=alumnus, message="I'd like to come back.")
        alumni_services.opening_create(by=hr, title="Engineer", description="Build things", team="Platform")
    event(org, hr)
    event(org, hr, "Webinar", place="", link="https://meet.example.com/alliance")
    post(org, hr)
    benefit(org, hr, "Discount")


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


def _run(operation, mode: GenerationMode, statuses: Counter, known_ids: dict[str, list[int]]) -> list[str]:
    """Up to EXAMPLES generated cases of one operation; the failures schemathesis' checks found."""
    failures: list[str] = []
    strategy = operation.as_strategy(mode)
    if mode is GenerationMode.POSITIVE:
        strategy = _with_known_ids(operation, strategy, known_ids)

    @HYPOTHESIS
    @given(case=strategy)
    def check(case):
        try:
            response = case.call_and_validate()
        except (AssertionError, FailureGroup) as failure:
            failures.append(f"{operation.label} [{mode.value}]: {failure}")
        else:
            statuses[(operation.label, response.status_code // 100)] += 1

    check()
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms_to_the_schema(api_schema, tokens, known_ids, role):
    _authenticate(api_schema, tokens[role])
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    statuses: Counter = Counter()
    failures = [failure for operation in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                for failure in _run(operation, mode, statuses, known_ids)]
    assert failures == [], "\n\n".join(dict.fromkeys(failures))
    # The token really is used: reads the role may make succeed.
    succeeded = {label for (label, kind) in statuses if kind == 2}
    assert {"GET /api/v1/me/", "GET /api/v1/tours/", "GET /api/v1/checkpoints/", "GET /api/v1/expenses/",
            "GET /api/v1/leads/", "GET /api/v1/events/", "GET /api/v1/intel-notes/"} <= succeeded, statuses
    if FUZZING:  # enough examples to reach the objects behind the ids
        assert {"GET /api/v1/tours/{id}/", "GET /api/v1/expenses/{id}/receipts/", "GET /api/v1/leads/{id}/",
                "GET /api/v1/events/{id}/", "GET /api/v1/openings/{id}/"} <= succeeded, statuses
    print(f"{role}: {len(operations)} operations, {sum(statuses.values())} cases, 0 failures")  # noqa: T201 (make fuzz -s)


@pytest.mark.parametrize("role", ROLES)
def test_linked_operations_conform_to_the_schema(api_schema, tokens, role):
    """Stateful: schemathesis chains operations through the links it infers (an id one answer
    gives is used in the next request) and runs every check on each step."""
    from hypothesis.stateful import run_state_machine_as_test

    _authenticate(api_schema, tokens[role])
    inferred = api_schema.as_state_machine()
    assert api_schema.statistic.transitions.total > 0  # links are inferred: the calls really chain

    class EachScenarioFromTheSameData(inferred):
        """Every scenario starts from the fixture's data: what one scenario wrote is rolled back before
        the next, so Hypothesis sees the same API when it replays a scenario (otherwise the links a
        scenario can follow depend on the scenarios before it, and Hypothesis calls its data flaky)."""

        def setup(self) -> None:
            self._savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self._savepoint)

    run_state_machine_as_test(EachScenarioFromTheSameData, settings=settings(
        HYPOTHESIS, max_examples=max(2, EXAMPLES), stateful_step_count=6 if not FUZZING else 20,
    ))
