from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django.utils import timezone

from alliance.tenancy import tenant_context
from tests.tours.factories import CheckpointFactory
from tours import calendar, selectors, services

pytestmark = pytest.mark.django_db


def parse(body: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return cal, events[0]


DAY = timezone.localdate() + timedelta(days=40)
START = datetime.combine(DAY, time(9, 30), tzinfo=UTC)
MOVED = datetime.combine(DAY + timedelta(days=1), time(14, 0), tzinfo=UTC)


@pytest.fixture
def checkpoint(active_tour):
    when = START
    return CheckpointFactory(tour=active_tour, scheduled_at=when, duration_minutes=60,
                             location="https://meet.example/xyz")


def test_invite_has_a_stable_uid_times_people_and_the_agenda(org, manager, employee, checkpoint):
    with tenant_context(org.pk):
        services.agenda_item_add(checkpoint=checkpoint, by=employee, text="Conference budget")
        services.private_note_save(checkpoint=checkpoint, by=employee, body="Secret worry")
        cp = selectors.get_checkpoint_for_member(employee, checkpoint.pk)
        body = calendar.checkpoint_invite(cp)
    cal, event = parse(body)
    assert cal["METHOD"] == "REQUEST" and cal["VERSION"] == "2.0"
    assert str(event["UID"]) == f"{checkpoint.uid}@alliance.checkpoints"
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(hours=1)
    assert str(event["LOCATION"]) == "https://meet.example/xyz"
    assert str(event["ORGANIZER"]) == f"mailto:{manager.user.email}"
    assert {str(a) for a in event["ATTENDEE"]} == {f"mailto:{employee.user.email}", f"mailto:{manager.user.email}"}
    assert "Conference budget" in str(event["DESCRIPTION"])
    assert b"Secret worry" not in body


def test_reschedule_raises_sequence_and_cancel_sends_method_cancel_with_the_same_uid(org, manager, checkpoint):
    with tenant_context(org.pk):
        services.checkpoint_reschedule(checkpoint=checkpoint, by=manager,
                                       scheduled_at=MOVED)
        moved = calendar.checkpoint_invite(selectors.get_checkpoint_for_member(manager, checkpoint.pk))
        services.checkpoint_cancel(checkpoint=checkpoint, by=manager)
        cancelled = calendar.checkpoint_invite(selectors.get_checkpoint_for_member(manager, checkpoint.pk))
    _, moved_event = parse(moved)
    cal, cancelled_event = parse(cancelled)
    assert moved_event["SEQUENCE"] == 1
    assert moved_event.decoded("DTSTART") == MOVED
    assert cal["METHOD"] == "CANCEL"
    assert cancelled_event["SEQUENCE"] == 2 and cancelled_event["STATUS"] == "CANCELLED"
    assert cancelled_event["UID"] == moved_event["UID"] == f"{checkpoint.uid}@alliance.checkpoints"


def test_proposed_checkpoints_are_tentative(org, manager, active_tour):
    tentative = CheckpointFactory(tour=active_tour, confirmed=False)
    with tenant_context(org.pk):
        _, event = parse(calendar.checkpoint_invite(selectors.get_checkpoint_for_member(manager, tentative.pk)))
        assert event["STATUS"] == "TENTATIVE"
        services.checkpoint_confirm(checkpoint=tentative, by=manager)
        _, event = parse(calendar.checkpoint_invite(selectors.get_checkpoint_for_member(manager, tentative.pk)))
    assert (event["STATUS"], event["SEQUENCE"]) == ("CONFIRMED", 1)


def test_feed_lists_my_checkpoints_as_employee_and_manager_and_keeps_cancelled_ones(
    org, manager, employee, colleague, other_manager, active_tour, checkpoint
):
    from tests.tours.factories import TourFactory

    old = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() - timedelta(days=200))
    cancelled = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() + timedelta(days=3))
    not_mine = CheckpointFactory(tour=TourFactory(employee=colleague, manager=other_manager, status="active"))
    with tenant_context(org.pk):
        services.checkpoint_cancel(checkpoint=cancelled, by=manager)
        feeds = {who: calendar.member_feed(name="x", checkpoints=selectors.calendar_checkpoints_for(who))
                 for who in (employee, manager)}
    for body in feeds.values():
        cal = icalendar.Calendar.from_ical(body)
        uids = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
        assert cal["METHOD"] == "PUBLISH"
        assert set(uids) == {str(checkpoint.uid), str(cancelled.uid)}
        assert uids[str(cancelled.uid)]["STATUS"] == "CANCELLED"
        assert str(old.uid) not in uids and str(not_mine.uid) not in uids


def test_a_feed_names_a_participant_who_left_without_their_address(org, manager, employee, active_tour, checkpoint):
    """A feed keeps past checkpoints; after the last day the leaver's account e-mail is their personal
    address, which is theirs (alliance.people): the event names them without it."""
    from alliance.models import Membership, User

    with tenant_context(org.pk):
        Membership.objects.filter(pk=employee.pk).update(status=Membership.Status.ALUMNUS)
    User.objects.filter(pk=employee.user_id).update(email="someone@home.test")
    with tenant_context(org.pk):
        body = calendar.member_feed(name="x", checkpoints=selectors.calendar_checkpoints_for(manager))
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert [str(a) for a in attendees] == ["mailto:manager@acme.test"]
    assert b"someone@home.test" not in body and str(event["ORGANIZER"]) == "mailto:manager@acme.test"
