"""Events (invest): RSVP with capacity and a waiting list, promotion on cancel (told), the .ics invite,
reminders to those going through the exactly-once ledger, the API's rsvp and cancel-rsvp actions."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError
from alliance.models import Reminder
from alumni import services
from alumni.models import AlumniEvent, EventRsvp
from tests.alliance.factories import MembershipFactory
from tests.alumni.engage import as_member, event
from tests.alumni.network import deliver_all, make_alumnus, set_level
from tests.helpers import sent_mail


@pytest.fixture
def invest(org, admin):
    set_level(admin, "invest")


def rsvp(org, member, an_event):
    with tenancy.tenant_context(org.pk):
        return services.event_rsvp(event=an_event, by=as_member(org, member))


def cancel(org, member, an_event):
    with tenancy.tenant_context(org.pk):
        return services.event_rsvp_cancel(event=an_event, by=as_member(org, member))


def states(org, an_event) -> dict[str, str]:
    with tenancy.tenant_context(org.pk):
        return dict(EventRsvp.objects.filter(event=an_event).values_list("member__user__email", "state"))


def test_a_full_event_puts_people_on_the_waiting_list_and_a_cancel_promotes_the_first(org, hr, invest):
    people = [make_alumnus(org, f"a{i}@home.test", f"Alum {i}") for i in range(4)]
    party = event(org, hr, capacity=2)
    assert [rsvp(org, person, party).state for person in people] == ["going", "going", "waiting", "waiting"]
    assert rsvp(org, people[2], party).state == "waiting"  # answering twice keeps the place in line
    cancel(org, people[0], party)
    assert states(org, party) == {"a0@home.test": "cancelled", "a1@home.test": "going",
                                  "a2@home.test": "going", "a3@home.test": "waiting"}
    delivered = deliver_all(org)
    assert [(r.kind, r.status) for r in delivered] == [("alumni_event_promoted", "sent")]
    assert sent_mail()[0].to == ["a2@home.test"] and "A seat for you" in sent_mail()[0].subject
    assert any(name == "event.ics" for name, *_ in sent_mail()[0].attachments)
    cancel(org, people[3], party)  # leaving the waiting list promotes nobody
    assert states(org, party)["a3@home.test"] == "cancelled" and len(deliver_all(org)) == 0


def test_cancelling_twice_or_without_an_answer_is_refused(org, hr, invest):
    alum = make_alumnus(org, "a@home.test", "Alum")
    party = event(org, hr)
    with pytest.raises(ApplicationError, match="not said you would come"):
        cancel(org, alum, party)
    rsvp(org, alum, party)
    cancel(org, alum, party)
    with pytest.raises(ApplicationError, match="not said you would come"):
        cancel(org, alum, party)


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_seat_at_once_do_not_overbook(org, hr, admin):
    set_level(admin, "invest")
    first, second = make_alumnus(org, "f@home.test", "First"), make_alumnus(org, "s@home.test", "Second")
    party = event(org, hr, capacity=1)
    barrier, results = threading.Barrier(2), []

    def take(member):
        try:
            barrier.wait(timeout=10)
            with tenancy.tenant_context(org.pk):
                results.append(services.event_rsvp(event=party, by=as_member(org, member)).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["going", "waiting"]
    assert sorted(states(org, party).values()) == ["going", "waiting"]


def test_pages_rsvp_waiting_list_ics_and_hr_sees_attendees(org, hr, employee, invest, client_for):
    alum, late = make_alumnus(org, "a@home.test", "Ada Alumna"), make_alumnus(org, "l@home.test", "Late Larry")
    party = event(org, hr, capacity=1)
    assert client_for(alum).post(f"/o/acme/alumni/events/{party.pk}/rsvp/").status_code == 302
    page = client_for(late)
    assert "Join the waiting list" in page.get(f"/o/acme/alumni/events/{party.pk}/").content.decode()
    page.post(f"/o/acme/alumni/events/{party.pk}/rsvp/")
    body = page.get(f"/o/acme/alumni/events/{party.pk}/").content.decode()
    assert "number 1 in line" in body and "Ada Alumna" not in body  # attendees are HR's to see
    ics = client_for(employee).get(f"/o/acme/alumni/events/{party.pk}/invite.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.content)
    entry = next(iter(calendar.walk("VEVENT")))
    assert str(entry["summary"]) == "Summer evening" and entry.decoded("dtstart") == party.starts_at
    hr_page = client_for(hr).get(f"/o/acme/alumni/events/{party.pk}/").content.decode()
    assert "Ada Alumna" in hr_page and "Late Larry" in hr_page


def test_the_waiting_lists_calendar_file_is_tentative_and_a_seat_is_confirmed(org, hr, invest, client_for):
    alum, late = make_alumnus(org, "a@home.test", "Ada Alumna"), make_alumnus(org, "l@home.test", "Late Larry")
    party = event(org, hr, capacity=1)
    client_for(alum).post(f"/o/acme/alumni/events/{party.pk}/rsvp/")
    client_for(late).post(f"/o/acme/alumni/events/{party.pk}/rsvp/")  # full: on the waiting list

    def status(member) -> str:
        ics = client_for(member).get(f"/o/acme/alumni/events/{party.pk}/invite.ics")
        return str(next(iter(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")))["status"])

    assert (status(alum), status(late)) == ("CONFIRMED", "TENTATIVE")
    client_for(alum).post(f"/o/acme/alumni/events/{party.pk}/cancel-rsvp/")  # Larry gets the seat
    assert status(late) == "CONFIRMED"


def test_times_are_shown_in_the_viewers_time_zone(org, hr, invest, client_for):
    alum = make_alumnus(org, "a@home.test", "Ada")
    alum.user.time_zone = "Asia/Tokyo"
    alum.user.save(update_fields=["time_zone"])
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=5)
    party = event(org, hr, starts_at=start, ends_at=start + timedelta(hours=1))
    body = client_for(alum).get(f"/o/acme/alumni/events/{party.pk}/").content.decode()
    local = timezone.localtime(start, timezone=__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
    assert f"{local.hour}:00" in body or f"{local:%H}:00" in body


def test_hr_creates_edits_and_cancels_events_and_bad_input_is_a_400(org, hr, employee, invest, client_for):
    page = client_for(hr)
    bad = page.post("/o/acme/alumni-network/events/", {"title": "Party", "starts_at": "2030-05-01T18:00",
                                                        "ends_at": "2030-05-01T17:00", "place": "Roof"})
    assert bad.status_code == 400 and "end after it starts" in bad.content.decode()
    nowhere = page.post("/o/acme/alumni-network/events/", {"title": "Party", "starts_at": "2030-05-01T18:00",
                                                            "ends_at": "2030-05-01T19:00"})
    assert nowhere.status_code == 400 and "Say where" in nowhere.content.decode()
    with tenancy.tenant_context(org.pk):
        assert not AlumniEvent.objects.exists()
    assert page.post("/o/acme/alumni-network/events/", {"title": "Party", "starts_at": "2030-05-01T18:00",
                                                        "ends_at": "2030-05-01T21:00", "place": "Roof",
                                                        "capacity": "2"}).status_code == 302
    with tenancy.tenant_context(org.pk):
        party = AlumniEvent.objects.get()
    people = [make_alumnus(org, f"p{i}@home.test", f"P {i}") for i in range(3)]
    for person in people:
        rsvp(org, person, party)
    lower = page.post(f"/o/acme/alumni-network/events/{party.pk}/", {
        "title": "Party", "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T21:00", "place": "Roof",
        "capacity": "1"})
    assert lower.status_code == 400 and "2 people are already going" in lower.content.decode()
    more = page.post(f"/o/acme/alumni-network/events/{party.pk}/", {
        "title": "Party", "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T21:00", "place": "Roof",
        "capacity": "3"})
    assert more.status_code == 302 and sorted(states(org, party).values()) == ["going"] * 3
    assert client_for(employee).post(f"/o/acme/alumni-network/events/{party.pk}/cancel/").status_code == 403
    assert page.post(f"/o/acme/alumni-network/events/{party.pk}/cancel/").status_code == 302
    party.refresh_from_db()
    assert party.is_cancelled
    kinds = sorted(r.kind for r in deliver_all(org))
    assert kinds == ["alumni_event_cancelled"] * 3 + ["alumni_event_promoted"]


def test_reminders_go_once_to_those_going_before_the_event(org, hr, invest):
    going, waiting = make_alumnus(org, "g@home.test", "Going"), make_alumnus(org, "w@home.test", "Waiting")
    soon = event(org, hr, capacity=1, days=1)
    later = event(org, hr, "Later", days=5)
    rsvp(org, going, soon)
    rsvp(org, waiting, soon)
    rsvp(org, going, later)
    now = soon.starts_at - timedelta(hours=20)
    assert services.event_reminders_sweep(now=now) == 1
    assert services.event_reminders_sweep(now=now) == 0  # exactly once
    delivered = deliver_all(org)
    assert [(r.kind, r.recipient_id, r.status) for r in delivered] == [("alumni_event_reminder", going.pk, "sent")]
    assert sent_mail()[-1].to == ["g@home.test"] and "Soon: Summer evening" in sent_mail()[-1].subject


def test_the_api_answers_rsvp_and_cancel_rsvp_with_the_state(org, hr, employee, invest, api_for):
    other = MembershipFactory(organization=org, user__email="other@acme.test")
    party = event(org, hr, capacity=1)
    first = api_for(other).post(f"/api/v1/events/{party.pk}/rsvp/")
    assert first.status_code == 201 and first.json()["state"] == "going"
    api = api_for(employee)
    waiting = api.post(f"/api/v1/events/{party.pk}/rsvp/")
    assert waiting.status_code == 201
    assert waiting.json()["state"] == "waiting" and waiting.json()["waiting_position"] == 1
    assert waiting.json()["event"]["going"] == 1 and waiting.json()["event"]["waiting"] == 1
    again = api.post(f"/api/v1/events/{party.pk}/rsvp/")
    assert again.status_code == 200 and again.json()["state"] == "waiting"
    listed = api.get("/api/v1/events/").json()["results"]
    assert listed[0]["my_state"] == "waiting" and listed[0]["capacity"] == 1
    assert api_for(other).post(f"/api/v1/events/{party.pk}/cancel-rsvp/").json()["state"] == "cancelled"
    assert api.get(f"/api/v1/events/{party.pk}/").json()["my_state"] == "going"
    assert api_for(other).post(f"/api/v1/events/{party.pk}/cancel-rsvp/").status_code == 400
    assert api.post("/api/v1/events/2000000017/rsvp/").status_code == 404


def test_event_lists_run_a_constant_number_of_queries(org, hr, employee, invest, client_for, api_for,
                                                      django_assert_num_queries):
    api, page = api_for(employee), client_for(employee)
    people = [make_alumnus(org, f"q{i}@home.test", f"Q {i}") for i in range(3)]
    for i in range(2):
        party = event(org, hr, f"E{i}", capacity=1)
        for person in people:
            rsvp(org, person, party)
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as few_api:
        assert len(api.get("/api/v1/events/").json()["results"]) == 2
    with CaptureQueriesContext(connection) as few_page:
        assert page.get("/o/acme/alumni/events/").status_code == 200
    for i in range(2, 10):
        party = event(org, hr, f"E{i}", capacity=2)
        for person in people:
            rsvp(org, person, party)
    with django_assert_num_queries(len(few_api.captured_queries)):
        assert len(api.get("/api/v1/events/").json()["results"]) == 10
    with django_assert_num_queries(len(few_page.captured_queries)):
        assert page.get("/o/acme/alumni/events/").status_code == 200


def test_an_organization_gone_down_to_support_sends_no_event_messages(org, admin, hr, invest):
    alum = make_alumnus(org, "a@home.test", "Alum")
    soon = event(org, hr, days=1)
    rsvp(org, alum, soon)
    services.event_reminders_sweep(now=soon.starts_at - timedelta(hours=2))
    set_level(admin, "support")
    assert [r.status for r in deliver_all(org)] == ["skipped"]
    with tenancy.tenant_context(org.pk):
        assert Reminder.objects.filter(kind="alumni_event_reminder").count() == 1
        assert EventRsvp.objects.count() == 1  # nothing deleted going down


def test_the_export_holds_their_answers_and_erasure_frees_their_seat(org, hr, invest):
    from alumni import services

    ada, bo = make_alumnus(org, "ada@home.test", "Ada"), make_alumnus(org, "bo@home.test", "Bo")
    party = event(org, hr, capacity=1)
    rsvp(org, ada, party)
    rsvp(org, bo, party)
    with tenancy.tenant_context(org.pk):
        exported = services.my_data(member=as_member(org, ada))["event_answers"]
        assert [(row["event"], row["answer"]) for row in exported] == [("Summer evening", "going")]
        assert services.my_data(member=as_member(org, bo))["event_answers"][0]["answer"] == "waiting"
        services.alumnus_erase(member=as_member(org, ada), by=ada)
    assert states(org, party) == {"bo@home.test": "going"}
    assert [(r.kind, r.recipient_id) for r in deliver_all(org)] == [("alumni_event_promoted", bo.pk)]


@pytest.mark.parametrize("start, end", [("0001-01-01T00:00", "0001-01-01T02:00"),
                                        ("9999-12-31T22:00", "9999-12-31T23:59"),
                                        ("2030-05-01T18:00", "2030-05-30T18:00"), ("soon", "later")])
def test_odd_times_are_a_clear_400_never_a_500(org, hr, invest, client_for, api_for, start, end):
    hr.user.time_zone = "Pacific/Kiritimati"
    hr.user.save(update_fields=["time_zone"])
    response = client_for(hr).post("/o/acme/alumni-network/events/", {"title": "Party", "starts_at": start,
                                                                       "ends_at": end, "place": "Roof"})
    assert response.status_code == 400
    with tenancy.tenant_context(org.pk):
        assert not AlumniEvent.objects.exists()
    assert api_for(hr).get("/api/v1/events/", {"starts_after": "2026-01-01T00:00:00+16:00"}).status_code == 400
