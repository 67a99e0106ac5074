"""The alliance's health page, its manager's version, CSV downloads and the API: figures against a
hand-counted organization (tests/alliance/health_world.py), rights, and a constant number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance import health, tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from tests.alliance import health_world
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import TourFactory
from tours.models import Tour

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, admin, hr, manager):
    return health_world.build(org, admin, hr, manager)


def figures_for(viewer, **filters) -> dict[str, health.HealthFigure]:
    with tenancy.tenant_context(viewer.organization_id):
        scope = health.health_scope(viewer=viewer, **filters)
        return {figure.key: figure for figure in health.health_figures_for(scope)}


def test_the_organizations_figures_match_the_hand_count(world, hr):
    figures = figures_for(hr)
    coverage = figures["coverage"]
    assert coverage.rows == [["Data", 4, 1, "25.0 %"], ["Platform", 5, 2, "40.0 %"]]
    assert coverage.headline == 33.3
    assert "Drafts older than 30 days: 1." in coverage.note
    assert figures["coverage_trend"].rows[-1][1:] == [9, 3, "33.3 %"]
    kept = figures["checkpoints_kept"]
    # held, missed, overdue, still to come (today), cancelled: the checkpoint in 20 days is after the period
    assert [row[1] for row in kept.rows] == [1, 1, 1, 0, 0]
    assert kept.headline == 33.3
    assert figures["checkpoints_overdue"].rows[0][1] == 1
    assert [row[1] for row in figures["checkpoint_recency"].rows] == [1, 0, 1, 0, 1]
    next_tours = figures["next_tours"]
    assert [row[1:] for row in next_tours.rows] == [[1, 0, 1], [1, 1, 0]]
    assert next_tours.headline == 1
    conversations = figures["first_conversations"]
    assert [row[1] for row in conversations.rows] == [1, 0, 0, 0]
    assert "Granted on 1 active tours; exercised 1 times" in conversations.note
    assert "5.0 days" in conversations.note
    assert [row[1] for row in figures["amendments"].rows] == [0, 1, 0]
    at_risk = figures["at_risk"]
    assert at_risk.headline == 3
    reasons = sorted((row[0], row[1]) for row in at_risk.rows)
    assert [reason for _, reason in reasons].count("No checkpoint for twice the cadence") == 1
    assert len(at_risk.links) == 3 and all(link.startswith("/o/acme/tours/") for link in at_risk.links)
    attrition = figures["attrition"]
    assert [row[:8] for row in attrition.rows] == [["End of tour", 1, 0, 0, 1, 0, 0, 0],
                                                  ["Resignation", 1, 1, 1, 0, 1, 0, 0]]
    assert attrition.rows[1][8] == "1.9 years"
    assert "regretted share 50.0 %" in attrition.note
    fund = figures["fund_spend"]
    assert [row[:4] for row in fund.rows] == [["Data", 4, 400, 0], ["Platform", 5, 500, 80]]
    assert fund.headline == 8.9
    assert figures["report_back"].headline == 50.0
    assert [row[1:4] for row in figures["intel_notes"].rows] == [[4, 1, 1], [5, 1, 2]]
    assert figures["introductions"].headline == 1


def test_a_managers_subtree_and_a_team_filter(world, hr):
    mine = figures_for(world.manager, own_team=True)
    assert sum(row[1] for row in mine["coverage"].rows) == 6  # e1, e2, e3, M2, e4, e6
    assert mine["coverage"].headline == 50.0
    below_m2 = figures_for(hr, manager=world.manager2.pk)
    assert below_m2["coverage"].rows == [["Data", 2, 1, "50.0 %"]]
    assert below_m2["at_risk"].headline == 1  # e4's manager changed
    data = figures_for(hr, team="Data")
    assert data["coverage"].rows == [["Data", 4, 1, "25.0 %"]]
    assert figures_for(world.manager2, own_team=True)["attrition"].rows[0][0] == "End of tour"


def test_scope_refusals_and_bad_filters(world, employee, hr):
    with tenancy.tenant_context(employee.organization_id):
        with pytest.raises(NotAllowed):
            health.health_scope(viewer=employee)
        with pytest.raises(ApplicationError) as bad_period:
            health.health_scope(viewer=hr, period="7")
        assert "period" in bad_period.value.field_errors
        with pytest.raises(ApplicationError):
            health.health_scope(viewer=hr, manager="x")
        with pytest.raises(ApplicationError):
            health.health_scope(viewer=hr, manager=999999)
        with pytest.raises(ApplicationError):
            health.health_scope(viewer=hr, manager=2 ** 70)
        # A manager may narrow to someone below them, never to someone beside or above.
        with pytest.raises(ApplicationError):
            health.health_scope(viewer=world.manager2, manager=world.manager.pk)


def test_pages_rights(world, org, admin, hr, employee, outsider, client_for):
    assert client_for(hr).get("/o/acme/alliance/").status_code == 200
    assert client_for(admin).get("/o/acme/alliance/").status_code == 200
    assert client_for(world.manager).get("/o/acme/alliance/").status_code == 403
    assert client_for(employee).get("/o/acme/alliance/").status_code == 403
    assert client_for(employee).get("/o/acme/team/alliance/").status_code == 403
    assert client_for(outsider).get("/o/acme/alliance/").status_code == 404
    assert client_for(outsider).get("/o/acme/team/alliance/").status_code == 404
    assert client_for(outsider).get("/o/acme/alliance/coverage.csv").status_code == 404


def test_leadership_view_granted_by_an_administrator(world, org, admin, hr, client_for):
    from alliance.services import membership_leadership_set

    leader = MembershipFactory(organization=org, role=Membership.Role.EMPLOYEE, team="Board")
    assert client_for(leader).get("/o/acme/alliance/").status_code == 403
    with tenancy.tenant_context(org.pk):
        with pytest.raises(NotAllowed):
            membership_leadership_set(membership=leader, by=hr, leadership=True)
        membership_leadership_set(membership=leader, by=admin, leadership=True)
    page = client_for(leader).get("/o/acme/alliance/")
    assert page.status_code == 200
    assert b"Alliance health" in page.content  # in the navigation
    assert leader.changes.filter(field="leadership", new_value="yes").exists()


def test_the_managers_page_shows_their_todo(world, client_for):
    page = client_for(world.manager).get("/o/acme/team/alliance/")
    assert page.status_code == 200
    text = page.content.decode()
    for heading in ("Checkpoints to hold", "Next-tour plans to record", "Amendments to answer",
                    "Departures in your team"):
        assert heading in text
    assert "(overdue)" in text
    approvals = client_for(world.manager2).get("/o/acme/team/alliance/").content.decode()
    assert "Expenses to approve" in approvals


def test_a_bad_filter_is_a_clear_error_on_the_page(world, hr, client_for):
    page = client_for(hr).get("/o/acme/alliance/", {"period": "9999"})
    assert page.status_code == 400
    assert "Choose a period" in page.content.decode()
    assert client_for(hr).get("/o/acme/alliance/coverage.csv", {"manager": "abc"}).status_code == 400


def test_csv_download_per_figure(world, hr, client_for):
    response = client_for(hr).get("/o/acme/alliance/coverage.csv", {"team": "Platform"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["Team", "Active members", "With a current tour", "Share"], ["Platform", "5", "2", "40.0 %"]]
    assert client_for(hr).get("/o/acme/alliance/nothing.csv").status_code == 404
    team = client_for(world.manager).get("/o/acme/team/alliance/at_risk.csv")
    assert team.status_code == 200
    assert len(list(csv.reader(io.StringIO(b"".join(team.streaming_content).decode())))) == 4


def test_the_api_returns_the_same_figures(world, hr, employee, outsider, api_for):
    body = api_for(hr).get("/api/v1/alliance-health/", {"team": "Platform"}).json()
    coverage = next(figure for figure in body["figures"] if figure["key"] == "coverage")
    assert coverage["rows"] == [["Platform", 6, 2, "33.3 %"]]  # the world's five, and ``employee``
    assert body["scope"]["team"] == "Platform"
    mine = api_for(world.manager).get("/api/v1/alliance-health/").json()
    assert mine["scope"]["people"] == 8  # the world's seven below M, and ``employee``
    assert api_for(employee).get("/api/v1/alliance-health/").status_code == 403
    assert api_for(hr).get("/api/v1/alliance-health/", {"period": "2"}).status_code == 400
    assert api_for(world.manager2).get("/api/v1/alliance-health/", {"manager": world.manager.pk}).status_code == 400
    assert api_for(outsider).get("/api/v1/alliance-health/").json()["figures"][0]["rows"] == [
        ["Platform", 1, 0, "0.0 %"]]  # its own organization only: the outsider alone


def _queries(fetch) -> int:
    fetch()
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def test_a_constant_number_of_queries(world, org, hr, client_for, api_for):
    client, api = client_for(hr), api_for(hr)
    page = _queries(lambda: client.get("/o/acme/alliance/"))
    team = _queries(lambda: client_for(world.manager).get("/o/acme/team/alliance/"))
    endpoint = _queries(lambda: api.get("/api/v1/alliance-health/"))
    assert 15 < page < 40 and 15 < team < 70 and 15 < endpoint < 40, (page, team, endpoint)
    from network_intel.models import IntelNote
    from network_intel.services import note_read_record

    for index in range(12):
        member = MembershipFactory(organization=org, manager=world.manager, team=f"Team {index % 3}")
        TourFactory(employee=member, manager=world.manager, status=Tour.Status.ACTIVE)
        with tenancy.tenant_context(org.pk):  # more notes, each read: the most-read notes grow too
            note = IntelNote.objects.create(organization=org, author=member, title=f"Note {index}", body="Body.")
            assert note_read_record(by=world.e2, note=note) and note_read_record(by=hr, note=note)
    assert _queries(lambda: client.get("/o/acme/alliance/")) == page
    assert _queries(lambda: client_for(world.manager).get("/o/acme/team/alliance/")) == team
    assert _queries(lambda: api.get("/api/v1/alliance-health/")) == endpoint


def test_an_administrator_grants_the_leadership_view_on_the_member_page(org, admin, hr, outsider, client_for):
    leader = MembershipFactory(organization=org, team="Board")
    path = f"/o/acme/members/{leader.pk}/leadership/"
    assert client_for(hr).post(path, {"leadership": "yes"}).status_code == 403
    assert client_for(outsider).post(path, {"leadership": "yes"}).status_code == 404
    assert client_for(admin).post(path, {"leadership": "maybe"}).status_code == 302
    leader.refresh_from_db()
    assert not leader.leadership
    assert client_for(admin).post(path, {"leadership": "yes"}).status_code == 302
    leader.refresh_from_db()
    assert leader.leadership
    assert "Take the leadership view back" in client_for(admin).get(f"/o/acme/members/{leader.pk}/").content.decode()
