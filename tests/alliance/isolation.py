"""The core's rows for the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from alliance import tenancy
from alliance.models import (
    ApiToken,
    BackgroundJob,
    HealthWeek,
    IdempotentRequest,
    MembershipChange,
    NotificationPreference,
    OutboundEmail,
    PeopleImport,
    Reminder,
    ScimToken,
    ScimUser,
    TwoFactorRequirement,
    TwoFactorReset,
    WebhookDelivery,
    WebhookEndpoint,
)
from alliance.notifications import notification_create
from alliance.outbox import email_send
from tests.alliance.factories import make_api_token, make_invitation


def populate(world) -> None:
    make_invitation(world.admin, email="invitee@globex.test")
    make_api_token(world.employee)
    with tenancy.tenant_context(world.org.pk):
        notification_create(recipient=world.employee, kind="checkpoint_upcoming", title="Globex Secret note")
        NotificationPreference.objects.create(organization=world.org, membership=world.employee,
                                              kind="checkpoint_upcoming", channel="email")
        Reminder.objects.create(organization=world.org, kind="checkpoint_upcoming", subject_id=1,
                                recipient=world.employee, window="7d", due_at=timezone.now())
        IdempotentRequest.objects.create(
            organization=world.org, token=ApiToken.objects.filter(membership=world.employee).first(),
            key="globex-key", fingerprint="0" * 64, status=201, body=b'{"title": "Globex Secret"}')
        PeopleImport.objects.create(
            organization=world.org, created_by=world.admin, file_name="Globex Secret people.csv", file_format="csv",
            rows=[{"row": 2, "email": "secret@globex.test"}], new_count=1,
            preview=[{"row": 2, "email": "secret@globex.test", "kind": "new", "full_name": "Globex Secret"}],
            missing=[{"id": world.employee.pk, "email": "employee@globex.test", "full_name": "Globex Secret"}])
        job = BackgroundJob.objects.create(organization=world.org, kind="export", title="Globex Secret export",
                                           requested_by=world.admin, params={"key": "members", "fmt": "csv"},
                                           status="done", total=1, done=1, file_name="globex-secret.csv")
        PeopleImport.objects.filter(organization=world.org).update(job=job)
        MembershipChange.objects.create(organization=world.org, membership=world.employee, by=world.admin,
                                        field="title", old_value="Globex Secret", new_value="Globex Secret 2")
        ScimToken.objects.create(organization=world.org, membership=world.admin, name="Globex Secret Okta",
                                 prefix="scim_0_secret", token_hash="f" * 64)
        ScimUser.objects.create(organization=world.org, membership=world.employee, user_name="secret@globex.test",
                                external_id="Globex Secret id", given_name="Globex", family_name="Secret")
        TwoFactorRequirement.objects.create(organization=world.org, role="hr")
        TwoFactorReset.objects.create(organization=world.org, membership=world.employee, by=world.admin)
        email_send(kind="invitation", to="someone@globex.test", subject="Globex Secret offer", text="Globex Secret")
        OutboundEmail.objects.filter(subject="Globex Secret offer").update(status="failed", last_error="Globex Secret")
        # The weekly digest's kept figures of the other organization.
        today = timezone.localdate()
        HealthWeek.objects.create(organization=world.org, week=today - timedelta(days=today.weekday()),
                                  scope=HealthWeek.ORGANIZATION, figure="coverage", label="Globex Secret coverage",
                                  value=12.5)
        endpoint = WebhookEndpoint.objects.create(
            organization=world.org, url="https://hooks.globex.test/secret", description="Globex Secret CRM",
            event_types=["member.updated"], secret="whsec_R2xvYmV4U2VjcmV0S2V5MDEyMzQ1Njc4OQ==", created_by=world.admin)
        WebhookDelivery.objects.create(
            organization=world.org, endpoint=endpoint, event_id="evt_globex", event_type="member.updated",
            resource=f"member:{world.employee.pk}", payload={"data": {"title": "Globex Secret"}}, status="delivered",
            give_up_at=timezone.now(), response_excerpt="Globex Secret answer")
