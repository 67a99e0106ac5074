"""The exit process through its services: start, checklist, leaver's step, the last-day sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.db import connection
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import ApiToken, Membership, Reminder, UserEmailAlias
from alumni import reminders, services
from alumni.models import ExitProcess, ExitTask, LeaverStep
from tests.alliance.factories import MembershipFactory, make_api_token
from tests.alumni.conftest import start
from tests.helpers import ApiClient, sent_mail
from tests.tours.factories import CheckpointFactory, TourFactory
from tours import services as tour_services
from tours.models import Checkpoint, FirstConversation, Tour


def _step(process) -> LeaverStep:
    with tenancy.tenant_context(process.organization_id):
        return LeaverStep.objects.select_related("process__member__user").get(process=process)


def _fill_and_verify(process, leaver, capture, email="ellis@home.example"):
    with capture(execute=True), tenancy.tenant_context(process.organization_id):
        step = LeaverStep.objects.select_related("process__member__user").get(process=process)
        services.leaver_step_save(step=step, by=leaver, data={
            "personal_email": email, "city": "Lisbon", "consent_news": True, "consent_directory": True})
    link = next(line for line in sent_mail()[-1].body.splitlines() if "/alumni/verify/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with transaction_tenant():
        services.leaver_email_verify(token=token)


class transaction_tenant:  # noqa: N801 - a tiny context manager for the verify link (it sets its own tenant)
    def __enter__(self):
        from django.db import transaction

        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def test_start_creates_the_checklist_interview_and_step(org, hr, manager, long_employee, checklist):
    process = start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        tasks = {t.title: t for t in ExitTask.objects.filter(process=process)}
        assert tasks["Handover plan"].assignee_id == manager.pk
        assert tasks["Return laptop"].assignee_id == long_employee.pk
        assert tasks["Close accounts"].assignee_id == hr.pk
        assert tasks["Handover plan"].due_on == process.last_working_day - timedelta(days=5)
        assert process.interviews.get().question_set.name == "Standard"
        assert LeaverStep.objects.filter(process=process).exists()
        assert Reminder.objects.filter(kind=services.EXIT_STARTED, recipient=long_employee).count() == 1


@pytest.mark.parametrize("case", ["before_joined", "already_leaving", "alumnus", "not_hr", "self"])
def test_bad_starts_are_refused_and_change_nothing(org, hr, manager, long_employee, case):
    hr.organization = manager.organization = org
    day = timezone.localdate() + timedelta(days=5)
    by, member, expected = hr, long_employee, ApplicationError
    if case == "before_joined":
        day = long_employee.employment_started_on - timedelta(days=1)
    elif case == "already_leaving":
        start(hr, long_employee)
    elif case == "alumnus":
        with tenancy.tenant_context(org.pk):
            Membership.objects.filter(pk=long_employee.pk).update(status=Membership.Status.ALUMNUS)
        long_employee.status = Membership.Status.ALUMNUS
    elif case == "not_hr":
        by, expected = manager, NotAllowed
    elif case == "self":
        member = hr
    with tenancy.tenant_context(org.pk):
        before = ExitProcess.objects.count()
        with pytest.raises(expected):
            services.exit_start(by=by, member=member, kind="resignation", last_working_day=day,
                                initiated_by="employee")
        assert ExitProcess.objects.count() == before


def test_start_cancels_checkpoints_after_the_last_day_and_cancel_proposes_them_again(org, hr, manager, long_employee):
    with tenancy.tenant_context(org.pk):
        tour = TourFactory(employee=long_employee, manager=manager, status=Tour.Status.ACTIVE)
        soon = CheckpointFactory(tour=tour, scheduled_at=timezone.now() + timedelta(days=3))
        later = CheckpointFactory(tour=tour, scheduled_at=timezone.now() + timedelta(days=60))
    process = start(hr, long_employee, days=10)
    with tenancy.tenant_context(org.pk):
        soon.refresh_from_db()
        later.refresh_from_db()
        assert soon.status == Checkpoint.Status.SCHEDULED
        assert later.status == Checkpoint.Status.CANCELLED and later.sequence == 1
        services.exit_cancel(process=process, by=hr)
        process.refresh_from_db()
        assert process.state == ExitProcess.State.CANCELLED
        assert Checkpoint.objects.filter(tour=tour, status=Checkpoint.Status.SCHEDULED,
                                         scheduled_at__gt=timezone.now() + timedelta(days=10)).exists()
        tour.refresh_from_db()
        assert tour.status == Tour.Status.ACTIVE
        assert Membership.objects.get(pk=long_employee.pk).status == Membership.Status.ACTIVE


def test_only_the_assignee_or_hr_completes_a_task(org, hr, manager, long_employee, checklist):
    process = start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        laptop = ExitTask.objects.get(process=process, title="Return laptop")
        laptop.process = process
        manager.organization = org
        with pytest.raises(NotAllowed):
            services.exit_task_complete(task=laptop, by=manager)
        assert ExitTask.objects.get(pk=laptop.pk).done_at is None
        services.exit_task_complete(task=laptop, by=long_employee)
        with pytest.raises(ApplicationError):
            services.exit_task_complete(task=laptop, by=hr)


def test_task_reminders_before_and_when_overdue_are_claimed_once(org, hr, long_employee, checklist):
    process = start(hr, long_employee, days=1)
    now = timezone.now()
    assert reminders.sweep_task_reminders(now=now) >= 2  # laptop (tomorrow) and close accounts (in 2 days)
    assert reminders.sweep_task_reminders(now=now) == 0
    with tenancy.tenant_context(org.pk):
        kinds = set(Reminder.objects.filter(kind__startswith="exit_task").values_list("kind", "window"))
    # The handover plan was due five days before a last day that is tomorrow: never created overdue, it is
    # due today (tests/alumni/test_checklist_dead_ends.py), so it is reminded as due, not as overdue.
    assert kinds == {(reminders.EXIT_TASK_DUE, "before")}
    later = now + timedelta(days=3)
    assert reminders.sweep_task_reminders(now=later) >= 1
    with tenancy.tenant_context(org.pk):
        assert Reminder.objects.filter(kind=reminders.EXIT_TASK_OVERDUE).exists()
        overdue = Reminder.objects.filter(kind=reminders.EXIT_TASK_OVERDUE).first()
        message = reminders.build_task_reminder(overdue)
    assert message is not None and "Overdue" in message.subject and process.member.user.full_name in message.subject


def test_an_unverified_personal_email_is_not_the_login(org, hr, long_employee):
    process = start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.select_related("process__member__user").get(process=process)
        services.leaver_step_save(step=step, by=long_employee, data={"personal_email": "me@home.example"})
        step.refresh_from_db()
        assert not step.is_verified
        with pytest.raises(ApplicationError):
            services.leaver_step_save(step=step, by=long_employee, data={"personal_email": ""})
        with pytest.raises(ApplicationError):
            services.leaver_step_save(step=step, by=long_employee, data={"personal_email": "hr@acme.test"})
    with tenancy.tenant_context(org.pk):
        ExitProcess.objects.filter(pk=process.pk).update(last_working_day=timezone.localdate() - timedelta(days=1))
    assert services.exits_sweep() == 1
    long_employee.user.refresh_from_db()
    assert long_employee.user.email == "employee@acme.test"  # unverified: the login did not move


def test_the_last_day_turns_the_member_into_an_alumnus_once(org, hr, manager, long_employee, checklist,
                                                           django_capture_on_commit_callbacks):
    with tenancy.tenant_context(org.pk):
        tour = TourFactory(employee=long_employee, manager=manager, status=Tour.Status.ACTIVE,
                           first_conversation_granted_on=timezone.localdate())
        FirstConversation.objects.create(organization=org, tour=tour)
        feed, feed_token = tour_services.calendar_feed_create(member=long_employee)
    token = make_api_token(long_employee)
    process = start(hr, long_employee, days=0)
    _fill_and_verify(process, long_employee, django_capture_on_commit_callbacks)
    assert services.exits_sweep() == 0  # the last day is not over yet
    tomorrow = timezone.now() + timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exits_sweep(now=tomorrow) == 1
    assert services.exits_sweep(now=tomorrow) == 0
    with tenancy.tenant_context(org.pk):
        member = Membership.objects.select_related("user").get(pk=long_employee.pk)
        tour.refresh_from_db()
        process.refresh_from_db()
        assert member.status == Membership.Status.ALUMNUS
        assert process.state == ExitProcess.State.COMPLETED and process.outcome == "alumnus"
        assert tour.status == Tour.Status.ENDED_EARLY and "Left the organization" in tour.closing_note
        assert FirstConversation.objects.get(tour=tour).outcome == "supported_move_outside"
        assert not ApiToken.objects.filter(membership=member, revoked_at__isnull=True).exists()
    assert member.user.email == "ellis@home.example"
    assert UserEmailAlias.objects.filter(user=member.user, email="employee@acme.test").exists()
    assert [m.to for m in sent_mail() if "Welcome" in m.subject] == [["ellis@home.example"]]
    # Both addresses sign in; the old token and the calendar feed are dead.
    member.user.set_password("a long alumni password")
    member.user.save()
    assert authenticate(username="ellis@home.example", password="a long alumni password") == member.user
    assert authenticate(username="employee@acme.test", password="a long alumni password") == member.user
    assert ApiClient(token).get("/api/v1/me/").status_code == 401
    from django.test import Client

    assert Client().get(f"/calendar/{feed_token}.ics").status_code == 404


def test_a_dismissal_not_in_good_standing_stays_outside_unless_hr_decides(org, hr, long_employee):
    process = start(hr, long_employee, days=0, kind="dismissal")
    assert services.exits_sweep(now=timezone.now() + timedelta(days=1)) == 1
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=long_employee.pk).status == Membership.Status.FORMER
        process.refresh_from_db()
        assert process.outcome == "former"
    other = MembershipFactory(organization=org, user__email="kept@acme.test")
    other.employment_started_on = timezone.localdate() - timedelta(days=400)
    with tenancy.tenant_context(org.pk):
        Membership.objects.filter(pk=other.pk).update(employment_started_on=other.employment_started_on)
    second = start(hr, other, days=0, kind="dismissal")
    with tenancy.tenant_context(org.pk):
        with pytest.raises(ApplicationError):
            services.exit_update(process=second, by=hr, data={"alumni_despite": True})
        services.exit_update(process=second, by=hr, data={"alumni_despite": True,
                                                           "alumni_despite_note": "Amicable in the end."})
    services.exits_sweep(now=timezone.now() + timedelta(days=1))
    with tenancy.tenant_context(org.pk):
        assert Membership.objects.get(pk=other.pk).status == Membership.Status.ALUMNUS


def test_the_sweep_follows_the_organizations_time_zone(org, hr, long_employee):
    org.time_zone = "Pacific/Kiritimati"  # UTC+14: its day ends long before UTC's
    org.save()
    process = start(hr, long_employee, days=0)
    late_utc_evening = timezone.now().replace(hour=11, minute=0)
    assert services.exits_due(now=late_utc_evening) == [(org.pk, process.pk)]
    assert services.exits_due(now=timezone.now().replace(hour=9, minute=0)) == []


@pytest.mark.django_db(transaction=True)
def test_the_sweep_racing_itself_finishes_an_exit_once(org, hr, long_employee):
    process = start(hr, long_employee, days=0)
    tomorrow = timezone.now() + timedelta(days=1)
    results, barrier = [], threading.Barrier(2)

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(services.exits_sweep(now=tomorrow))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    with tenancy.tenant_context(org.pk):
        assert ExitProcess.objects.get(pk=process.pk).state == ExitProcess.State.COMPLETED
    assert connection.vendor == "postgresql"


def test_the_one_time_link_fills_the_step_once_and_verifies_its_address(org, hr, long_employee):
    process = start(hr, long_employee)
    with tenancy.tenant_context(org.pk):
        link = services.leaver_link_send(process=process, by=hr, email="gone@home.example")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with transaction_tenant():
        services.leaver_link_submit(token=token, data={"personal_email": "gone@home.example", "consent_events": True})
    step = _step(process)
    assert step.is_verified and step.consent_events and step.consent_text_version
    with transaction_tenant(), pytest.raises(ApplicationError):
        services.leaver_link_submit(token=token, data={"personal_email": "gone@home.example"})
