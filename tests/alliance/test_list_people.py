"""Lists read people per row, never by joining a membership table into a sorted, limited statement.

A ``select_related`` (or an ordering, or a filter) through a membership foreign key puts
``alliance_membership`` into the statement that sorts and limits a page; PostgreSQL multiplies the
row-level-security selectivity of each joined membership table and mis-plans small organizations
(alliance.rowpeople). Every page the URL resolver serves is opened, with the demo data, as the people
who see most (HR, a manager), and every sorted, limited statement they run is checked.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from alliance.models import Membership
from alliance.rowpeople import person_from_json, with_people
from alliance.tenancy import tenant_context
from tests.alliance.routes import iter_routes
from tests.test_browser_sweep import NOT_PAGE_PREFIXES, NOT_PAGES, TOKEN_PAGES, demo_people, find_path
from tests.tours.factories import TourFactory
from tours.models import Tour

JOINS_MEMBERSHIP = re.compile(r'\bJOIN\s+"alliance_membership"', re.IGNORECASE)
LIMIT = re.compile(r"\bLIMIT\s+(\d+)", re.IGNORECASE)


def sorted_limited_join(sql: str) -> bool:
    """A statement that sorts and limits a list (more than one row) and joins a membership table."""
    limits = [int(n) for n in LIMIT.findall(sql)]
    return "ORDER BY" in sql.upper() and any(n > 1 for n in limits) and bool(JOINS_MEMBERSHIP.search(sql))


def test_the_check_tells_a_join_from_a_per_row_lookup():
    joined = ('SELECT t.id FROM "tours_tour" t INNER JOIN "alliance_membership" m ON (t.employee_id = m.id) '
              "ORDER BY t.end_date LIMIT 25")
    per_row = ('SELECT t.id, (SELECT JSONB_BUILD_OBJECT(\'id\', U0.id) FROM "alliance_membership" U0 '
               'INNER JOIN "alliance_user" U1 ON (U0.user_id = U1.id) WHERE U0.id = t.employee_id LIMIT 1) '
               'FROM "tours_tour" t ORDER BY t.end_date LIMIT 25')
    one = 'SELECT t.id FROM "tours_tour" t INNER JOIN "alliance_membership" m ON (true) ORDER BY t.id LIMIT 1'
    assert sorted_limited_join(joined)
    assert not sorted_limited_join(per_row)
    assert not sorted_limited_join(one)


@pytest.mark.django_db
def test_with_people_reads_each_person_in_the_rows_own_statement(org, hr, manager, employee, django_assert_num_queries):
    TourFactory(organization=org, employee=employee, manager=manager)
    tours = with_people(Tour.objects.for_org(org).order_by("id"), "employee", "manager")
    with tenant_context(org.pk), django_assert_num_queries(1) as captured:
        rows = list(tours[:10])
        assert rows[0].employee.user.full_name == employee.user.full_name
        assert rows[0].employee.user.email == employee.user.email
        assert rows[0].employee.team == employee.team
        assert rows[0].employee.employment_started_on == employee.employment_started_on
        assert rows[0].manager.user.full_name == manager.user.full_name
        assert rows[0].manager.is_active
    assert not sorted_limited_join(captured.captured_queries[0]["sql"])
    assert person_from_json(None) is None
    # Paths add up; a .values() read is refused (it has no rows to carry people).
    with tenant_context(org.pk):
        assert list(with_people(tours, "manager")[:1])[0].employee.pk == employee.pk
    with pytest.raises(TypeError):
        with_people(Tour.objects.values("id"), "employee")


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO(), verbosity=0)
    return demo_people()


@pytest.mark.django_db
def test_no_page_joins_a_membership_table_into_a_sorted_limited_list(demo):
    routes = [route for route in iter_routes(get_resolver())
              if route.route.startswith("/o/") and route.name not in NOT_PAGES and route.name not in TOKEN_PAGES
              and not any(route.route.startswith(prefix) for prefix in NOT_PAGE_PREFIXES)]
    offending: dict[str, str] = {}
    visited = 0
    for role in ("HR", "manager"):
        member: Membership = demo[role]
        client = Client()
        client.force_login(member.user)
        for route in routes:
            with CaptureQueriesContext(connection) as captured:
                path, _status = find_path(client, route, member)
            if path is None:
                continue
            visited += 1
            for query in captured.captured_queries:
                if sorted_limited_join(query["sql"]):
                    sql = query["sql"]
                    offending.setdefault(f"{role} {route.name}", sql[sql.find(' FROM "'):][:300])
    assert visited > 40
    assert not offending, "\n".join(f"{page}: {sql}" for page, sql in sorted(offending.items()))
