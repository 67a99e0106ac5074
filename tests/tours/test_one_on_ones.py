"""Recurring 1:1s: rights, the pattern across daylight-saving changes, editing the series or one meeting,
talking points that carry over, reminders once, iTIP invitations, the pages and the API."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Reminder
from alliance.reminders import reminder_deliver, reminders_claim
from tests.alliance.factories import MembershipFactory
from tests.helpers import sent_mail
from tests.tours.factories import CheckpointFactory
from tours import calendar, reminders, selectors, services
from tours.models import ONE_ON_ONE_HORIZON, OneOnOne, OneOnOneSeries, TalkingPoint
from tours.notifications import ONE_ON_ONE_INVITE

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


def days_before_spring_change() -> date:
    """A Monday 8 days before the next last Sunday of March (Europe moves to summer time that night)."""
    year = timezone.localdate().year + 1
    last_sunday = max(date(year, 3, day) for day in range(25, 32) if date(year, 3, day).weekday() == 6)
    return last_sunday - timedelta(days=6)


@pytest.fixture
def berlin_manager(manager):
    manager.user.time_zone = "Europe/Berlin"
    manager.user.save(update_fields=["time_zone"])
    return manager


def start(by, report, **fields):
    values = {"cadence": "weekly", "first_date": next_monday(timezone.localdate()), "local_time": time(10, 0),
              "duration_minutes": 30}
    values.update(fields)
    with tenancy.tenant_context(report.organization_id):
        return services.one_on_one_series_start(by=by, report=report, **values)


def meetings(series):
    with tenancy.tenant_context(series.organization_id):
        return list(OneOnOne.objects.for_org(series.organization_id).filter(series=series)
                    .order_by("scheduled_at", "id"))


def points(meeting):
    with tenancy.tenant_context(meeting.organization_id):
        return list(TalkingPoint.objects.for_org(meeting.organization_id).filter(meeting=meeting)
                    .order_by("created_at", "id").values_list("text", "discussed"))


def parse(body: bytes):
    cal = icalendar.Calendar.from_ical(body)
    return cal, [c for c in cal.walk() if c.name == "VEVENT"]


def in_the_past(meeting, *, hours: int = 2):
    """Put a materialized meeting in the past, as if its time had come."""
    with tenancy.tenant_context(meeting.organization_id):
        when = timezone.now() - timedelta(hours=hours)
        OneOnOne.objects.for_org(meeting.organization_id).filter(pk=meeting.pk).update(scheduled_at=when,
                                                                                      original_at=when)
        meeting.refresh_from_db()
    return meeting


# --- Rights ---------------------------------------------------------------------------------


def test_a_manager_starts_a_weekly_series_with_a_direct_report_and_the_horizon_is_materialized(manager, employee):
    series = start(manager, employee)
    found = meetings(series)
    assert len(found) == ONE_ON_ONE_HORIZON
    assert [m.scheduled_at - found[0].scheduled_at for m in found] == [timedelta(days=7 * i) for i in range(4)]
    assert (series.manager_id, series.report_id, series.sequence) == (manager.pk, employee.pk, 0)


def test_who_may_start_one(org, manager, employee, hr, colleague, other_manager):
    with pytest.raises(NotAllowed):
        start(employee, manager)  # an employee starts none
    with pytest.raises(NotAllowed):
        start(other_manager, employee)  # not their report
    with pytest.raises(NotAllowed):
        start(manager, manager)
    series = start(hr, employee)  # HR starts it for the report's manager
    assert series.manager_id == manager.pk
    with pytest.raises(ApplicationError, match="already"):
        start(manager, employee)  # one running series per pair


def test_refused_schedules_change_nothing(manager, employee):
    with pytest.raises(ApplicationError):
        start(manager, employee, first_date=timezone.localdate() - timedelta(days=3))
    with pytest.raises(ApplicationError):
        start(manager, employee, cadence="monthly", first_date=date(timezone.localdate().year + 1, 1, 30))
    with pytest.raises(ApplicationError):
        start(manager, employee, duration_minutes=5)
    with tenancy.tenant_context(manager.organization_id):
        assert not OneOnOneSeries.objects.for_org(manager.organization_id).exists()


def test_only_the_manager_side_edits_and_both_add_talking_points(manager, employee, colleague):
    series = start(manager, employee)
    first = meetings(series)[0]
    with tenancy.tenant_context(series.organization_id):
        with pytest.raises(NotAllowed):
            services.one_on_one_skip(meeting=first, by=employee)
        with pytest.raises(NotAllowed):
            services.one_on_one_series_end(series=series, by=employee)
        with pytest.raises(NotAllowed):
            services.talking_point_add(meeting=first, by=colleague, text="Not mine to add")
        services.talking_point_add(meeting=first, by=employee, text="Career growth")
        services.talking_point_add(meeting=first, by=manager, text="Roadmap")
    assert points(first) == [("Career growth", False), ("Roadmap", False)]


# --- The pattern ----------------------------------------------------------------------------


def test_ten_o_clock_stays_ten_o_clock_across_the_daylight_saving_change(berlin_manager, employee):
    series = start(berlin_manager, employee, first_date=days_before_spring_change())
    assert series.time_zone == "Europe/Berlin"
    found = meetings(series)
    local = [m.scheduled_at.astimezone(BERLIN) for m in found]
    assert {(t.hour, t.minute) for t in local} == {(10, 0)}
    assert {t.weekday() for t in local} == {0}
    utc_hours = [m.scheduled_at.astimezone(UTC).hour for m in found]
    assert utc_hours[0] == 9 and utc_hours[-1] == 8  # CET, then CEST


def test_monthly_and_fortnightly_steps(manager, employee, colleague, other_manager):
    monthly = start(manager, employee, cadence="monthly", first_date=date(timezone.localdate().year + 1, 1, 15))
    assert [m.scheduled_at.astimezone(timezone.get_current_timezone()).date().month for m in meetings(monthly)] \
        == [1, 2, 3, 4]
    fortnightly = start(other_manager, colleague, cadence="fortnightly")
    found = meetings(fortnightly)
    assert found[1].scheduled_at - found[0].scheduled_at == timedelta(days=14)


def test_an_end_date_bounds_the_series(manager, employee):
    first = next_monday(timezone.localdate())
    series = start(manager, employee, ends_on=first + timedelta(days=8))
    assert len(meetings(series)) == 2


# --- Editing the series, or one meeting --------------------------------------------------------


def test_editing_the_series_moves_every_future_meeting_and_keeps_their_talking_points(manager, employee):
    series = start(manager, employee)
    found = meetings(series)
    with tenancy.tenant_context(series.organization_id):
        services.talking_point_add(meeting=found[1], by=employee, text="Promotion case")
        services.one_on_one_move(meeting=found[2], by=manager, scheduled_at=found[2].scheduled_at + timedelta(hours=3))
        new_first = found[0].scheduled_at.date() + timedelta(days=2)
        services.one_on_one_series_update(series=series, by=manager, cadence="fortnightly", first_date=new_first,
                                          local_time=time(15, 0), duration_minutes=45)
        series.refresh_from_db()
    after = meetings(series)
    assert series.sequence == 2 and series.pattern == 1
    assert {m.pattern for m in after} == {1} and not any(m.moved for m in after)
    assert [m.scheduled_at - after[0].scheduled_at for m in after] == [timedelta(days=14 * i) for i in range(4)]
    assert {m.duration_minutes for m in after} == {45}
    assert [m.pk for m in after[:3]] == [found[0].pk, found[1].pk, found[2].pk]  # the same meetings, re-timed
    assert points(after[1]) == [("Promotion case", False)]


def test_moving_one_meeting_leaves_the_others(manager, employee):
    series = start(manager, employee)
    found = meetings(series)
    with tenancy.tenant_context(series.organization_id):
        services.one_on_one_move(meeting=found[1], by=manager, scheduled_at=found[1].scheduled_at + timedelta(days=1))
        with pytest.raises(ApplicationError):
            services.one_on_one_move(meeting=found[2], by=manager, scheduled_at=timezone.now() - timedelta(days=1))
    after = meetings(series)
    assert [m.moved for m in after] == [False, True, False, False]
    assert [m.scheduled_at for m in after if not m.moved] == [found[0].scheduled_at, found[2].scheduled_at,
                                                               found[3].scheduled_at]


def test_skipping_carries_points_to_the_next_meeting_and_keeps_the_horizon(manager, employee):
    series = start(manager, employee)
    found = meetings(series)
    with tenancy.tenant_context(series.organization_id):
        services.talking_point_add(meeting=found[0], by=employee, text="Budget")
        services.one_on_one_skip(meeting=found[0], by=manager)
    after = meetings(series)
    assert after[0].status == OneOnOne.Status.SKIPPED
    assert len([m for m in after if m.status == OneOnOne.Status.SCHEDULED]) == ONE_ON_ONE_HORIZON
    assert points(after[1]) == [("Budget", False)]


# --- Recording, carry-over ----------------------------------------------------------------------


def test_recording_carries_the_undiscussed_points_over_once(manager, employee):
    series = start(manager, employee)
    first = meetings(series)[0]
    with tenancy.tenant_context(series.organization_id):
        done = services.talking_point_add(meeting=first, by=employee, text="Discussed point")
        services.talking_point_add(meeting=first, by=manager, text="Open point")
        with pytest.raises(ApplicationError, match="started"):
            services.one_on_one_record(meeting=first, by=manager)
    first = in_the_past(first)
    with tenancy.tenant_context(series.organization_id):
        services.one_on_one_record(meeting=first, by=manager, shared_notes="Good talk", discussed_ids=[done.pk],
                                   action_items=[("Write the plan", employee)])
        with pytest.raises(ApplicationError):
            services.one_on_one_record(meeting=first, by=manager)  # once
    nxt = meetings(series)[1]
    assert points(nxt) == [("Open point", False)]
    assert services.one_on_ones_sweep() >= 0
    assert points(nxt) == [("Open point", False)]  # not twice


def test_a_meeting_that_passes_unrecorded_passes_its_points_on(manager, employee):
    series = start(manager, employee)
    first = meetings(series)[0]
    with tenancy.tenant_context(series.organization_id):
        services.talking_point_add(meeting=first, by=employee, text="Still open")
    in_the_past(first, hours=3)
    services.one_on_ones_sweep()
    services.one_on_ones_sweep()
    after = meetings(series)
    upcoming = [m for m in after if m.scheduled_at > timezone.now()]
    assert len(upcoming) == ONE_ON_ONE_HORIZON  # topped up
    assert points(upcoming[0]) == [("Still open", False)]


# --- Reminders, invitations --------------------------------------------------------------------


def test_the_day_before_reminder_is_claimed_once_per_person(manager, employee):
    series = start(manager, employee)
    first = meetings(series)[0]
    moment = first.scheduled_at - timedelta(hours=20)
    assert reminders.sweep(reminders.ONE_ON_ONE_UPCOMING, now=moment) == 2
    assert reminders.sweep(reminders.ONE_ON_ONE_UPCOMING, now=moment + timedelta(hours=1)) == 0
    assert reminders.sweep(reminders.ONE_ON_ONE_UPCOMING, now=first.scheduled_at - timedelta(days=2)) == 0


def test_the_series_invitation_is_an_itip_request_with_an_rrule(manager, employee):
    series = start(manager, employee, location="Room 4")
    with tenancy.tenant_context(series.organization_id):
        series = selectors.get_series_for_member(manager, series.pk)
        cal, (event,) = parse(calendar.series_invite(series, meetings(series)))
    assert cal["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{series.uid}@alliance.one-on-ones" and event["SEQUENCE"] == 0
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert str(event["ORGANIZER"]) == f"mailto:{manager.user.email}"
    assert {str(a) for a in event["ATTENDEE"]} == {f"mailto:{employee.user.email}", f"mailto:{manager.user.email}"}


def test_a_moved_meeting_is_an_override_and_a_skipped_one_a_cancel_of_that_instance(manager, employee):
    series = start(manager, employee)
    found = meetings(series)
    moved_to = found[1].scheduled_at + timedelta(hours=2)
    with tenancy.tenant_context(series.organization_id):
        services.one_on_one_move(meeting=found[1], by=manager, scheduled_at=moved_to)
        series = selectors.get_series_for_member(manager, series.pk)
        cal, events = parse(calendar.series_invite(series, meetings(series)))
        services.one_on_one_skip(meeting=found[2], by=manager)
        series = selectors.get_series_for_member(manager, series.pk)
        skipped = meetings(series)[2]
        cancel, (cancelled,) = parse(calendar.meeting_cancel(series, skipped))
        services.one_on_one_series_end(series=series, by=manager)
        series = selectors.get_series_for_member(manager, series.pk)
        ended, (whole,) = parse(calendar.series_invite(series, meetings(series)))
    master, override = events
    assert override.decoded("RECURRENCE-ID") == found[1].original_at
    assert override.decoded("DTSTART") == moved_to
    assert master["SEQUENCE"] == override["SEQUENCE"] == 1
    assert cancel["METHOD"] == "CANCEL" and cancelled.decoded("RECURRENCE-ID") == found[2].original_at
    assert cancelled["SEQUENCE"] == 2 and cancelled["UID"] == master["UID"]
    assert ended["METHOD"] == "CANCEL" and whole["SEQUENCE"] == 3 and whole["UID"] == master["UID"]
    assert "RECURRENCE-ID" not in whole


@pytest.mark.django_db(transaction=True)
def test_the_other_person_gets_the_invitation_by_e_mail_once(org, manager, employee):
    series = start(manager, employee)
    with tenancy.cross_tenant(reason="test: read the ledger"):
        rows = list(Reminder.objects.filter(kind=ONE_ON_ONE_INVITE).values_list("pk", "recipient_id", "window"))
    assert [(recipient, window) for _pk, recipient, window in rows] == [(employee.pk, "s0")]
    with tenancy.tenant_context(org.pk):
        assert reminder_deliver(organization_id=org.pk, reminder_id=rows[0][0]) in ("sent", "done", "already sent")
    message = next(m for m in sent_mail() if m.to == [employee.user.email])
    name, content, mimetype = next(a for a in message.attachments if a[0] == "one-on-one.ics")
    assert "method=REQUEST" in mimetype
    cal, (event,) = parse(content if isinstance(content, bytes) else content.encode())
    assert str(event["UID"]) == f"{series.uid}@alliance.one-on-ones"
    # Claiming the same change again sends nothing more.
    from alliance.reminders import DueReminder

    assert reminders_claim([DueReminder(org.pk, ONE_ON_ONE_INVITE, series.pk, employee.pk, "s0",
                                        timezone.now())]) == []


# --- The timeline ----------------------------------------------------------------------------------


def test_a_checkpoint_at_a_meeting_time_is_its_milestone_not_a_second_entry(manager, employee, active_tour):
    series = start(manager, employee)
    found = meetings(series)
    same = CheckpointFactory(tour=active_tour, scheduled_at=found[1].scheduled_at)
    apart = CheckpointFactory(tour=active_tour, scheduled_at=found[1].scheduled_at + timedelta(days=2))
    with tenancy.tenant_context(series.organization_id):
        listed = selectors.series_meetings(member=manager, series=series)
        timeline = selectors.series_timeline(member=manager, series=series, meetings=listed)
    assert [e.checkpoint.pk for e in timeline if e.checkpoint] == [apart.pk]
    assert next(e.meeting for e in timeline if e.meeting and e.meeting.pk == found[1].pk).milestone.pk == same.pk


# --- Pages -------------------------------------------------------------------------------------------


def test_pages_for_both_people_and_404_for_outsiders(client_for, org, manager, employee, colleague, outsider):
    series = start(manager, employee)
    first = meetings(series)[0]
    detail = reverse("tours:one_on_one_detail", args=[org.slug, series.pk])
    for who in (manager, employee):
        client = client_for(who)
        assert client.get(reverse("tours:one_on_ones", args=[org.slug])).status_code == 200
        assert client.get(detail).status_code == 200
    assert client_for(colleague).get(detail).status_code == 404
    assert client_for(outsider).get(reverse("tours:one_on_one_detail", args=["globex", series.pk])).status_code == 404
    assert client_for(outsider).get(detail).status_code in (403, 404)
    page = client_for(manager).get(reverse("tours:one_on_one_record", args=[org.slug, first.pk]))
    assert page.status_code == 200 and "not started yet" in page.content.decode()


def test_ending_asks_first(client_for, org, manager, employee):
    series = start(manager, employee)
    url = reverse("tours:one_on_one_end", args=[org.slug, series.pk])
    asked = client_for(manager).post(url)
    assert asked.status_code == 200 and "End the series" in asked.content.decode()
    series.refresh_from_db()
    assert series.status == OneOnOneSeries.Status.ACTIVE
    assert client_for(manager).post(url, {"confirmed": "1"}).status_code == 302
    series.refresh_from_db()
    assert series.status == OneOnOneSeries.Status.ENDED


def test_the_create_form_is_safe_against_a_second_submit(client_for, org, manager, employee):
    client = client_for(manager)
    data = {"report": employee.pk, "cadence": "weekly", "first_date": next_monday(timezone.localdate()).isoformat(),
            "local_time": "10:00", "duration_minutes": 30, "form_token": "t" * 32}
    first = client.post(reverse("tours:one_on_one_new", args=[org.slug]), data)
    again = client.post(reverse("tours:one_on_one_new", args=[org.slug]), data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    with tenancy.tenant_context(org.pk):
        assert OneOnOneSeries.objects.for_org(org.pk).count() == 1


# --- API ---------------------------------------------------------------------------------------------


def test_api_create_list_and_refusals(api_for, org, manager, employee, colleague, other_manager,
                                      django_assert_max_num_queries):
    api = api_for(manager)
    body = {"report": employee.pk, "cadence": "weekly", "first_date": next_monday(timezone.localdate()).isoformat(),
            "local_time": "10:00"}
    created = api.post_json("/api/v1/one-on-ones/", body, headers={"Idempotency-Key": "k-1"})
    assert created.status_code == 201, created.content
    again = api.post_json("/api/v1/one-on-ones/", body, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    pk = created.json()["id"]
    assert api_for(employee).post_json("/api/v1/one-on-ones/", {**body, "report": manager.pk}).status_code == 403
    assert api_for(employee).post_json(f"/api/v1/one-on-ones/{pk}/end/").status_code == 403
    assert api_for(colleague).get(f"/api/v1/one-on-ones/{pk}/").status_code == 404
    occurrences = api_for(employee).get(f"/api/v1/one-on-ones/{pk}/occurrences/").json()
    assert len(occurrences) == ONE_ON_ONE_HORIZON
    added = api_for(employee).post_json(f"/api/v1/one-on-one-occurrences/{occurrences[0]['id']}/talking-points/",
                                        {"text": "From the API"})
    assert added.status_code == 201 and added.json()["added_by"] == employee.pk
    start(other_manager, colleague)
    for n in range(3):  # the manager runs four series, the other manager one: the same number of queries
        start(manager, MembershipFactory(organization=org, manager=manager, user__email=f"report{n}@acme.test"))
    other_api = api_for(other_manager)
    with django_assert_max_num_queries(20) as few:
        assert len(other_api.get("/api/v1/one-on-ones/").json()["results"]) == 1
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/one-on-ones/").json()["results"]) == 4


def test_api_put_with_a_stale_if_match_is_a_412(api_for, manager, employee):
    series = start(manager, employee)
    api = api_for(manager)
    path = f"/api/v1/one-on-ones/{series.pk}/"
    etag = api.get(path)["ETag"]
    body = {"cadence": "monthly", "first_date": date(timezone.localdate().year + 1, 2, 3).isoformat(),
            "local_time": "09:00", "duration_minutes": 45}
    assert api.put(path, body, content_type="application/json", headers={"If-Match": etag}).status_code == 200
    stale = api.put(path, body, content_type="application/json", headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api_for(employee).put(path, body, content_type="application/json").status_code == 403


def test_api_outsider_gets_404(api_for, manager, employee, outsider):
    series = start(manager, employee)
    first = meetings(series)[0]
    api = api_for(outsider)
    assert api.get(f"/api/v1/one-on-ones/{series.pk}/").status_code == 404
    assert api.get(f"/api/v1/one-on-ones/{series.pk}/occurrences/").status_code == 404
    assert api.post_json(f"/api/v1/one-on-one-occurrences/{first.pk}/talking-points/", {"text": "x"}).status_code \
        == 404
    assert api.get("/api/v1/one-on-ones/").json()["results"] == []



def test_my_data_holds_my_meetings_and_my_private_notes_only(manager, employee):
    from tours.exports import one_on_ones_of

    series = start(manager, employee)
    first = meetings(series)[0]
    with tenancy.tenant_context(series.organization_id):
        services.talking_point_add(meeting=first, by=employee, text="My point")
        services.one_on_one_private_note_save(meeting=first, by=employee, body="Mine alone")
        services.one_on_one_private_note_save(meeting=first, by=manager, body="The manager's own")
        rows = one_on_ones_of(employee)
    row = next(r for r in rows if r["talking_points_you_added"])
    assert row["with"] == manager.user.full_name and row["your_private_note"] == "Mine alone"
    assert "The manager's own" not in str(rows)
    with tenancy.tenant_context(series.organization_id):
        assert services.private_notes_erase(member=employee) == 1
        assert one_on_ones_of(manager)[0]["your_private_note"] == "The manager's own"


def test_the_beat_entry_is_registered():
    from alliance.registry import beat_entries

    assert beat_entries()["sweep-one-on-ones"]["task"] == "tours.tasks.sweep_one_on_ones"
