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
from tests.alliance.factories import MembershipFactory, OrganizationFactory, make_api_token
from tests.alliance.routes import UNKNOWN_ID, Route, fill_kwargs, iter_routes
from tests.helpers import ApiClient
from tests.isolation import build_world, ids_in_b

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
    return build_world()


def test_every_tenant_model_has_a_row_of_the_other_organization_to_try(world):
    """The sweep must try real rows of B for every tenant model, not fall back to unknown ids."""
    from django.apps import apps

    from alliance.rls import is_tenant_model

    empty = []
    with tenancy.tenant_context(world["globex"].pk):
        for model in apps.get_models():
            if is_tenant_model(model) and not model.objects.filter(organization=world["globex"]).exists():
                empty.append(model._meta.label)
    assert empty == [], f"add rows of these models to their app's tests/<app>/isolation.py: {empty}"


def _get_status(client: Client, path: str) -> int:
    """A form-only address opened by GET is sent up to its page (a redirect computed from the address
    alone, so it tells nothing of the object): counted as the 405 it answered before."""
    response = client.get(path)
    if response.status_code == 302 and path.startswith(response["Location"]) and response["Location"] != path:
        return 405
    return response.status_code


def browser_attempts(client: Client, path: str) -> dict[str, int]:
    return {
        "GET": _get_status(client, path),
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
    body = response.getvalue().decode()
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
    client = client_for(world["employee_b"])
    response = client.get("/o/globex/")  # an alumnus is sent to the alumni home, nowhere else
    assert response.status_code == 302 and response["Location"] == "/o/globex/alumni/"
    assert client.get("/o/globex/members/").status_code == 404


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
    """The delivery task works inside the organization it is given: another's reminder id is not there."""
    from django.utils import timezone

    from alliance.models import Reminder

    app, queue = worker_app
    acme, globex = OrganizationFactory(slug="acme"), OrganizationFactory(slug="globex")
    ids = {}
    for org in (acme, globex):
        member = MembershipFactory(organization=org)
        with tenancy.tenant_context(org.pk):
            # A kind nobody registered: delivering it inside its own organization fails (and says so).
            ids[org.slug] = Reminder.objects.create(organization=org, kind="no_such_kind", subject_id=1,
                                                    recipient=member, window="w", due_at=timezone.now()).pk
    task = app.tasks["alliance.tasks.deliver_reminders"]
    results = {
        "acme's own": task.apply_async(args=[acme.pk, [ids["acme"]]], queue=queue),
        "globex's, given acme": task.apply_async(args=[acme.pk, [ids["globex"]]], queue=queue),
        "acme's, given nobody": task.apply_async(args=[globex.pk + 1000, [ids["acme"]]], queue=queue),
    }
    outcomes = {name: result.get(timeout=30) for name, result in results.items()}
    assert outcomes == {"acme's own": {"failed": 1}, "globex's, given acme": {"locked-or-gone": 1},
                        "acme's, given nobody": {"locked-or-gone": 1}}
    with tenancy.tenant_context(globex.pk):
        assert Reminder.objects.get(pk=ids["globex"]).status == Reminder.Status.PENDING


@pytest.mark.parametrize(
    "path", ["/invite/inv_²_abcdefghijklmnopqrstuvwxyz/", "/calendar/cal_²_abcdefghijklmnopqrstuvwxyz.ics"]
)
def test_tokens_with_non_ascii_digits_are_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_api_token_with_non_ascii_digits_is_unauthorized(client, db):
    response = client.get("/api/v1/me/", headers={"Authorization": "Bearer alli_²_abcdefghijklmnopqrstuvwxyz"})
    assert response.status_code == 401
