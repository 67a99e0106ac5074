"""The checklist: a task is never created already overdue (clamped to today, with a note), and the
leaver's task to fill in their alumni step completes itself when they do."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance import tenancy
from alumni import services
from alumni.models import ExitTask, LeaverStep
from tests.alumni.conftest import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def step_task(org, hr, checklist):
    with tenancy.tenant_context(org.pk):
        services.exit_template_task_add(template=checklist, by=hr, title="Fill in your alumni step (consents)",
                                        assignee_role="leaver", due_offset_days=-3)
    return checklist


def test_a_near_last_day_never_makes_a_task_overdue(org, hr, long_employee, checklist, client_for):
    process = start(hr, long_employee, days=2)  # "Handover plan" is due 5 days before the last day
    today = timezone.localdate()
    with tenancy.tenant_context(org.pk):
        handover = ExitTask.objects.get(process=process, title="Handover plan")
        accounts = ExitTask.objects.get(process=process, title="Close accounts")
    assert handover.due_on == today and "the last day is near" in handover.due_note
    assert accounts.due_on == process.last_working_day + timezone.timedelta(days=1) and accounts.due_note == ""
    page = client_for(hr).get(f"/o/acme/exits/{process.pk}/").content.decode()
    assert "the last day is near, so today" in page


def test_filling_the_alumni_step_completes_the_leavers_task(org, hr, long_employee, step_task):
    process = start(hr, long_employee, days=10)
    with tenancy.tenant_context(org.pk):
        step = LeaverStep.objects.select_related("process__member__user").get(process=process)
        services.leaver_step_save(step=step, by=long_employee, data={
            "personal_email": "me@home.example", "consent_news": True})
        task = ExitTask.objects.get(process=process, title__startswith="Fill in your alumni step")
        others = ExitTask.objects.filter(process=process, done_at__isnull=False).exclude(pk=task.pk)
    assert task.done_at is not None and task.done_by_id == long_employee.pk
    assert not others.exists()  # only that one
