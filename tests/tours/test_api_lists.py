"""The column-reading list endpoints answer exactly what the model serializers wrote.

Each list reads columns (``.values()``) and renders with orjson; the detail endpoints
and the OpenAPI schema still use the ``*OutputSerializer`` classes. For the same rows,
page by page, the list's body must be byte for byte what the serializer's data
rendered by DRF's own ``JSONRenderer`` gives.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory
from tours import apis, selectors, services
from tours.models import ActionItem, Tour

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_world(org, hr, manager, employee, other_manager, colleague, outsider):
    """Tours of every kind and state, with and without end dates, plans, programs and predecessors;
    checkpoints with agenda points, action items and private notes of both sides."""
    today = timezone.localdate()
    program = ProgramFactory(organization=org, name="Rotación “Ingeniería”")
    first = TourFactory(employee=employee, manager=manager, status="completed", kind="rotational",
                        start_date=today - timedelta(days=1200), end_date=today - timedelta(days=400),
                        program=program, closing_note="Done — well.")
    active = TourFactory(employee=employee, manager=manager, status="active", previous_tour=first,
                         start_date=today - timedelta(days=300), end_date=today + timedelta(days=100),
                         next_tour_lead_days=180, first_conversation_granted_on=today - timedelta(days=3),
                         accepted_at=timezone.now() - timedelta(days=299))
    TourFactory(employee=colleague, manager=other_manager, status="proposed", kind="foundational",
                end_date=None, proposed_at=timezone.now())
    TourFactory(employee=colleague, manager=other_manager, status="draft", kind="rotational",
                start_date=today, end_date=today + timedelta(days=1000))
    planned = TourFactory(employee=MembershipFactory(organization=org, manager=manager), manager=manager,
                          status="active", end_date=today + timedelta(days=20), next_tour_plan="new_internal_tour",
                          next_tour_plan_notes="Platform lead", next_tour_plan_recorded_at=timezone.now())
    for tour in (active, planned):
        for days in (-30, 14, 200):
            checkpoint = CheckpointFactory(tour=tour, scheduled_at=timezone.now() + timedelta(days=days),
                                           location="Room “Ada”", manager_notes="ok")
            AgendaItemFactory(checkpoint=checkpoint)
            AgendaItemFactory(checkpoint=checkpoint, discussed=True)
            with tenant_context(org.pk):
                ActionItem.objects.create(organization=org, checkpoint=checkpoint, text="Write it up",
                                          owner=tour.employee, due_on=timezone.localdate() + timedelta(days=9))
                ActionItem.objects.create(organization=org, checkpoint=checkpoint, text="Book the room")
                services.private_note_save(checkpoint=checkpoint, by=manager, body=f"manager's {days}")
                services.private_note_save(checkpoint=checkpoint, by=tour.employee, body=f"employee's {days}")
    foreign = MembershipFactory(organization=outsider.organization, manager=outsider)
    TourFactory(employee=foreign, manager=outsider, status="active")


def walk(client, path: str):
    """Every page of a list, following ``next``."""
    url = path
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        yield response
        url = response.json()["next"]


def assert_same_as_serializer(client, member, path, serializer_class, instances_for):
    """Each page's body equals the serializer's output for the page's rows, rendered by DRF."""
    seen = 0
    for response in walk(client, path):
        body = response.json()
        ids = [row["id"] for row in body["results"]]
        by_id = {obj.pk: obj for obj in instances_for(ids)}
        context = {"request": SimpleNamespace(member=member)}
        expected = serializer_class([by_id[pk] for pk in ids], many=True, context=context).data
        rendered = JSONRenderer().render({"next": body["next"], "previous": body["previous"], "results": expected})
        assert response.content == rendered
        assert response["Content-Type"] == "application/json"
        seen += len(ids)
    return seen


@pytest.mark.parametrize("who", ["hr", "manager", "employee", "other_manager"])
def test_tour_list_matches_the_serializer(request, api_for, rich_world, who):
    member = request.getfixturevalue(who)
    with tenant_context(member.organization_id):
        expected_count = selectors.tour_list(member=member).count()
    seen = assert_same_as_serializer(
        api_for(member), member, "/api/v1/tours/?page_size=2", apis.TourOutputSerializer,
        lambda ids: selectors.tour_list(member=member).filter(pk__in=ids),
    )
    assert seen == expected_count > 0


@pytest.mark.parametrize("who", ["hr", "manager", "employee"])
def test_checkpoint_list_matches_the_serializer(request, api_for, rich_world, who):
    member = request.getfixturevalue(who)
    seen = assert_same_as_serializer(
        api_for(member), member, "/api/v1/checkpoints/?page_size=4", apis.CheckpointOutputSerializer,
        lambda ids: selectors.checkpoint_list(member=member).filter(pk__in=ids),
    )
    assert seen == {"hr": 6, "manager": 6, "employee": 3}[who]


def test_program_list_matches_the_serializer(api_for, rich_world, org, hr):
    ProgramFactory(organization=org, is_active=False, description="Pausiert")
    seen = assert_same_as_serializer(
        api_for(hr), hr, "/api/v1/programs/?page_size=1", apis.ProgramOutputSerializer,
        lambda ids: selectors.program_list(member=hr).filter(pk__in=ids),
    )
    assert seen == 2


def test_filtered_tour_list_matches_the_serializer(api_for, rich_world, hr):
    seen = assert_same_as_serializer(
        api_for(hr), hr, "/api/v1/tours/?status=active&page_size=50", apis.TourOutputSerializer,
        lambda ids: selectors.tour_list(member=hr).filter(pk__in=ids),
    )
    with tenant_context(hr.organization_id):
        assert seen == Tour.objects.for_org(hr.organization_id).filter(status="active").count() == 2


def test_the_schema_still_describes_the_lists_with_the_serializers(api_for, hr):
    schema = api_for(hr).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for component in ("PaginatedTourOutputList", "PaginatedCheckpointOutputList", "PaginatedProgramOutputList",
                      "PaginatedMemberOutputList"):
        assert component in text
    tour_fields = set(schema.json()["components"]["schemas"]["TourOutput"]["properties"])
    assert tour_fields == set(apis.TourOutputSerializer.Meta.fields)


@pytest.mark.parametrize("who", ["hr", "manager", "employee"])
def test_member_list_matches_the_serializer(request, api_for, rich_world, who):
    from alliance.apis import MemberOutputSerializer
    from alliance.selectors import member_list

    member = request.getfixturevalue(who)
    seen = assert_same_as_serializer(
        api_for(member), member, "/api/v1/members/?page_size=3", MemberOutputSerializer,
        lambda ids: member_list(member=member, status="").filter(pk__in=ids),
    )
    with tenant_context(member.organization_id):
        assert seen == member_list(member=member, status="").count() > 0


def test_member_list_runs_a_constant_number_of_queries(api_for, org, hr, manager, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MembershipFactory.create_batch(2, organization=org, manager=manager)
    client = api_for(hr)
    client.get("/api/v1/members/")  # the token's first use records last_used_at once
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/members/").status_code == 200
    MembershipFactory.create_batch(8, organization=org, manager=manager)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/members/")
    assert len(response.json()["results"]) >= 12


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
def test_list_datetimes_are_written_as_drf_writes_them(zone):
    from datetime import UTC, datetime

    from rest_framework.fields import DateTimeField

    from alliance.apis import api_datetime

    with timezone.override(zone):
        for value in (datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC)):
            assert api_datetime(value) == DateTimeField().to_representation(value)
            assert api_datetime(value, timezone.get_current_timezone()) == DateTimeField().to_representation(value)
        assert api_datetime(None) is None


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns"])
def test_list_datetimes_render_as_drf_writes_them(zone):
    """What ``api_datetimes`` hands the renderer (a UTC value as it is, in UTC) is rendered exactly as
    DRF's DateTimeField writes it, with and without microseconds, from UTC and from another offset."""
    from datetime import UTC, datetime, timedelta
    from datetime import timezone as fixed

    from drf_orjson_renderer.renderers import ORJSONRenderer
    from rest_framework.fields import DateTimeField

    from alliance.apis import api_datetimes

    values = [datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC), datetime(2026, 7, 1, 12, tzinfo=UTC),
              datetime(2026, 7, 1, 14, 30, tzinfo=fixed(timedelta(hours=2))), None]
    with timezone.override(zone):
        when = api_datetimes(timezone.get_current_timezone())
        ours = ORJSONRenderer().render([when(value) for value in values])
        theirs = JSONRenderer().render([None if value is None else DateTimeField().to_representation(value)
                                        for value in values])
    assert ours == theirs


def test_a_page_asked_with_paging_parameters_only_is_the_filter_sets_page(api_for, rich_world, hr):
    """Without a filter parameter the filter set is not built; the rows are those it lets through."""
    api = api_for(hr)
    since = "&updated_since=2000-01-01T00:00:00Z"
    for url_plain in ("/api/v1/tours/?page_size=3", "/api/v1/checkpoints/?page_size=4"):
        url_filtered = url_plain + since
        plain, filtered = api.get(url_plain), api.get(url_filtered)
        assert plain.status_code == filtered.status_code == 200
        assert plain.json()["results"] == filtered.json()["results"]
        assert api.get(url_plain + "&status=").status_code == 400


# --- The page in one statement (alliance.listing.ColumnRows) ----------------------------------------------

PEOPLE = ("employee_id", "manager_id")


def _expected_people(viewer, rows) -> dict:
    from alliance.selectors import people_by_membership

    return people_by_membership(viewer.organization_id, {row[name] for row in rows for name in PEOPLE if row[name]},
                                viewer=viewer)


@pytest.mark.parametrize("who", ["hr", "manager", "employee"])
def test_column_rows_read_what_the_orm_reads(request, rich_world, who):
    """Every window, both orderings and a cursor position: the same rows as ``.values()``, the same
    people as ``people_by_membership``, from the one-statement read (joins of a manager's rights
    included), not from the ORM fallback."""
    from alliance.listing import ColumnRows

    member = request.getfixturevalue(who)
    columns = apis.TourListApi.list_columns
    with tenant_context(member.organization_id):
        tours = selectors.tour_list(member=member).select_related(None).prefetch_related(None)
        middle = sorted(tours.values_list("updated_at", flat=True))[1]
        seen = 0
        for queryset in (tours, tours.filter(updated_at__gt=middle)):
            for ordering in (("updated_at", "id"), ("-updated_at", "-id")):
                for start, stop in ((0, 2), (1, 3), (0, 100)):
                    rows = ColumnRows(queryset, columns, viewer=member, people=PEOPLE)
                    page = rows.order_by(*ordering)[start:stop]
                    assert page._statement() is not None
                    found = list(page)
                    expected = list(queryset.values(*columns).order_by(*ordering)[start:stop])
                    assert found == expected
                    assert rows.people == _expected_people(member, expected)
                    seen += len(found)
        assert seen

def test_column_rows_read_a_query_they_cannot_rebuild_through_the_orm(rich_world, hr):
    from alliance.listing import ColumnRows

    columns = apis.TourListApi.list_columns
    with tenant_context(hr.organization_id):
        tours = selectors.tour_list(member=hr).select_related(None).prefetch_related(None).distinct()
        page = ColumnRows(tours, columns, viewer=hr, people=PEOPLE).order_by("updated_at",
                                                                                                    "id")[0:3]
        assert page._statement() is None
        found = list(page)
        assert found == list(tours.values(*columns).order_by("updated_at", "id")[0:3])
        assert page.people == _expected_people(hr, found)


def test_column_rows_of_a_queryset_that_matches_nothing_are_no_rows(rich_world, hr):
    from alliance.listing import ColumnRows

    with tenant_context(hr.organization_id):
        tours = selectors.tour_list(member=hr).select_related(None).prefetch_related(None)
        for empty in (tours.none(), tours.filter(pk__in=[])):
            page = ColumnRows(empty, apis.TourListApi.list_columns, viewer=hr,
                              people=PEOPLE).order_by("updated_at", "id")[0:3]
            assert list(page) == [] and page.people == {}


def test_previous_links_walk_back_through_the_same_pages(api_for, rich_world, hr):
    """Forward by ``next`` to the last page, then back by ``previous``: the same pages in reverse."""
    api = api_for(hr)
    for path in ("/api/v1/tours/?page_size=2", "/api/v1/checkpoints/?page_size=4", "/api/v1/members/?page_size=2"):
        forward = [response.json() for response in walk(api, path)]
        assert len(forward) > 1
        backward, url = [forward[-1]], forward[-1]["previous"]
        while url:
            body = api.get(url).json()
            backward.append(body)
            url = body["previous"]
        assert [page["results"] for page in reversed(backward)] == [page["results"] for page in forward]


def test_a_tour_list_request_is_two_queries(api_for, rich_world, hr):
    """The token's lookup (which also enters its organization) and the page with its people (the
    test's own transaction adds a savepoint around the request's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(hr)
    api.get("/api/v1/tours/")  # the token's first use records last_used_at once
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/tours/?page_size=3")
    assert len(response.json()["results"]) == 3
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements
    assert statements[0].startswith("SELECT set_config('alliance.organization_id'")
    assert "alliance_user" in statements[1] and "tours_tour" in statements[1]
