from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership
from alumni import services


@pytest.fixture
def checklist(org, hr):
    """A resignation template (HR, manager, leaver tasks) and a default question set."""
    hr.organization = org
    with tenancy.tenant_context(org.pk):
        template = services.exit_template_save(by=hr, kind="resignation", name="")
        for title, role, offset in (("Handover plan", "manager", -5), ("Return laptop", "leaver", 0),
                                    ("Close accounts", "hr", 1)):
            services.exit_template_task_add(template=template, by=hr, title=title, assignee_role=role,
                                            due_offset_days=offset)
        questions = services.question_set_save(by=hr, name="Standard", is_default=True)
        services.question_add(question_set=questions, by=hr, text="Why do you leave?", kind="text")
        services.question_add(question_set=questions, by=hr, text="How was it?", kind="scale")
    return template


@pytest.fixture
def long_employee(org, employee):
    with tenancy.tenant_context(org.pk):
        Membership.objects.filter(pk=employee.pk).update(employment_started_on=date(2020, 1, 1))
    employee.employment_started_on = date(2020, 1, 1)
    employee.organization = org
    return employee


def start(hr, member, *, days: int = 10, kind: str = "resignation"):
    hr.organization = member.organization
    with tenancy.tenant_context(member.organization_id):
        return services.exit_start(by=hr, member=member, kind=kind,
                                   last_working_day=timezone.localdate() + timedelta(days=days),
                                   initiated_by="employee", hr_note="Confidential")
