"""Reminder delivery when things fail: the database away, a batch delivered twice."""

from __future__ import annotations

import logging

import pytest
from django.utils import timezone

from alliance import tasks, tenancy
from alliance.models import Reminder
from alliance.reminders import DueReminder, reminders_claim
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.alliance.test_health import database_unreachable


def test_with_the_database_away_failures_are_logged_and_retried_not_crashed(django_db_blocker, caplog):
    """Recording a failure needs the database too: when it is away, the batch logs it and hands the
    reminders back for a retry instead of crashing (and being dropped)."""
    with django_db_blocker.unblock(), database_unreachable(), caplog.at_level(logging.WARNING):
        outcomes, retry = tasks._deliver(1, [11, 12])
    assert outcomes == {"retrying": 2} and retry == [11, 12]
    assert "could not record the failure of reminder 11" in caplog.text


@pytest.fixture
def ping_kind():
    """A reminder kind of the test's own (the registry is restored afterwards)."""
    from alliance import registry
    from alliance.reminders import ReminderMessage

    builders, kinds = dict(registry._REMINDER_BUILDERS), dict(registry._NOTIFICATION_KINDS)
    registry.register_reminder_kind("checkpoint_upcoming", "Checkpoints",
                                    lambda reminder: ReminderMessage(subject="Ping", text="A reminder.", url="/"))
    yield "checkpoint_upcoming"
    registry._REMINDER_BUILDERS.clear()
    registry._REMINDER_BUILDERS.update(builders)
    registry._NOTIFICATION_KINDS.clear()
    registry._NOTIFICATION_KINDS.update(kinds)


@pytest.mark.django_db
def test_a_redelivered_batch_says_what_this_run_did(ping_kind):
    members = [MembershipFactory(organization=OrganizationFactory(slug=f"o{n}"), user__email=f"p{n}@o.test")
               for n in range(2)]
    claimed = reminders_claim([
        DueReminder(organization_id=m.organization_id, kind=ping_kind, subject_id=1, recipient_id=m.pk,
                    window="7d", due_at=timezone.now()) for m in members])
    batch = [(org_id, [reminder_id]) for org_id, reminder_id in claimed]
    assert tasks.deliver_reminder_batch(batch) == {"sent": 2}
    assert tasks.deliver_reminder_batch(batch) == {"already-sent": 2}  # not "sent": this run sent nothing
    with tenancy.cross_tenant(reason="test: read the ledger"):
        assert [r.attempts for r in Reminder.objects.order_by("id")] == [1, 1]
