"""The manager sees departures: My team, the tour page and the home page show a report's pending exit
with its last working day; scheduling warns first and refuses a conversation after the last day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.templatetags.alliance_tags import day
from alumni import services as alumni_services
from tests.tours.factories import TourFactory
from tours import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(org, hr, manager, employee):
    with tenancy.tenant_context(org.pk):
        Membership.objects.filter(pk=employee.pk).update(employment_started_on=date(2020, 1, 1))
        employee.refresh_from_db()
        tour = TourFactory(employee=employee, manager=manager, status="active",
                           end_date=timezone.localdate() + timedelta(days=400))
        hr.organization = org
        process = alumni_services.exit_start(by=hr, member=employee, kind="resignation",
                                             last_working_day=timezone.localdate() + timedelta(days=20),
                                             initiated_by="employee")
    return tour, process


def _day(value) -> str:
    return day(value)


def test_my_team_the_tour_page_and_home_show_the_last_day(client_for, manager, leaving):
    tour, process = leaving
    client = client_for(manager)
    day = _day(process.last_working_day)
    team = client.get("/o/acme/team/").content.decode()
    assert f"Leaving: last working day {day}" in team
    assert "Leaving" in client.get("/o/acme/team/?flag=leaving").content.decode()
    detail = client.get(f"/o/acme/tours/{tour.pk}/").content.decode()
    assert 'id="leaving"' in detail and day in detail
    assert "a next tour here is unlikely" in detail
    home = client.get("/o/acme/").content.decode()
    assert "is leaving: last working day" in home and day in home
    schedule = client.get(f"/o/acme/tours/{tour.pk}/checkpoints/new/").content.decode()
    assert 'id="leaving"' in schedule


def test_no_warning_when_nobody_leaves(client_for, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    client = client_for(manager)
    assert 'id="leaving"' not in client.get(f"/o/acme/tours/{tour.pk}/").content.decode()
    assert "Leaving: last working day" not in client.get("/o/acme/team/").content.decode()


def test_a_checkpoint_after_the_last_day_is_refused(org, manager, leaving, client_for):
    tour, process = leaving
    after = timezone.now() + timedelta(days=25)
    with tenancy.tenant_context(org.pk), pytest.raises(ApplicationError, match="is leaving"):
        services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=after)
    with tenancy.tenant_context(org.pk):
        before = services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=timezone.now() + timedelta(days=5))
    assert before.pk is not None
    response = client_for(manager).post(f"/o/acme/tours/{tour.pk}/checkpoints/new/", {
        "scheduled_at": timezone.localtime(after).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 45})
    assert response.status_code == 400 or "After their last working day" in response.content.decode()
