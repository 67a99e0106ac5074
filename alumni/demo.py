"""Demo exits for seed_demo: templates per kind, a question set, one exit in progress and one
finished last month (an alumnus with consents). Idempotent: an organization with exits is left alone.
Everything goes through the services; only the finished exit's dates are in the past, so it is
started with a last day last month and finished by the same last-day sweep that runs in production.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, Organization
from alumni import services
from alumni.models import AssigneeRole, ExitKind, ExitProcess, LeaverStep

DEMO_ORGANIZATIONS = ("acme",)

CHECKLIST = [
    ("Agree the handover plan", AssigneeRole.MANAGER, -14),
    ("Write the handover notes", AssigneeRole.LEAVER, -7),
    ("Fill in your alumni step (personal e-mail, consents)", AssigneeRole.LEAVER, -3),
    ("Hold the exit interview", AssigneeRole.HR, -2),
    ("Return the laptop and badge", AssigneeRole.LEAVER, 0),
    ("Close accounts and access", AssigneeRole.ADMIN, 0),
    ("Send the alumni welcome follow-up", AssigneeRole.HR, 7),
]
QUESTIONS = [
    ("What made you decide to leave?", "text", ""),
    ("How well did your tours of duty match what you wanted?", "scale", ""),
    ("Would you recommend us to a friend?", "choice", "Yes\nMaybe\nNo"),
    ("What should we keep doing?", "text", ""),
]


def _seed(organization: Organization) -> str:
    people = Membership.objects.for_org(organization).select_related("user", "organization")
    hr = people.filter(role=Membership.Role.HR, status="active").first()
    employees = list(people.filter(role=Membership.Role.EMPLOYEE, status="active")
                     .exclude(user__email__startswith="ellis.").exclude(user__email__startswith="sam.")
                     .order_by("user__email"))
    if hr is None or len(employees) < 2:
        return "not enough demo people"
    hr.organization = organization
    for kind in (ExitKind.RESIGNATION, ExitKind.END_OF_TOUR):
        template = services.exit_template_save(by=hr, kind=kind, name="")
        for title, role, offset in CHECKLIST:
            services.exit_template_task_add(template=template, by=hr, title=title, assignee_role=role,
                                            due_offset_days=offset)
    questions = services.question_set_save(by=hr, name="Standard exit interview", is_default=True)
    for text, kind, choices in QUESTIONS:
        services.question_add(question_set=questions, by=hr, text=text, kind=kind, choices=choices)
    today = timezone.localdate()
    leaving, left = employees[0], employees[1]
    leaving.organization = left.organization = organization
    # Demo people are created today; the one who left last month had joined years before.
    Membership.objects.for_org(organization).filter(pk=left.pk).update(joined_on=today - timedelta(days=3 * 365))
    left.joined_on = today - timedelta(days=3 * 365)
    services.exit_start(by=hr, member=leaving, kind=ExitKind.RESIGNATION,
                        last_working_day=today + timedelta(days=12), initiated_by=ExitProcess.InitiatedBy.EMPLOYEE,
                        hr_note="Moving abroad; would love to have them back.")
    past = services.exit_start(by=hr, member=left, kind=ExitKind.END_OF_TOUR,
                               last_working_day=today - timedelta(days=30),
                               initiated_by=ExitProcess.InitiatedBy.BOTH)
    services.exit_update(process=past, by=hr, data={"good_standing": True, "rehire": "eligible",
                                                     "alumni_tier": "distinguished", "regretted": True})
    step = LeaverStep.objects.for_org(organization).get(process=past)
    local, domain = left.user.email.split("@")
    services.leaver_step_save(step=step, by=left, data={
        "personal_email": f"{local}@home.example", "city": "Lisbon", "linkedin_url": "https://www.linkedin.com/in/demo",
        "consent_directory": True, "consent_news": True, "consent_events": True,
        "note": "Happy to mentor, and to hear about robotics openings.",
    })
    step.refresh_from_db()
    step.personal_email_verified_at = timezone.now()  # the demo skips clicking the e-mailed link
    step.save(update_fields=["personal_email_verified_at"])
    services.exit_finish(organization_id=organization.pk, process_id=past.pk)
    return f"an exit in progress ({leaving.user.full_name}) and an alumnus ({step.personal_email})"


def seed_alumni(*, stdout=None) -> None:
    for slug in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        with transaction.atomic(), tenancy.tenant_context(organization.pk), timezone.override(
            zoneinfo.ZoneInfo(organization.time_zone)
        ):
            if ExitProcess.objects.for_org(organization).exists():
                message = "has exits already, left as they are"
            else:
                message = _seed(organization)
        if stdout is not None:
            stdout.write(f"Demo exits: {organization.name}: {message}.")
