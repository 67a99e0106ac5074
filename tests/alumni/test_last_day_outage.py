"""A mail outage and a broken leaver: nothing lost, nothing doubled, and the sweep goes on.

The mail server is a real local SMTP server (tests/smtp.py), down (nothing listening) for far longer
than the old retries lasted, then back; time moves by making the outbox's rows due, not by sleeping.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, Notification, OutboundEmail, Reminder
from alliance.notifications import preferences_set
from alliance.outbox import outbox_dispatch
from alliance.tasks import deliver_reminder_batch
from alumni import services
from alumni.models import ExitProcess, LeaverStep
from tests.alliance.factories import MembershipFactory
from tests.alumni.conftest import start
from tests.tours.test_tasks import make_checkpoint, make_people, make_tour
from tours import reminders


def email_rows() -> list[OutboundEmail]:
    with tenancy.cross_tenant(reason="test: read the outbox"):
        return list(OutboundEmail.objects.order_by("id"))


def time_passes() -> None:
    with tenancy.cross_tenant(reason="test: the clock moves on"):
        OutboundEmail.objects.filter(status="pending").update(next_attempt_at=timezone.now())


def leave_with_a_verified_address(process, leaver, email: str) -> None:
    """The leaver fills their step; the confirmation link is read from the outbox row (the mail is down)."""
    with tenancy.tenant_context(process.organization_id):
        step = LeaverStep.objects.select_related("process__member__user").get(process=process)
        services.leaver_step_save(step=step, by=leaver, data={
            "personal_email": email, "city": "Lisbon", "consent_news": True, "consent_directory": True})
    (row,) = [row for row in email_rows() if row.kind == "alumni_verify_email" and row.to == [email]]
    token = re.search(r"/alumni/verify/([^/\s]+)/", row.body).group(1)
    with tenancy.cross_tenant(reason="test: the verify link sets its own tenant"):
        services.leaver_email_verify(token=token)


def test_a_long_mail_outage_loses_no_reminder_and_no_welcome_and_doubles_none(
        org, hr, long_employee, checklist, mail_server):
    # Reminders of a checkpoint tomorrow, claimed and delivered by the worker while the mail is down.
    other, boss, worker_bee = make_people("globex")
    make_checkpoint(make_tour(other, boss, worker_bee), timezone.now() + timedelta(hours=20))
    assert reminders.sweep(reminders.CHECKPOINT_UPCOMING) == 2
    with tenancy.cross_tenant(reason="test: read the ledger"):
        batch = [(other.pk, sorted(Reminder.objects.values_list("id", flat=True)))]
    assert deliver_reminder_batch(batch) == {"sent": 2}  # the mail server cannot fail a reminder
    with tenancy.tenant_context(other.pk):
        assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
        # The in-app notifications stand on their own: nobody got nothing.
        assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([boss.pk, worker_bee.pk])

    # A leaver's last day passes while the mail is down: they become an alumnus, the welcome waits.
    # (Their manager and the checklist's assignees read of it in the app here: alumni.handoffs.)
    with tenancy.tenant_context(org.pk):
        for person in Membership.objects.for_org(org.pk):
            preferences_set(member=person, choices={"team_departure": "in_app", "exit_task_assigned": "in_app"})
    process = start(hr, long_employee, days=0)
    leave_with_a_verified_address(process, long_employee, "ellis@home.example")
    assert services.exits_sweep(now=timezone.now() + timedelta(days=1)) == 1
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=long_employee.pk).status == Membership.Status.ALUMNUS
        assert ExitProcess.objects.get(pk=process.pk).state == ExitProcess.State.COMPLETED
    assert sorted(row.kind for row in email_rows()) == ["alumni_verify_email", "alumni_welcome",
                                                        "checkpoint_upcoming", "checkpoint_upcoming"]

    # Down for hours: every attempt fails, nothing is given up.
    for _ in range(10):
        assert outbox_dispatch()[0] == {"retrying": 4}
        time_passes()
    assert {(row.status, row.attempts) for row in email_rows()} == {("pending", 10)}

    # Back: each e-mail lands once, and a redelivered reminder batch sends nothing again.
    mail_server.start()
    assert outbox_dispatch()[0] == {"sent": 4}
    assert outbox_dispatch()[0] == {}
    assert deliver_reminder_batch(batch) == {"already-sent": 2}
    assert outbox_dispatch()[0] == {}
    assert mail_server.recipients() == ["boss@globex.test", "ellis@home.example", "ellis@home.example",
                                        "emp@globex.test"]  # the confirmation link and the welcome
    subjects = [re.search(r"^Subject: (.*)$", content, re.M).group(1) for _, content in mail_server.received]
    assert sum("Welcome to the" in subject for subject in subjects) == 1


def test_one_leaver_failing_does_not_stop_the_last_day_sweep(org, hr, manager, checklist, monkeypatch, mail_server):
    leavers = [MembershipFactory(organization=org, manager=manager, user__email=f"leaver{n}@acme.test")
               for n in range(3)]
    processes = [start(hr, leaver, days=0) for leaver in leavers]
    broken = processes[1].pk
    real_close_tours = services.last_day._close_tours

    def close_tours(process, *, by):
        if process.pk == broken:
            raise RuntimeError("a defect in one leaver's data")
        return real_close_tours(process, by=by)

    monkeypatch.setattr(services.last_day, "_close_tours", close_tours)
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.exits_sweep(now=tomorrow) == 2  # the others finish
    with tenancy.tenant_context(org.pk):
        states = dict(ExitProcess.objects.values_list("pk", "state"))
        statuses = dict(Membership.objects.filter(pk__in=[m.pk for m in leavers]).values_list("pk", "status"))
    assert [states[p.pk] for p in processes] == ["completed", "in_progress", "completed"]
    assert statuses[leavers[1].pk] == "active"  # rolled back whole: nothing half done

    monkeypatch.setattr(services.last_day, "_close_tours", real_close_tours)
    assert services.exits_sweep(now=tomorrow) == 1  # the next sweep retries it
    with tenancy.tenant_context(org.pk):
        assert ExitProcess.objects.get(pk=broken).state == "completed"

