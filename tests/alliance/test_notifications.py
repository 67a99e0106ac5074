"""In-app notifications: the bell, the list, mark read, preferences; and lead-time settings."""

from __future__ import annotations

import pytest

from alliance import tenancy
from alliance.models import Notification, NotificationPreference, Organization
from alliance.notifications import notification_create


def notify(member, title="Checkpoint tomorrow", url="/somewhere/"):
    with tenancy.tenant_context(member.organization_id):
        return notification_create(recipient=member, kind="checkpoint_upcoming", title=title, body="Agenda: …",
                                   url=url)


@pytest.fixture
def notifications(employee):
    return [notify(employee, title=f"Reminder {i}") for i in range(3)]


def test_bell_shows_the_unread_count(client_for, employee, notifications):
    response = client_for(employee).get("/o/acme/")
    assert response.status_code == 200
    assert '<span class="bell-count">3</span>' in response.content.decode()


def test_bell_partial_for_htmx_polling(client_for, employee, notifications):
    response = client_for(employee).get("/o/acme/notifications/bell/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<a id="bell"') and "3 unread" in body


def test_list_and_unread_filter(client_for, employee, notifications):
    client = client_for(employee)
    with tenancy.tenant_context(employee.organization_id):
        Notification.objects.filter(pk=notifications[0].pk).update(read_at=notifications[0].created_at)
    assert client.get("/o/acme/notifications/").content.decode().count('class="notification card') == 3
    unread = client.get("/o/acme/notifications/?show=unread").content.decode()
    assert unread.count('class="notification card') == 2


def test_mark_read_by_htmx_returns_the_item_and_triggers_the_bell(client_for, employee, notifications):
    target = notifications[1]
    response = client_for(employee).post(f"/o/acme/notifications/{target.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "notifications-changed" in response.headers["HX-Trigger"]
    assert f'id="notification-{target.pk}"' in response.content.decode()
    with tenancy.tenant_context(employee.organization_id):
        assert Notification.objects.get(pk=target.pk).read_at is not None


def test_mark_read_without_javascript_follows_the_link(client_for, employee):
    target = notify(employee, url="/o/acme/profile/")
    response = client_for(employee).post(f"/o/acme/notifications/{target.pk}/read/")
    assert response.status_code == 302 and response.url == "/o/acme/profile/"


def test_mark_all_read(client_for, employee, notifications):
    client_for(employee).post("/o/acme/notifications/read-all/")
    with tenancy.tenant_context(employee.organization_id):
        assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(client_for, employee, manager, outsider, notifications):
    target = notifications[0]
    assert client_for(manager).post(f"/o/acme/notifications/{target.pk}/read/").status_code == 404
    assert client_for(outsider).post(f"/o/globex/notifications/{target.pk}/read/").status_code == 404
    assert client_for(outsider).get("/o/acme/notifications/").status_code == 404


def test_list_runs_a_constant_number_of_queries(client_for, employee, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(employee)
    notify(employee)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/acme/notifications/")
    for i in range(25):
        notify(employee, title=f"More {i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/o/acme/notifications/")
    assert len(many) == len(few)


def test_preferences_are_saved_per_kind(client_for, employee):
    response = client_for(employee).post(
        "/o/acme/notifications/preferences/", {"checkpoint_upcoming": "email", "tour_ending": "in_app"}
    )
    assert response.status_code == 302
    with tenancy.tenant_context(employee.organization_id):
        saved = dict(NotificationPreference.objects.values_list("kind", "channel"))
    assert saved == {"checkpoint_upcoming": "email", "tour_ending": "in_app"}


def test_a_bad_preference_changes_nothing(client_for, employee):
    response = client_for(employee).post(
        "/o/acme/notifications/preferences/", {"checkpoint_upcoming": "email", "tour_ending": "pigeon"}, follow=True
    )
    assert "Choose e-mail, in-app, both or off." in response.content.decode()
    with tenancy.tenant_context(employee.organization_id):
        assert not NotificationPreference.objects.exists()


def test_admin_sets_lead_times(client_for, admin, org):
    data = {
        "name": org.name, "mission": org.mission, "values": org.values, "time_zone": "Europe/Berlin",
        "currency": "EUR", "checkpoint_days_before": "14,3", "agenda_nudge_days_before": "3",
        "overdue_days_after": "2", "overdue_max_reminders": "4", "tour_ending_days_before": "120,60",
        "first_conversation_followup_working_days": "3",
    }
    response = client_for(admin).post("/o/acme/settings/", data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.checkpoint_days_before == [14, 3]
    assert org.tour_ending_days_before == [120, 60]
    assert org.overdue_max_reminders == 4


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("checkpoint_days_before", "0,7", "between 1 and 60"),
        ("checkpoint_days_before", "7,7", "may appear once"),
        ("tour_ending_days_before", "1000", "between 1 and 730"),
        ("overdue_max_reminders", "50", "between 1 and 10"),
        ("checkpoint_days_before", "soon", "Lead times are whole numbers of days"),
    ],
)
def test_bad_lead_times_are_refused_and_nothing_changes(client_for, admin, org, field, value, message):
    data = {
        "name": org.name, "mission": "", "values": "", "time_zone": "UTC", "currency": "USD",
        "checkpoint_days_before": "7,1", "agenda_nudge_days_before": "2", "overdue_days_after": "1",
        "overdue_max_reminders": "3", "tour_ending_days_before": "180,90,30",
        "first_conversation_followup_working_days": "2", field: value,
    }
    response = client_for(admin).post("/o/acme/settings/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = Organization.objects.get(pk=org.pk)
    assert fresh.checkpoint_days_before == [7, 1] and fresh.mission == org.mission
