"""Requests that once ended in a 500 answer a clear JSON 4xx, on every route they can reach."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.apps import apps
from django.urls import get_resolver
from rest_framework.generics import GenericAPIView

from alliance.parsers import MAX_JSON_DEPTH, json_depth
from tests.alliance.routes import fill_kwargs, iter_routes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_list_offered(request):
    """Lists an organization may choose not to offer are on, so that every list is tried: the alumni
    network's job openings exist at its ``invest`` level only."""
    if "hr" in request.fixturenames and apps.is_installed("alumni"):
        from tests.alumni.network import set_level

        set_level(request.getfixturevalue("admin"), "invest")


def _api_routes():
    return [r for r in iter_routes(get_resolver())
            if r.path.startswith("/api/v1/") and r.name not in ("api_schema", "api_docs")]


def _list_paths() -> list[str]:
    """Every cursor-paginated list of the API."""
    paths = [r.build({}) for r in _api_routes()
             if not r.converters and isinstance(r.view_class, type) and issubclass(r.view_class, GenericAPIView)
             and r.view_class.pagination_class is not None and hasattr(r.view_class, "get")]
    assert len(paths) >= 4, paths
    return paths


def _write_routes():
    return [(r, m) for r in _api_routes() if r.view_class is not None
            for m in ("post", "patch") if hasattr(r.view_class, m)]


def _assert_json_error(response, status: int, *, field: str | None = None):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    if field is not None:
        assert field in body["errors"], body


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize("cursor", [
    _cursor("p=abc"),                       # the position is not a time
    _cursor("p=2026-01-01T00:00:00+16:00"),  # a time PostgreSQL refuses
    _cursor("o=-1"),                         # DRF's own check, same answer
    "!!!not-base64",
])
def test_a_tampered_cursor_is_a_400_on_every_list(hr, admin, api_for, cursor):
    api = api_for(admin)  # an administrator reaches every list: HR's, and the administrators' own (webhooks)
    for path in _list_paths():
        _assert_json_error(api.get(path, {"cursor": cursor}), 400, field="cursor")


def test_the_cursors_the_api_gives_out_still_work(hr, api_for, org):
    from tests.alliance.factories import MembershipFactory

    MembershipFactory.create_batch(3, organization=org)
    api = api_for(hr)
    first = api.get("/api/v1/members/", {"page_size": 2}).json()
    second = api.get(first["next"])
    assert second.status_code == 200 and second.json()["results"]
    assert {m["id"] for m in first["results"]}.isdisjoint({m["id"] for m in second.json()["results"]})


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-16:00",
                                   "2026-01-01T00:00:00+23:59"])
def test_a_time_zone_offset_postgresql_refuses_is_a_400(hr, admin, api_for, value):
    api = api_for(admin)  # every list, the administrators' own included
    for path in _list_paths():
        _assert_json_error(api.get(path, {"updated_since": value}), 400, field="updated_since")
    for parameter in ("scheduled_after", "scheduled_before"):
        _assert_json_error(api.get("/api/v1/checkpoints/", {parameter: value}), 400, field=parameter)


def test_the_widest_offsets_postgresql_takes_still_filter(hr, api_for):
    api = api_for(hr)
    for value in ("2026-01-01T00:00:00+15:59", "2026-01-01T00:00:00-15:59", "2026-01-01T00:00:00Z"):
        response = api.get("/api/v1/checkpoints/", {"updated_since": value, "scheduled_after": value})
        assert response.status_code == 200, (value, response.content)


@pytest.mark.parametrize("value", ["0.0", "1.000", "1e3", "1.5", "one"])
def test_an_id_filter_takes_whole_numbers_only(hr, employee, api_for, value):
    for api in (api_for(hr), api_for(employee)):  # an employee's list is short, but the filter is still read
        for path, parameter in (("/api/v1/members/", "manager"), ("/api/v1/tours/", "employee"),
                                ("/api/v1/checkpoints/", "tour")):
            _assert_json_error(api.get(path, {parameter: value}), 400, field=parameter)
    assert api_for(hr).get("/api/v1/members/", {"manager": str(hr.pk)}).status_code == 200


def test_an_empty_date_time_filter_is_a_400_not_ignored(hr, admin, api_for):
    api = api_for(admin)  # every list, the administrators' own included
    for path in _list_paths():
        _assert_json_error(api.get(path + "?updated_since="), 400, field="updated_since")
    _assert_json_error(api.get("/api/v1/checkpoints/?scheduled_before="), 400, field="scheduled_before")


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth('"[\\"[["') == 0
    assert json_depth("[" * 40 + "]" * 40) == 40


def test_json_depth_reads_escapes_and_unterminated_strings():
    assert json_depth('{"a": "\\\\", "b": [[1]]}') == 3  # an escaped backslash ends before the quote
    assert json_depth('["\\"]"]') == 1  # an escaped quote does not close the string
    assert json_depth('"' + '\\"' * 100) == 0
    assert json_depth("") == 0


# Bodies of the largest size the API reads, shaped to defeat a scanner that backtracks: an unterminated
# string of escaped quotes (quadratic for a pattern matching whole strings: 48 KB took 18 s), escapes,
# quotes alone, and brackets alone.
WORST_CASE_BODIES = {
    "escaped quotes": lambda size: '"' + '\\"' * (size // 2 - 1),
    "backslashes": lambda size: '"' + "\\" * (size - 1),
    "quotes": lambda size: '"' * size,
    "open brackets": lambda size: "[" * size,
    "bracket pairs": lambda size: "[]" * (size // 2),
}


@pytest.mark.parametrize("shape", sorted(WORST_CASE_BODIES))
def test_a_worst_case_body_of_the_largest_size_is_read_in_well_under_a_second(shape, settings):
    body = WORST_CASE_BODIES[shape](settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    started = time.process_time()
    json_depth(body)
    assert time.process_time() - started < 1.0  # linear: ~0.2 s on a 2-core machine; the old check took hours


def test_a_worst_case_body_through_the_api_is_a_quick_400(hr, api_for, settings):
    api = api_for(hr)
    body = WORST_CASE_BODIES["escaped quotes"](settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 16)
    started = time.process_time()
    response = api.post("/api/v1/programs/", body, content_type="application/json")
    elapsed = time.process_time() - started
    _assert_json_error(response, 400)
    assert elapsed < 2.0


def test_a_deeply_nested_body_is_a_400_on_every_write(admin, employee, api_for):
    api = api_for(admin)
    body = "[" * 1000 + "]" * 1000
    checked = 0
    for route, method in _write_routes():
        path = route.build(fill_kwargs(route, own_ids={"pk": employee.pk}))
        response = getattr(api, method)(path, body, content_type="application/json")
        if response.status_code == 404:  # no such object: refused before the body is read
            assert response["Content-Type"] == "application/json"
            continue
        _assert_json_error(response, 400)
        assert str(MAX_JSON_DEPTH) in response.json()["detail"], path
        checked += 1
    assert checked >= 3


def test_an_object_nested_just_within_the_limit_is_read(hr, api_for):
    nested = {"x": 1}
    for _ in range(MAX_JSON_DEPTH - 2):  # the body around it is one level more
        nested = {"x": nested}
    response = api_for(hr).post_json("/api/v1/programs/", {"name": "Deep", "duration_months": 6, "extra": nested})
    # Read (not refused for its depth), then refused as a field programs do not take.
    assert response.status_code == 400 and list(response.json()["errors"]) == ["extra"], response.content


def test_a_body_over_the_upload_limit_is_a_json_413(hr, api_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "Big", "duration_months": 6, "description": "x" * 20_000})
    response = api_for(hr).post("/api/v1/programs/", body, content_type="application/json")
    _assert_json_error(response, 413)
    assert "10,000 bytes" in response.json()["detail"]


def test_a_one_megabyte_mission_is_refused(manager, employee, api_for):
    from datetime import date

    response = api_for(manager).post_json("/api/v1/tours/", {
        "employee": employee.pk, "kind": "transformational", "title": "Big", "mission": "x" * 1_000_000,
        "company_objectives": "c", "employee_benefits": "e", "start_date": date.today().isoformat(),
    })
    _assert_json_error(response, 400, field="mission")


@pytest.mark.parametrize("path", ["/api/v1/tours/abc/", "/api/v1/checkpoints/1e3/", "/api/v1/members/-1/",
                                  "/api/v1/programs/abc/start-cohort/"])
def test_a_path_id_that_is_not_a_whole_number_is_a_json_404(hr, api_for, path):
    _assert_json_error(api_for(hr).get(path), 404)


def test_an_empty_cursor_and_a_boolean_that_is_not_one_are_400s(hr, api_for):
    api = api_for(hr)
    _assert_json_error(api.get("/api/v1/programs/?cursor="), 400, field="cursor")
    _assert_json_error(api.get("/api/v1/programs/", {"is_active": "null"}), 400, field="is_active")
    assert api.get("/api/v1/programs/", {"is_active": "false"}).status_code == 200


@pytest.mark.django_db
def test_a_nul_character_in_a_query_parameter_is_a_400_on_pages_and_the_api(client_for, hr, api_for):
    """PostgreSQL text cannot hold NUL: ``?q=%00`` reached a query and answered 500 (found by make fuzz)."""
    api = api_for(hr)
    for path in ("/api/v1/members/?email=%00", "/api/v1/tours/?cursor=a%00b", "/api/v1/members/?x%00=1"):
        response = api.get(path)
        assert response.status_code == 400 and "NUL" in response.json()["detail"], path
    page = client_for(hr).get(f"/o/{hr.organization.slug}/members/?q=ab%00c")
    assert page.status_code == 400 and b"NUL" in page.content
    assert client_for(hr).get(f"/o/{hr.organization.slug}/members/?q=abc").status_code == 200


def _api_serializers():
    """Every serializer class the apps' API modules define (``apis.py``, or each module of an ``apis/``
    package)."""
    import importlib
    import inspect
    import pkgutil

    from django.apps import apps
    from rest_framework import serializers

    for config in apps.get_app_configs():
        if not config.path.startswith(str(__import__("pathlib").Path(__file__).resolve().parents[2])):
            continue  # our apps only
        names = []
        for info in pkgutil.iter_modules([config.path]):
            if info.name.endswith("apis"):
                names.append(f"{config.name}.{info.name}")
                if info.ispkg:
                    package = importlib.import_module(f"{config.name}.{info.name}")
                    names += [f"{package.__name__}.{sub.name}" for sub in pkgutil.iter_modules(package.__path__)]
        for name in names:
            module = importlib.import_module(name)
            for cls in vars(module).values():
                if inspect.isclass(cls) and issubclass(cls, serializers.Serializer) and cls.__module__ == name:
                    yield f"{name}.{cls.__name__}", cls


def _api_serializer_fields(base=None):
    for name, cls in _api_serializers():
        if base is not None and not issubclass(cls, base):
            continue
        for field_name, field in cls._declared_fields.items():
            fields = [field, getattr(field, "child", None)]
            for item in fields:
                if item is not None and not item.read_only:
                    yield f"{name}.{field_name}", item


def test_the_sweeps_see_every_api_module():
    names = {name for name, _cls in _api_serializers()}
    assert "alumni.apis.referrals.LeadCreateInputSerializer" in names
    assert "tours.apis.checkpoints.AgendaItemInputSerializer" in names
    assert "alliance.apis.MemberOutputSerializer" in names


def test_every_text_field_of_the_api_input_takes_only_strings():
    """DRF's CharField turns 0.5 into "0.5"; the schema says string, so a number is a 400 (make fuzz)."""
    from rest_framework import serializers

    loose = [name for name, field in _api_serializer_fields() if type(field) is serializers.CharField]
    assert loose == []


def test_every_input_of_the_api_refuses_unknown_fields():
    """A write's body, and every object nested in one, is an InputSerializer: an unknown field is a 400."""
    from alliance.serializers import InputSerializer

    loose = [name for name, cls in _api_serializers()
             if ("Input" in name.rsplit(".", 1)[1] or name.endswith("NewActionItemSerializer"))
             and not issubclass(cls, InputSerializer)]
    assert loose == []
    bodies = {name for name, cls in _api_serializers() if issubclass(cls, InputSerializer)}
    assert len(bodies) >= 40


def test_every_boolean_of_the_api_input_takes_only_true_or_false():
    """DRF's BooleanField takes 0, 1, "yes", "on"…; the schema says boolean."""
    from rest_framework import serializers

    from alliance.serializers import InputSerializer

    loose = [name for name, field in _api_serializer_fields(InputSerializer)
             if type(field) is serializers.BooleanField]
    assert loose == []


def test_a_number_for_a_text_field_is_a_400_and_changes_nothing(hr, api_for):
    api = api_for(hr)
    created = api.post_json("/api/v1/programs/", {"name": "Rotation", "duration_months": 12})
    assert created.status_code == 201, created.content
    program = created.json()["id"]
    bad = api.patch_json(f"/api/v1/programs/{program}/", {"mission_template": 0.0})
    assert bad.status_code == 400 and bad.json()["errors"]["mission_template"] == ["Not a valid string."]
    assert api.get(f"/api/v1/programs/{program}/").json()["mission_template"] == ""


def test_a_write_without_a_body_documents_400(client):
    """Marking a bonus paid has no body, yet the domain refuses it (not pending) with a 400 (make fuzz)."""
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    writes = [(path, method) for path, item in schema["paths"].items() for method, operation in item.items()
              if method in {"post", "put", "patch", "delete"} and "400" not in operation["responses"]]
    assert writes == []
