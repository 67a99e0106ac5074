"""The application lock, proven route by route, and the tenant of a Celery task.

The sweeps read every route from the URL resolver, so a page or endpoint added
later (by any app) is covered without editing this file: a member of organization
A who asks for organization B's objects, or uses B's address, gets a 404 — never a
403, a redirect or B's data.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import get_resolver

from alliance import tenancy
from alliance.models import Membership
from tests.alliance.factories import MembershipFactory, OrganizationFactory, make_api_token, make_invitation
from tests.alliance.routes import UNKNOWN_ID, Route, fill_kwargs, iter_routes, model_for_kwarg
from tests.helpers import ApiClient
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory
from tours.models import ActionItem, FirstConversation, Tour

ALL_ROUTES = list(iter_routes(get_resolver()))
ORG_ROUTES = [r for r in ALL_ROUTES if r.route.startswith("/o/<slug:org_slug>/")]
API_ROUTES = [r for r in ALL_ROUTES if r.route.startswith("/api/v1/") and r.name not in ("api_schema", "api_docs")]
API_OBJECT_ROUTES = [r for r in API_ROUTES if r.int_kwargs]
API_LIST_ROUTES = [r for r in API_ROUTES if not r.converters]
B_MARKERS = ("@globex.test", "Globex Secret")

assert ORG_ROUTES and API_OBJECT_ROUTES, "the route sweep found nothing: iter_routes is broken"


def route_id(route: Route) -> str:
    return route.name or route.path


@pytest.fixture
def world(db):
    """Organization A (acme) with its admin, and organization B (globex) with one of everything."""
    from alliance.notifications import notification_create

    acme = OrganizationFactory(slug="acme", name="Acme")
    globex = OrganizationFactory(slug="globex", name="Globex Secret", mission="Globex Secret mission")
    admin_a = MembershipFactory(organization=acme, role=Membership.Role.ADMIN, user__email="admin@acme.test")
    MembershipFactory(organization=acme, user__email="employee@acme.test")
    admin_b = MembershipFactory(organization=globex, role=Membership.Role.ADMIN, user__email="admin@globex.test")
    employee_b = MembershipFactory(organization=globex, manager=admin_b, user__email="employee@globex.test")
    make_invitation(admin_b, email="invitee@globex.test")
    make_api_token(employee_b)
    with tenancy.tenant_context(globex.pk):
        notification_create(recipient=employee_b, kind="checkpoint_upcoming", title="Globex Secret note")
    tour_b = TourFactory(employee=employee_b, manager=admin_b, status=Tour.Status.ACTIVE, title="Globex Secret tour")
    checkpoint_b = CheckpointFactory(tour=tour_b)
    AgendaItemFactory(checkpoint=checkpoint_b, added_by=employee_b)
    ProgramFactory(organization=globex, name="Globex Secret program")
    with tenancy.tenant_context(globex.pk):
        ActionItem.objects.create(organization=globex, checkpoint=checkpoint_b, text="Globex Secret action",
                                  owner=employee_b)
        FirstConversation.objects.create(organization=globex, tour=tour_b, employee_note="Globex Secret")
    return {"acme": acme, "globex": globex, "admin_a": admin_a, "admin_b": admin_b, "employee_b": employee_b,
            "tour_b": tour_b, "checkpoint_b": checkpoint_b}


def ids_in_b(route: Route, globex) -> dict[str, int]:
    """For each int parameter: the id of an organization-B row of the model it names, if any."""
    ids = {}
    for name in route.int_kwargs:
        model = model_for_kwarg(route, name)
        if model is None:
            continue
        with tenancy.tenant_context(globex.pk):
            found = model.objects.filter(organization=globex).order_by("-pk").values_list("pk", flat=True).first()
        if found is not None:
            ids[name] = found
    return ids


def browser_attempts(client: Client, path: str) -> dict[str, int]:
    return {
        "GET": client.get(path).status_code,
        "GET (htmx)": client.get(path, headers={"HX-Request": "true"}).status_code,
        "POST": client.post(path, {}).status_code,
    }


def api_attempts(api: ApiClient, path: str) -> dict[str, tuple[int, str]]:
    answers = {}
    for method in ("get", "post", "put", "patch", "delete"):
        if method in ("get", "delete"):
            response = getattr(api, method)(path)
        else:
            response = getattr(api, method)(path, "{}", content_type="application/json")
        answers[method.upper()] = (response.status_code, response.get("Content-Type", ""))
    return answers


# --- Browser routes -----------------------------------------------------------------------

@pytest.mark.parametrize("route", ORG_ROUTES, ids=route_id)
def test_another_organizations_address_is_a_404(world, client_for, route):
    """Every page under /o/<B>/, with B's own ids, for a member of A only."""
    path = route.build(fill_kwargs(route, org_slug="globex", own_ids=ids_in_b(route, world["globex"])))
    answers = browser_attempts(client_for(world["admin_a"]), path)
    assert answers == dict.fromkeys(answers, 404), path


@pytest.mark.parametrize("route", [r for r in ORG_ROUTES if r.int_kwargs], ids=route_id)
def test_another_organizations_object_in_my_organization_is_a_404(world, client_for, route):
    """Every page under /o/<A>/ that takes an id, given B's id (or an id A does not have)."""
    b_ids = ids_in_b(route, world["globex"])
    client = client_for(world["admin_a"])
    for own_ids in (b_ids, {}):  # B's real objects, then ids that exist nowhere
        path = route.build(fill_kwargs(route, org_slug="acme", own_ids=own_ids))
        answers = browser_attempts(client, path)
        assert set(answers.values()) <= {404, 405}, (path, answers)
        assert 404 in answers.values(), (path, answers)


@pytest.mark.parametrize("route", [r for r in ORG_ROUTES if not r.int_kwargs], ids=route_id)
def test_my_organizations_pages_show_nothing_of_another(world, client_for, route):
    path = route.build(fill_kwargs(route, org_slug="acme"))
    response = client_for(world["admin_a"]).get(path)
    assert response.status_code < 500, (path, response.status_code)
    body = response.content.decode()
    assert not [marker for marker in B_MARKERS if marker in body], path


@pytest.mark.django_db
def test_a_member_of_both_organizations_reaches_both(world, client_for):
    both = MembershipFactory(organization=world["globex"], user=world["admin_a"].user)
    client = client_for(both)
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/o/globex/").status_code == 200


@pytest.mark.django_db
def test_a_former_member_no_longer_reaches_the_organization(world, client_for):
    with tenancy.tenant_context(world["globex"].pk):
        Membership.objects.filter(pk=world["employee_b"].pk).update(status=Membership.Status.ALUMNUS)
    response = client_for(world["employee_b"]).get("/o/globex/")
    assert response.status_code == 404


# --- API routes ---------------------------------------------------------------------------

@pytest.mark.parametrize("route", API_OBJECT_ROUTES, ids=route_id)
def test_api_token_of_a_with_an_object_of_b_is_a_404(world, route):
    api = ApiClient(make_api_token(world["admin_a"]))
    b_ids = ids_in_b(route, world["globex"])
    for own_ids in (b_ids, {}):
        path = route.build(fill_kwargs(route, own_ids=own_ids))
        answers = api_attempts(api, path)
        statuses = {status for status, _ in answers.values()}
        assert statuses <= {404, 405}, (path, answers)
        assert 404 in statuses, (path, answers)
        assert all(kind == "application/json" for _, kind in answers.values()), (path, answers)


@pytest.mark.parametrize("route", API_LIST_ROUTES, ids=route_id)
def test_api_lists_show_nothing_of_another_organization(world, route):
    response = ApiClient(make_api_token(world["admin_a"])).get(route.build({}))
    assert response.status_code < 500, (route.route, response.content)
    body = response.content.decode()
    assert not [marker for marker in B_MARKERS if marker in body], route.route


@pytest.mark.django_db
def test_api_token_gives_no_access_to_pages(world):
    """A token authenticates the API only: with it, B's pages (and even A's) ask for a sign-in."""
    token_client = Client(headers={"Authorization": f"Bearer {make_api_token(world['admin_a'])}"})
    for path in ("/o/globex/", "/o/globex/members/", "/o/acme/", "/o/acme/members/"):
        response = token_client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path


@pytest.mark.django_db
def test_api_token_cannot_name_another_organization(world):
    """A token names its organization; editing that part does not move it to another one."""
    token = make_api_token(world["admin_a"])
    kind, _org, secret = token.split("_", 2)
    forged = f"{kind}_{world['globex'].pk}_{secret}"
    response = ApiClient(forged).get("/api/v1/me/")
    assert response.status_code == 401


@pytest.mark.django_db
def test_unknown_ids_are_unknown_everywhere():
    """Sanity of the sweep: the 'unknown' id is not one any test creates."""
    with tenancy.cross_tenant(reason="test: check the sweep's unknown id"):
        assert not Membership.objects.filter(pk=UNKNOWN_ID).exists()


# --- A Celery task sees only the organization it was given --------------------------------

@pytest.fixture
def worker_app(transactional_db):
    """A real worker thread on the real Redis broker, on a queue no other test run uses.

    The app is a twin of the project's with a result backend on the same Redis
    (results are off in the project), so the test can read what the task returned.
    """
    from celery import Celery
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.conf import settings

    import alliance.tasks  # noqa: F401 - registers the shared tasks
    from alliance.celery import app as project_app

    queue = f"alliance-test-{uuid.uuid4().hex}"
    app = Celery("alliance-isolation-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        result_backend=settings.CELERY_BROKER_URL,  # redis:// or redis+socket://, like the broker
        task_ignore_result=False,
        task_default_queue=queue,
        result_expires=300,
    )

    def close_worker_connection(**kwargs):
        connection.close()  # the worker thread's own connection, so the test database can be dropped

    task_postrun.connect(close_worker_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING",
                          shutdown_timeout=20):
            yield app, queue
    finally:
        task_postrun.disconnect(close_worker_connection)
        project_app.set_current()  # start_worker made the twin the process's current app
        project_app.set_default()


def test_celery_task_sees_only_the_organization_it_was_given(worker_app):
    app, queue = worker_app
    acme, globex = OrganizationFactory(slug="acme"), OrganizationFactory(slug="globex")
    MembershipFactory.create_batch(2, organization=acme)
    MembershipFactory(organization=acme, status=Membership.Status.ALUMNUS)
    MembershipFactory.create_batch(3, organization=globex)
    task = app.tasks["alliance.tasks.count_active_members"]

    results = {
        "acme": task.apply_async(args=[acme.pk], queue=queue),
        "globex": task.apply_async(args=[globex.pk], queue=queue),
        "nobody": task.apply_async(args=[globex.pk + 1000], queue=queue),
    }
    counts = {name: result.get(timeout=30) for name, result in results.items()}
    assert counts == {"acme": 2, "globex": 3, "nobody": 0}
    assert all(result.successful() for result in results.values())


@pytest.mark.parametrize(
    "path", ["/invite/inv_²_abcdefghijklmnopqrstuvwxyz/", "/calendar/cal_²_abcdefghijklmnopqrstuvwxyz.ics"]
)
def test_tokens_with_non_ascii_digits_are_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_api_token_with_non_ascii_digits_is_unauthorized(client, db):
    response = client.get("/api/v1/me/", headers={"Authorization": "Bearer alli_²_abcdefghijklmnopqrstuvwxyz"})
    assert response.status_code == 401


def test_the_sweep_uses_real_objects_of_the_other_organization(world):
    """The sweep above asks for B's real rows (not only unknown ids) wherever it can name the model."""
    routes = {route.route: route for route in iter_routes(get_resolver())}
    tour_route = routes["/o/<slug:org_slug>/tours/<int:tour_id>/"]
    checkpoint_route = routes["/o/<slug:org_slug>/checkpoints/<int:checkpoint_id>/"]
    api_tour_route = routes["/api/v1/tours/<int:pk>/"]
    assert ids_in_b(tour_route, world["globex"]) == {"tour_id": world["tour_b"].pk}
    assert ids_in_b(checkpoint_route, world["globex"]) == {"checkpoint_id": world["checkpoint_b"].pk}
    assert ids_in_b(api_tour_route, world["globex"]) == {"pk": world["tour_b"].pk}
