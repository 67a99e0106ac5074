"""Reminder sweeps: each rule fires at the right moment, once, and not before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from alliance import tenancy
from alliance.models import Membership, Notification, Organization, Reminder
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.helpers import sent_mail
from tours import reminders
from tours.models import AgendaItem, Checkpoint, FirstConversation, Tour

T0 = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # a Wednesday


def make_people(slug: str = "acme"):
    org = OrganizationFactory(slug=slug)
    manager = MembershipFactory(organization=org, role=Membership.Role.MANAGER, user__email=f"boss@{slug}.test")
    employee = MembershipFactory(organization=org, manager=manager, user__email=f"emp@{slug}.test",
                                 user__time_zone="America/New_York")
    return org, manager, employee


def make_tour(org: Organization, manager: Membership, employee: Membership, **fields) -> Tour:
    values = dict(
        organization=org, employee=employee, manager=manager, kind=Tour.Kind.TRANSFORMATIONAL,
        title="Launch the EU region", mission="Open the EU region.", company_objectives="A live region.",
        employee_benefits="Lead a launch.", start_date=date(2026, 1, 1), end_date=date(2028, 6, 30),
        status=Tour.Status.ACTIVE,
    )
    values.update(fields)
    with tenancy.tenant_context(org.pk):
        return Tour.objects.create(**values)


def make_checkpoint(tour: Tour, at: datetime, **fields) -> Checkpoint:
    with tenancy.tenant_context(tour.organization_id):
        return Checkpoint.objects.create(organization_id=tour.organization_id, tour=tour, scheduled_at=at, **fields)


def ledger_rows(kind: str) -> list[tuple]:
    with tenancy.cross_tenant(reason="test: read the ledger"):
        return sorted(
            Reminder.objects.filter(kind=kind).values_list("subject_id", "recipient_id", "window")
        )


@pytest.fixture
def people(db):
    return make_people()


def sweep(kind: str, now: datetime) -> int:
    return reminders.sweep(kind, now=now)


class TestUpcomingCheckpoint:
    def test_fires_at_each_lead_time_once_for_both_sides(self, people):
        org, manager, employee = people
        checkpoint = make_checkpoint(make_tour(org, manager, employee), T0)
        kind = reminders.CHECKPOINT_UPCOMING
        assert sweep(kind, T0 - timedelta(days=7, minutes=1)) == 0
        assert sweep(kind, T0 - timedelta(days=7)) == 2
        assert sweep(kind, T0 - timedelta(days=6)) == 0  # same window: already in the ledger
        assert sweep(kind, T0 - timedelta(days=1)) == 2
        assert sweep(kind, T0 - timedelta(hours=1)) == 0
        assert sweep(kind, T0 + timedelta(minutes=1)) == 0  # past: nothing "upcoming"
        rows = ledger_rows(kind)
        assert {r[1] for r in rows} == {manager.pk, employee.pk}
        assert sorted({r[2] for r in rows}) == ["1d@20270310T0900", "7d@20270310T0900"]
        assert all(r[0] == checkpoint.pk for r in rows)

    def test_a_checkpoint_set_up_late_gets_only_the_nearest_reminder(self, people):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0)
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(hours=12)) == 2
        assert {r[2] for r in ledger_rows(reminders.CHECKPOINT_UPCOMING)} == {"1d@20270310T0900"}

    def test_rescheduling_opens_new_windows(self, people):
        org, manager, employee = people
        checkpoint = make_checkpoint(make_tour(org, manager, employee), T0)
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=7)) == 2
        with tenancy.tenant_context(org.pk):
            Checkpoint.objects.filter(pk=checkpoint.pk).update(scheduled_at=T0 + timedelta(days=2))
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=5)) == 2

    @pytest.mark.parametrize("status", [Checkpoint.Status.CANCELLED, Checkpoint.Status.COMPLETED])
    def test_nothing_for_a_closed_checkpoint(self, people, status):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0, status=status)
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=1)) == 0

    def test_nothing_for_a_tour_that_is_not_active(self, people):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee, status=Tour.Status.PROPOSED), T0)
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=1)) == 0

    def test_lead_times_follow_the_organization(self, people):
        org, manager, employee = people
        Organization.objects.filter(pk=org.pk).update(checkpoint_days_before=[3])
        make_checkpoint(make_tour(org, manager, employee), T0)
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=6)) == 0
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=3)) == 2


class TestAgendaNudge:
    def test_nudges_the_employee_when_the_agenda_is_empty(self, people):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0)
        assert sweep(reminders.AGENDA_NUDGE, T0 - timedelta(days=3)) == 0
        assert sweep(reminders.AGENDA_NUDGE, T0 - timedelta(days=2)) == 1
        assert sweep(reminders.AGENDA_NUDGE, T0 - timedelta(days=1)) == 0
        assert [r[1] for r in ledger_rows(reminders.AGENDA_NUDGE)] == [employee.pk]

    def test_no_nudge_once_someone_added_a_talking_point(self, people):
        org, manager, employee = people
        checkpoint = make_checkpoint(make_tour(org, manager, employee), T0)
        with tenancy.tenant_context(org.pk):
            AgendaItem.objects.create(organization=org, checkpoint=checkpoint, text="Hiring plan", added_by=manager)
        assert sweep(reminders.AGENDA_NUDGE, T0 - timedelta(days=2)) == 0


class TestOverdue:
    def test_day_after_then_weekly_at_most_three_times(self, people):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0)
        kind = reminders.CHECKPOINT_OVERDUE
        assert sweep(kind, T0 + timedelta(hours=23)) == 0
        assert sweep(kind, T0 + timedelta(days=1)) == 1
        assert sweep(kind, T0 + timedelta(days=3)) == 0
        assert sweep(kind, T0 + timedelta(days=8)) == 1
        assert sweep(kind, T0 + timedelta(days=15)) == 1
        assert sweep(kind, T0 + timedelta(days=22)) == 0
        assert sweep(kind, T0 + timedelta(days=40)) == 0
        stamp = "@20270310T0900"
        assert [r[2] for r in ledger_rows(kind)] == ["overdue-0" + stamp, "overdue-1" + stamp, "overdue-2" + stamp]
        assert {r[1] for r in ledger_rows(kind)} == {manager.pk}

    def test_nothing_once_the_outcome_is_recorded(self, people):
        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0, status=Checkpoint.Status.COMPLETED)
        assert sweep(reminders.CHECKPOINT_OVERDUE, T0 + timedelta(days=2)) == 0


class TestTourEnding:
    def test_prompts_at_180_90_30_days(self, people):
        org, manager, employee = people
        end = date(2027, 9, 30)
        make_tour(org, manager, employee, end_date=end)
        at = lambda d: datetime(end.year, end.month, end.day, 12, tzinfo=UTC) - timedelta(days=d)  # noqa: E731
        kind = reminders.TOUR_ENDING
        assert sweep(kind, at(181)) == 0
        assert sweep(kind, at(180)) == 2
        assert sweep(kind, at(120)) == 0
        assert sweep(kind, at(90)) == 2
        assert sweep(kind, at(30)) == 2
        assert sweep(kind, at(1)) == 0
        assert sorted({r[2] for r in ledger_rows(kind)}) == ["180d@20270930", "30d@20270930", "90d@20270930"]

    def test_skipped_once_a_next_tour_plan_is_recorded(self, people):
        org, manager, employee = people
        make_tour(org, manager, employee, end_date=date(2027, 9, 30), next_tour_plan=Tour.NextPlan.NEW_INTERNAL_TOUR)
        assert sweep(reminders.TOUR_ENDING, datetime(2027, 7, 1, tzinfo=UTC)) == 0

    def test_foundational_tours_without_end_are_never_prompted(self, people):
        org, manager, employee = people
        make_tour(org, manager, employee, kind=Tour.Kind.FOUNDATIONAL, end_date=None)
        assert sweep(reminders.TOUR_ENDING, datetime(2027, 7, 1, tzinfo=UTC)) == 0


class TestFirstConversation:
    def test_manager_at_once_then_after_two_working_days(self, people):
        org, manager, employee = people
        tour = make_tour(org, manager, employee)
        friday = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)
        with tenancy.tenant_context(org.pk):
            FirstConversation.objects.create(organization=org, tour=tour, exercised_at=friday)
        kind = reminders.FIRST_CONVERSATION
        assert sweep(kind, friday + timedelta(minutes=1)) == 1
        assert sweep(kind, friday + timedelta(days=3)) == 0  # Monday: one working day
        assert sweep(kind, friday + timedelta(days=4)) == 1  # Tuesday: two working days
        assert sweep(kind, friday + timedelta(days=9)) == 0
        assert [(r[1], r[2]) for r in ledger_rows(kind)] == [(manager.pk, "exercised"), (manager.pk, "follow-up")]

    def test_no_follow_up_once_the_outcome_is_recorded(self, people):
        org, manager, employee = people
        tour = make_tour(org, manager, employee)
        with tenancy.tenant_context(org.pk):
            FirstConversation.objects.create(organization=org, tour=tour, exercised_at=T0,
                                             outcome=FirstConversation.Outcome.STAYED)
        assert sweep(reminders.FIRST_CONVERSATION, T0 + timedelta(days=5)) == 0


def test_each_organizations_reminders_stay_in_its_own_ledger(db):
    a = make_people("acme")
    b = make_people("globex")
    make_checkpoint(make_tour(*a), T0)
    make_checkpoint(make_tour(*b), T0)
    assert sweep(reminders.CHECKPOINT_UPCOMING, T0 - timedelta(days=1)) == 4
    for org, manager, employee in (a, b):
        with tenancy.tenant_context(org.pk):
            assert set(Reminder.objects.values_list("recipient_id", flat=True)) == {manager.pk, employee.pk}


def test_the_sweep_query_count_does_not_grow_with_due_items(db, django_assert_max_num_queries):
    org, manager, employee = make_people()
    tour = make_tour(org, manager, employee)
    for hours in range(1, 21):
        make_checkpoint(tour, T0 + timedelta(hours=hours))
    # cross_tenant (2 set_config) + select + per organization: tenant set/restore + one INSERT.
    with django_assert_max_num_queries(12):
        assert sweep(reminders.CHECKPOINT_UPCOMING, T0) == 40


@pytest.mark.django_db(transaction=True)
def test_delivered_reminder_carries_agenda_invite_and_local_time(settings):
    from alliance.reminders import reminder_deliver

    org, manager, employee = make_people()
    checkpoint = make_checkpoint(make_tour(org, manager, employee), T0, location="Room 4")
    with tenancy.tenant_context(org.pk):
        AgendaItem.objects.create(organization=org, checkpoint=checkpoint, text="Ship the beta", added_by=employee)
    with tenancy.cross_tenant(reason="test"):
        due = reminders.due_checkpoint_reminders(T0 - timedelta(days=1))
    employee_due = next(d for d in due if d.recipient_id == employee.pk)
    from alliance.reminders import reminders_claim

    claimed = dict((rid, org_id) for org_id, rid in reminders_claim([employee_due]))
    (reminder_id,) = claimed
    with tenancy.tenant_context(org.pk):
        assert reminder_deliver(organization_id=org.pk, reminder_id=reminder_id) == "sent"
    (message,) = sent_mail()
    assert message.to == ["emp@acme.test"]
    assert "Ship the beta" in message.body
    assert "04:00 EST" in message.subject or "04:00 EST" in message.body  # 09:00 UTC in New York
    assert any(name == "checkpoint.ics" for name, _content, _type in message.attachments)
    ics = next(content for name, content, _type in message.attachments if name == "checkpoint.ics")
    ics_text = ics.decode() if isinstance(ics, bytes) else ics
    assert f"UID:{checkpoint.uid}" in ics_text
    with tenancy.tenant_context(org.pk):
        assert Notification.objects.get(recipient=employee).url.endswith(f"/checkpoints/{checkpoint.pk}/")


@pytest.mark.parametrize(
    ("kind", "setup", "moment", "recipient"),
    [
        (reminders.CHECKPOINT_UPCOMING, "checkpoint", T0 - timedelta(days=1), "manager"),
        (reminders.AGENDA_NUDGE, "checkpoint", T0 - timedelta(days=2), "employee"),
        (reminders.CHECKPOINT_OVERDUE, "checkpoint", T0 + timedelta(days=1), "manager"),
        (reminders.TOUR_ENDING, "tour", datetime(2028, 4, 1, tzinfo=UTC), "employee"),
        (reminders.FIRST_CONVERSATION, "conversation", T0 + timedelta(minutes=5), "manager"),
    ],
)
def test_every_kind_is_delivered_with_a_link_in_both_channels(people, kind, setup, moment, recipient):
    from alliance.reminders import reminder_deliver, reminders_claim

    org, manager, employee = people
    tour = make_tour(org, manager, employee)
    if setup == "checkpoint":
        make_checkpoint(tour, T0)
    elif setup == "conversation":
        with tenancy.tenant_context(org.pk):
            FirstConversation.objects.create(organization=org, tour=tour, exercised_at=T0, employee_note="What next?")
    with tenancy.cross_tenant(reason="test"):
        wanted = {"manager": manager, "employee": employee}[recipient].pk
        due = [d for d in reminders.SELECTORS[kind](moment) if d.recipient_id == wanted]
    assert len(due) == 1
    ((org_id, reminder_id),) = reminders_claim(due)
    with tenancy.tenant_context(org.pk):
        assert reminder_deliver(organization_id=org_id, reminder_id=reminder_id) == "sent"
        notification = Notification.objects.get(recipient_id=due[0].recipient_id)
    (message,) = sent_mail()
    assert message.subject == notification.title
    assert notification.body and "Hello" not in notification.body  # a one-line summary, not the e-mail
    assert notification.url.startswith("/o/acme/")  # in-app links are paths of this site
    assert "http://testserver" + notification.url in message.body
    assert message.alternatives and "http://testserver" + notification.url in message.alternatives[0][0]


def test_a_reminder_for_something_since_done_is_skipped(people):
    from alliance.reminders import reminder_deliver, reminders_claim

    org, manager, employee = people
    checkpoint = make_checkpoint(make_tour(org, manager, employee), T0)
    with tenancy.cross_tenant(reason="test"):
        due = reminders.due_checkpoint_reminders(T0 - timedelta(days=1))
    claimed = reminders_claim(due)
    with tenancy.tenant_context(org.pk):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(status=Checkpoint.Status.CANCELLED)
        outcomes = {reminder_deliver(organization_id=o, reminder_id=r) for o, r in claimed}
    assert outcomes == {"skipped"}
    assert sent_mail() == []


class TestReviewRegressions:
    def test_overdue_notices_start_again_after_a_reschedule(self, people):
        org, manager, employee = people
        checkpoint = make_checkpoint(make_tour(org, manager, employee), T0)
        kind = reminders.CHECKPOINT_OVERDUE
        assert sweep(kind, T0 + timedelta(days=1)) == 1
        moved = T0 + timedelta(days=3)
        with tenancy.tenant_context(org.pk):
            Checkpoint.objects.filter(pk=checkpoint.pk).update(scheduled_at=moved)
        assert sweep(kind, moved + timedelta(hours=12)) == 0
        assert sweep(kind, moved + timedelta(days=1)) == 1

    def test_no_first_conversation_notice_once_the_tour_is_closed(self, people):
        org, manager, employee = people
        tour = make_tour(org, manager, employee, status=Tour.Status.COMPLETED)
        with tenancy.tenant_context(org.pk):
            FirstConversation.objects.create(organization=org, tour=tour, exercised_at=T0)
        assert sweep(reminders.FIRST_CONVERSATION, T0 + timedelta(days=5)) == 0

    def test_subjects_and_summaries_are_plain_text(self, people):
        from alliance.reminders import reminder_deliver, reminders_claim

        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee, title="R&D for O'Brien's team"), T0)
        with tenancy.cross_tenant(reason="test"):
            due = reminders.due_checkpoint_reminders(T0 - timedelta(days=1))
        due = [d for d in due if d.recipient_id == manager.pk]
        ((org_id, reminder_id),) = reminders_claim(due)
        with tenancy.tenant_context(org.pk):
            reminder_deliver(organization_id=org_id, reminder_id=reminder_id)
            notification = Notification.objects.get(recipient=manager)
        assert "R&D for O'Brien's team" in notification.body
        assert "&amp;" not in sent_mail()[0].body and "&#x27;" not in notification.body

    def test_a_broken_reminder_does_not_hold_back_its_batch(self, people, monkeypatch):
        from alliance import registry as ledger_module
        from alliance.reminders import reminders_claim
        from alliance.tasks import deliver_reminders

        org, manager, employee = people
        make_checkpoint(make_tour(org, manager, employee), T0)
        with tenancy.cross_tenant(reason="test"):
            due = reminders.due_checkpoint_reminders(T0 - timedelta(days=1))
        claimed = reminders_claim(due)
        real = ledger_module._REMINDER_BUILDERS[reminders.CHECKPOINT_UPCOMING]

        def breaks_for_the_manager(reminder):
            if reminder.recipient_id == manager.pk:
                raise RuntimeError("template defect")
            return real(reminder)

        monkeypatch.setitem(ledger_module._REMINDER_BUILDERS, reminders.CHECKPOINT_UPCOMING, breaks_for_the_manager)
        outcome = deliver_reminders.run(org.pk, sorted(r for _, r in claimed))
        assert outcome == {"failed": 1, "sent": 1}
        with tenancy.tenant_context(org.pk):
            statuses = dict(Reminder.objects.values_list("recipient_id", "status"))
            failed = Reminder.objects.get(recipient=manager)
        assert statuses == {manager.pk: "failed", employee.pk: "sent"}
        assert "template defect" in failed.last_error and failed.attempts == 1
        assert [m.to for m in sent_mail()] == [["emp@acme.test"]]


def test_sweep_tasks_through_a_real_worker_send_each_reminder_once(worker):
    """Beat's task, on the real broker and a real worker, with the clock given to it."""
    from tests.conftest import wait_for
    from tours.tasks import sweep_checkpoint_reminders

    org, manager, employee = make_people()
    make_checkpoint(make_tour(org, manager, employee), T0)
    sweep_checkpoint_reminders.delay(now=(T0 - timedelta(days=8)).isoformat())  # before the window
    for _ in range(2):  # the same window, twice
        sweep_checkpoint_reminders.delay(now=(T0 - timedelta(days=7)).isoformat())
    wait_for(lambda: len([r for r in ledger_rows(reminders.CHECKPOINT_UPCOMING)]) == 2)
    with tenancy.cross_tenant(reason="test"):
        wait_for(lambda: set(Reminder.objects.values_list("status", flat=True)) == {"sent"})
    wait_for(lambda: sorted(m.to[0] for m in sent_mail()) == ["boss@acme.test", "emp@acme.test"])


# --- Overdue action items -----------------------------------------------------------------

def test_an_overdue_action_item_reminds_its_owner_once(db):
    from tours.models import ActionItem

    org, manager, employee = make_people()
    tour = make_tour(org, manager, employee)
    checkpoint = make_checkpoint(tour, T0 - timedelta(days=30), status=Checkpoint.Status.COMPLETED)
    with tenancy.tenant_context(org.pk):
        item = ActionItem.objects.create(organization=org, checkpoint=checkpoint, text="Send the plan",
                                         owner=employee, due_on=date(2027, 3, 8))
        ActionItem.objects.create(organization=org, checkpoint=checkpoint, text="Done already", owner=employee,
                                  due_on=date(2027, 3, 1), done=True)
        ActionItem.objects.create(organization=org, checkpoint=checkpoint, text="Not yet due", owner=employee,
                                  due_on=date(2027, 3, 20))
    assert reminders.sweep(reminders.ACTION_ITEM_OVERDUE, now=datetime(2027, 3, 8, 23, 0, tzinfo=UTC)) == 0
    assert reminders.sweep(reminders.ACTION_ITEM_OVERDUE, now=T0) == 1
    assert reminders.sweep(reminders.ACTION_ITEM_OVERDUE, now=T0 + timedelta(days=1)) == 0  # once
    with tenancy.cross_tenant(reason="test: read the ledger"):
        (row,) = Reminder.objects.filter(kind=reminders.ACTION_ITEM_OVERDUE)
    assert (row.subject_id, row.recipient_id) == (item.pk, employee.pk)
    from alliance.reminders import reminder_deliver

    with tenancy.tenant_context(org.pk):
        assert reminder_deliver(organization_id=org.pk, reminder_id=row.pk) == "sent"
    assert "Send the plan" in sent_mail()[-1].subject
