"""A broker outage delays a change's notifications; it never fails the change (alliance.reminders)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.delivery import reminders_take_stale
from alliance.models import Reminder


@pytest.mark.django_db
def test_moving_a_checkpoint_with_the_broker_down_answers_as_usual_and_the_requeue_sends_later(
        api_for, manager, employee, active_tour, broker_down, django_capture_on_commit_callbacks, caplog):
    when = timezone.now() + timedelta(days=7)
    with caplog.at_level(logging.WARNING, logger="alliance.reminders"), \
            django_capture_on_commit_callbacks(execute=True):
        created = api_for(manager).post_json("/api/v1/checkpoints/", {"tour": active_tour.pk,
                                                                      "scheduled_at": when.isoformat()})
        moved = api_for(manager).post_json(f"/api/v1/checkpoints/{created.json()['id']}/reschedule/",
                                           {"scheduled_at": (when + timedelta(days=1)).isoformat()})
    assert (created.status_code, moved.status_code) == (201, 200)
    assert any("could not enqueue" in record.getMessage() for record in caplog.records)
    with tenancy.cross_tenant(reason="test: read the ledger"):
        pending = list(Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("recipient_id", flat=True))
    assert employee.pk in pending  # told the checkpoint moved, once the requeue sends it
    taken = reminders_take_stale(older_than=timedelta(0))
    assert sum(len(ids) for ids in taken.values()) == len(pending)  # all of them, for the requeue to enqueue
