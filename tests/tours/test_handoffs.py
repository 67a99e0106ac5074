"""Tours hand-offs: the outcome of a checkpoint and its action items, the next-tour plan, one message per
scheduled checkpoint, and withdrawn requests leaving the bell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Notification, Reminder
from alliance.reminders import reminder_deliver
from tests.helpers import sent_mail
from tests.tours.factories import CheckpointFactory, TourFactory
from tours import reminders, services
from tours.models import Checkpoint
from tours.notifications import AMENDMENT_PROPOSED, CHECKPOINT_OUTCOME, NEXT_TOUR_PLAN, TOUR_PROPOSED

pytestmark = pytest.mark.django_db


def bell(member, kind) -> list[str]:
    with tenancy.tenant_context(member.organization_id):
        return list(Notification.objects.filter(recipient=member, kind=kind).order_by("id")
                    .values_list("title", flat=True))


def deliver(org) -> None:
    with tenancy.tenant_context(org.pk):
        for reminder_id in Reminder.objects.filter(status="pending").order_by("id").values_list("id", flat=True):
            reminder_deliver(organization_id=org.pk, reminder_id=reminder_id)


def test_the_outcome_and_the_action_items_reach_the_employee(org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    checkpoint = CheckpointFactory(tour=tour)
    with tenancy.tenant_context(org.pk):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
        checkpoint.refresh_from_db()
        services.checkpoint_record_outcome(
            checkpoint=checkpoint, by=manager, progress="on_track", course_corrections="More pairing.",
            new_action_items=[{"text": "Book the conference", "owner": employee.pk},
                              {"text": "Find a mentor", "owner": manager.pk}])
    titles = bell(employee, CHECKPOINT_OUTCOME)
    assert len(titles) == 1 and "1 action item for you" in titles[0]
    with tenancy.tenant_context(org.pk):
        body = Notification.objects.get(recipient=employee, kind=CHECKPOINT_OUTCOME).body
    assert "Book the conference" in body and "Find a mentor" not in body and "More pairing." in body
    assert bell(manager, CHECKPOINT_OUTCOME) == []  # the manager recorded it
    assert any(m.to == ["employee@acme.test"] for m in sent_mail())


def test_the_next_tour_plan_reaches_the_employee(org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    with tenancy.tenant_context(org.pk):
        services.tour_record_next_plan(tour=tour, by=manager, plan="new_internal_tour", notes="The EU launch.")
    titles = bell(employee, NEXT_TOUR_PLAN)
    assert len(titles) == 1 and "plan for your next tour" in titles[0]


def test_a_withdrawn_amendment_leaves_the_employees_bell(org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    with tenancy.tenant_context(org.pk):
        amendment = services.amendment_propose(tour=tour, by=manager, data={"mission": "A new mission."})
    deliver(org)
    assert len(bell(employee, AMENDMENT_PROPOSED)) == 1
    with tenancy.tenant_context(org.pk):
        services.amendment_withdraw(amendment=amendment, by=manager)
    assert bell(employee, AMENDMENT_PROPOSED) == []


def test_a_cancelled_proposal_leaves_the_employees_bell(org, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft")
    with tenancy.tenant_context(org.pk):
        services.tour_propose(tour=tour, by=manager)
    deliver(org)
    assert len(bell(employee, TOUR_PROPOSED)) == 1
    with tenancy.tenant_context(org.pk):
        services.tour_cancel(tour=tour, by=manager, reason="Plans changed.")
    assert bell(employee, TOUR_PROPOSED) == []


def test_one_scheduled_checkpoint_gives_one_message_to_each(org, manager, employee):
    """Scheduled two days ahead: the invitation tells the employee; the 7-day reminder adds nothing, the
    one-day reminder comes a day before."""
    tour = TourFactory(employee=employee, manager=manager, status="active")
    when = timezone.now() + timedelta(days=2)
    with tenancy.tenant_context(org.pk):
        checkpoint = services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=when)
    deliver(org)
    now = timezone.now() + timedelta(minutes=1)
    reminders.sweep(reminders.CHECKPOINT_UPCOMING, now=now)
    deliver(org)
    with tenancy.tenant_context(org.pk):
        employee_told = list(Notification.objects.filter(recipient=employee).values_list("kind", flat=True))
        manager_told = list(Notification.objects.filter(recipient=manager).values_list("kind", flat=True))
    assert employee_told == ["checkpoint_changed"]
    assert manager_told == [reminders.CHECKPOINT_UPCOMING]  # they scheduled it: the reminder is their one message
    reminders.sweep(reminders.CHECKPOINT_UPCOMING, now=checkpoint.scheduled_at - timedelta(hours=23))
    deliver(org)
    with tenancy.tenant_context(org.pk):
        assert Notification.objects.filter(recipient=employee, kind=reminders.CHECKPOINT_UPCOMING).count() == 1


def test_an_employee_who_asked_for_changes_still_sees_the_tour_and_the_request(org, manager, employee, client_for):
    tour = TourFactory(employee=employee, manager=manager, status="draft", title="The EU launch")
    client = client_for(employee)
    assert client.get(f"/o/acme/tours/{tour.pk}/").status_code == 404  # a draft never proposed is not theirs yet
    with tenancy.tenant_context(org.pk):
        services.tour_propose(tour=tour, by=manager)
        services.tour_request_changes(tour=tour, by=employee, comment="Two years, not three.")
    page = client.get("/o/acme/my-tour/").content.decode()
    assert "The EU launch" in page and "Two years, not three." in page
    detail = client.get(f"/o/acme/tours/{tour.pk}/")
    assert detail.status_code == 200 and "Two years, not three." in detail.content.decode()


def test_a_conversation_that_already_happened_is_recorded_with_its_outcome(org, manager, employee, client_for):
    tour = TourFactory(employee=employee, manager=manager, status="active",
                       start_date=timezone.localdate() - timedelta(days=90))
    client = client_for(manager)
    when = timezone.localtime(timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/o/acme/tours/{tour.pk}/checkpoints/new/", {"scheduled_at": when,
                                                                       "duration_minutes": 45})
    assert refused.status_code == 400 and "It already took place" in refused.content.decode()
    response = client.post(f"/o/acme/tours/{tour.pk}/checkpoints/new/", {
        "scheduled_at": when, "duration_minutes": 45, "already_happened": "1"})
    with tenancy.tenant_context(org.pk):
        past = Checkpoint.objects.get(tour=tour)
        assert not Reminder.objects.filter(kind="checkpoint_changed").exists()  # no invitation: both were there
        assert Reminder.objects.filter(kind="tour_proposed").count() == 0
    assert response.status_code == 302 and response["Location"].endswith(f"/checkpoints/{past.pk}/outcome/")
    with tenancy.tenant_context(org.pk):
        services.checkpoint_record_outcome(checkpoint=past, by=manager, progress="on_track")
        past.refresh_from_db()
    assert past.status == "completed"
    assert len(bell(employee, CHECKPOINT_OUTCOME)) == 1


def test_a_past_conversation_must_be_past_and_within_the_tour(org, manager, employee):
    from alliance.errors import ApplicationError

    tour = TourFactory(employee=employee, manager=manager, status="active", start_date=timezone.localdate())
    with tenancy.tenant_context(org.pk):
        with pytest.raises(ApplicationError, match="still to come"):
            services.checkpoint_log_past(tour=tour, by=manager, scheduled_at=timezone.now() + timedelta(hours=2))
        with pytest.raises(ApplicationError, match="before the tour started"):
            services.checkpoint_log_past(tour=tour, by=manager, scheduled_at=timezone.now() - timedelta(days=30))
        with pytest.raises(ApplicationError):
            services.checkpoint_log_past(tour=tour, by=employee, scheduled_at=timezone.now() - timedelta(hours=1))
        assert not Checkpoint.objects.filter(tour=tour).exists()
