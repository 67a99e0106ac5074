"""The alumni app's rows for the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alumni import services
from alumni.models import ExitInterview, ExitProcess, LeaverStep


def populate(world) -> None:
    admin = world.admin
    with tenancy.tenant_context(world.org.pk):
        admin.organization = world.org
        template = services.exit_template_save(by=admin, kind="resignation", name="Globex Secret checklist")
        services.exit_template_task_add(template=template, by=admin, title="Globex Secret task",
                                        assignee_role="leaver", due_offset_days=-1)
        question_set = services.question_set_save(by=admin, name="Globex Secret questions", is_default=True)
        services.question_add(question_set=question_set, by=admin, text="Globex Secret question?", kind="text")
        process = services.exit_start(by=admin, member=world.employee, kind="resignation",
                                      last_working_day=timezone.localdate() + timedelta(days=10),
                                      initiated_by=ExitProcess.InitiatedBy.EMPLOYEE, hr_note="Globex Secret note")
        LeaverStep.objects.for_org(world.org).filter(process=process).update(note="Globex Secret note")
        assert ExitInterview.objects.for_org(world.org).filter(process=process).exists()
    world.objects.update(exit=process)
