"""The pages' one way of writing times (the ``|moment`` filter) has an API twin: every time the API
writes is ISO 8601 in UTC with a ``Z`` (``alliance.apis.api_datetime``, DRF's ``DateTimeField``), and
every day is ``YYYY-MM-DD``: a client converts to its reader's zone once, the same way for every field.

Swept over every list endpoint the URL resolver knows, with the demo data, as HR and as an employee.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from alliance.models import Membership
from alliance.tenancy import cross_tenant
from tests.alliance.factories import make_api_token
from tests.alliance.routes import iter_routes
from tests.helpers import ApiClient

LOOKS_LIKE_A_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
LOOKS_LIKE_A_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LISTS = [r for r in iter_routes(get_resolver())
         if r.route.startswith("/api/v1/") and not r.converters and r.name not in ("api_schema", "api_docs")]


def strings(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            yield from strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


@pytest.mark.django_db
def test_every_time_and_day_the_api_writes_is_written_one_way():
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    with cross_tenant(reason="test: the demo's HR and employee"):
        people = [Membership.objects.select_related("user").get(user__email=email, organization__slug="acme")
                  for email in ("hr@acme.example", "ellis.employee@acme.example")]
    wrong, seen = [], 0
    for member in people:
        api = ApiClient(make_api_token(member))
        for route in LISTS:
            response = api.get(route.build({}))
            if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
                continue
            for path, text in strings(response.json()):
                if LOOKS_LIKE_A_TIME.match(text):
                    seen += 1
                    if not TIME.match(text):
                        wrong.append(f"{route.route} {path}: {text}")
                elif LOOKS_LIKE_A_DAY.match(text) and len(text) <= 10 and not DAY.match(text):
                    wrong.append(f"{route.route} {path}: {text}")
    assert seen > 100  # the sweep read real times
    assert wrong == []
