"""Hand-offs of the alumni app: the leaver's manager, checklist assignees, HR and a new manager hear of
what concerns them, by the channels they chose, and a cancelled exit's notices leave their bells."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, Notification
from alliance.templatetags.alliance_tags import day as format_day
from alumni import services
from alumni.handoffs import ALUMNI_CONTRIBUTION, EXIT_TASK_ASSIGNED, TEAM_DEPARTURE
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.alumni.network import set_level
from tests.helpers import sent_mail
from tests.tours.factories import TourFactory

pytestmark = pytest.mark.django_db


def _told(org, member, kind):
    with tenancy.tenant_context(org.pk):
        return list(Notification.objects.filter(recipient=member, kind=kind).order_by("id")
                    .values_list("title", flat=True))


def test_exit_started_tells_the_manager_and_every_task_assignee(org, hr, manager, long_employee, checklist):
    process = start(hr, long_employee, days=10)
    day = process.last_working_day
    departure = _told(org, manager, TEAM_DEPARTURE)
    assert len(departure) == 1 and long_employee.user.full_name in departure[0] and "last working day" in departure[0]
    tasks = _told(org, manager, EXIT_TASK_ASSIGNED)
    assert len(tasks) == 1 and tasks[0].startswith(f"1 exit task for you: {long_employee.user.full_name} leaves on")
    assert tasks[0].endswith(format_day(day))
    # HR started it and does its own task: not told of what they just did; the leaver has their own message.
    assert _told(org, hr, EXIT_TASK_ASSIGNED) == []
    assert _told(org, long_employee, EXIT_TASK_ASSIGNED) == []
    to = [message.to for message in sent_mail()]
    assert ["manager@acme.test"] in to


def test_a_cancelled_exit_leaves_the_bells_and_the_manager_hears_it(org, hr, manager, long_employee, checklist):
    process = start(hr, long_employee, days=10)
    with tenancy.tenant_context(org.pk):
        services.exit_cancel(process=process, by=hr)
    titles = _told(org, manager, TEAM_DEPARTURE)
    assert len(titles) == 1 and "stays" in titles[0]
    assert _told(org, manager, EXIT_TASK_ASSIGNED) == []


def test_moving_the_last_day_tells_the_manager(org, hr, manager, long_employee, checklist):
    process = start(hr, long_employee, days=10)
    with tenancy.tenant_context(org.pk):
        services.exit_update(process=process, by=hr,
                             data={"last_working_day": timezone.localdate() + timedelta(days=20)})
    titles = _told(org, manager, TEAM_DEPARTURE)
    assert len(titles) == 2 and "is now" in titles[1]


def test_the_manager_hears_their_report_left_and_joined_the_alumni(org, hr, manager, long_employee):
    start(hr, long_employee, days=0)
    assert services.exits_sweep(now=timezone.now() + timedelta(days=1)) == 1
    titles = _told(org, manager, TEAM_DEPARTURE)
    assert any("has left" in title for title in titles)


def test_a_manager_who_turned_departures_off_hears_nothing(org, hr, manager, long_employee):
    from alliance.notifications import preferences_set

    with tenancy.tenant_context(org.pk):
        preferences_set(member=manager, choices={TEAM_DEPARTURE: "off"})
    start(hr, long_employee, days=10)
    assert _told(org, manager, TEAM_DEPARTURE) == []
    assert not any(message.to == ["manager@acme.test"] for message in sent_mail())


def test_new_referrals_and_leads_reach_hr(org, admin, hr, employee):
    set_level(admin, "support")
    with tenancy.tenant_context(org.pk):
        services.referral_create(by=employee, candidate_name="Ada Lovelace", candidate_email="ada@x.test",
                                 role="Engineer", why="Brilliant")
        services.lead_create(by=employee, company="Initech", contact_name="Bill", need="Robots")
    for person in (hr, admin):
        titles = _told(org, person, ALUMNI_CONTRIBUTION)
        assert len(titles) == 2
        assert "referral" in titles[0] and "Ada Lovelace" in titles[0]
        assert "customer lead" in titles[1] and "Initech" in titles[1]
    assert _told(org, employee, ALUMNI_CONTRIBUTION) == []


def test_a_lead_given_to_someone_tells_them(org, admin, hr, employee, manager):
    set_level(admin, "support")
    with tenancy.tenant_context(org.pk):
        lead = services.lead_create(by=employee, company="Initech", contact_name="Bill", need="Robots")
        hr.organization = org
        services.lead_assign(lead=lead, by=hr, owner=manager)
    assert any("Initech" in title for title in _told(org, manager, ALUMNI_CONTRIBUTION))


def test_a_rehired_boomerang_is_announced_to_the_new_manager(org, hr, manager, long_employee, admin):
    from alliance.handoffs import TEAM_JOINED

    other = MembershipFactory(organization=org, role=Membership.Role.MANAGER, manager=admin,
                              user__email="new.manager@acme.test")
    TourFactory(employee=long_employee, manager=manager, status="active", start_date=date(2021, 1, 1),
                end_date=timezone.localdate() + timedelta(days=200))
    process = start(hr, long_employee, days=0)
    with tenancy.tenant_context(org.pk):
        services.exit_update(process=process, by=hr, data={"good_standing": True, "rehire": "eligible"})
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    start_day = timezone.localdate() + timedelta(days=30)
    with tenancy.tenant_context(org.pk):
        alumnus = Membership.objects.select_related("user").get(pk=long_employee.pk)
        alumnus.organization = org
        hr.organization = org
        services.boomerang_rehire(by=hr, alumnus=alumnus, role="employee", manager=other, start_date=start_day,
                                  title="Engineer", team="Robotics", tour_kind="transformational",
                                  tour_title="Second stay", mission="Lead it.", company_objectives="Ship.",
                                  employee_benefits="Lead.", end_date=start_day + timedelta(days=700))
    titles = _told(org, other, TEAM_JOINED)
    assert len(titles) == 1 and "comes back to your team" in titles[0]


def test_an_alumnus_has_a_bell(org, hr, long_employee, client_for):
    start(hr, long_employee, days=0)
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        alumnus = Membership.objects.select_related("user").get(pk=long_employee.pk)
        assert alumnus.status == "alumnus"
        Notification.objects.create(organization=org, recipient=alumnus, kind="alumni_newsletter",
                                    title="Hello from Acme")
    client = client_for(alumnus)
    page = client.get("/o/acme/notifications/")
    assert page.status_code == 200 and "Hello from Acme" in page.content.decode()
    assert client.get("/o/acme/notifications/bell/").status_code == 200
    # Everything else of the organization stays closed to them.
    assert client.get("/o/acme/members/").status_code == 404


def test_an_answered_come_back_request_leaves_hrs_bell(org, admin, hr):
    from tests.alumni.network import deliver_all, make_alumnus

    set_level(admin, "support")
    alumnus = make_alumnus(org, "alum@home.test", "Ada Alumna")
    with tenancy.tenant_context(org.pk):
        boomerang = services.boomerang_request(by=alumnus, message="I would like to come back")
    deliver_all(org)
    assert len(_told(org, hr, services.BOOMERANG_REQUESTED)) == 1
    with tenancy.tenant_context(org.pk):
        hr.organization = org
        services.boomerang_decline(boomerang=boomerang, by=hr, note="No opening now.")
    assert _told(org, hr, services.BOOMERANG_REQUESTED) == []
    assert _told(org, admin, services.BOOMERANG_REQUESTED) == []
