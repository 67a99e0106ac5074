"""The e-mail outbox: every e-mail is a row written in the sender's transaction, sent by the dispatcher
with retries and backoff for a day, then failed for the admins to send again. Against a real SMTP server
(tests/smtp.py) that is up, down (nothing listening on its port) or refusing an address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from alliance import services, tenancy
from alliance.models import EMAIL_MESSAGE_MAX_BYTES, Notification, OutboundEmail, SystemEmail
from alliance.outbox import UNDELIVERED_KIND, email_send, mail_transport_health, outbox_dispatch, retry_delay
from tests.helpers import sent_mail


def email_rows(model=OutboundEmail) -> list:
    with tenancy.cross_tenant(reason="test: read the outbox"):
        return list(model.objects.order_by("id"))


def time_passes(**changes) -> None:
    """The clock moves on: every pending row is due now (and ``changes`` apply, e.g. give_up_at)."""
    now = timezone.now()
    with tenancy.cross_tenant(reason="test: the clock moves on"):
        for model in (OutboundEmail, SystemEmail):
            model.objects.filter(status="pending").update(next_attempt_at=now, **changes)


def invite(hr, email: str = "newcomer@example.com"):
    with tenancy.tenant_context(hr.organization_id):
        return services.invitation_create(by=hr, email=email, role="employee")


# --- Rows first, the transport afterwards -----------------------------------------------------------

@pytest.mark.django_db
def test_an_email_is_a_row_of_the_senders_organization_until_the_dispatcher_sends_it(hr):
    invite(hr)
    assert mail.outbox == []  # nothing sent inside the change
    (row,) = email_rows()
    assert (row.organization_id, row.kind, row.to, row.status) == (hr.organization_id, "invitation",
                                                                   ["newcomer@example.com"], "pending")
    assert "X-Alliance-Kind" not in row.headers
    (message,) = sent_mail()
    assert message.to == ["newcomer@example.com"] and "/invite/" in message.body
    assert [alternative.mimetype for alternative in message.alternatives] == ["text/html"]
    (row,) = email_rows()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert outbox_dispatch() == ({}, False) and len(mail.outbox) == 1  # sent once


@pytest.mark.django_db
def test_one_dispatch_is_enqueued_after_the_commit_that_wrote_rows(org, django_capture_on_commit_callbacks):
    from alliance.outbox import _enqueue_dispatch

    with django_capture_on_commit_callbacks() as callbacks, tenancy.tenant_context(org.pk):
        for n in range(3):
            email_send(kind="test", to=f"p{n}@acme.test", subject="Hello", text="Hi")
    assert callbacks == [_enqueue_dispatch]  # one, however many rows


@pytest.mark.django_db
def test_a_refused_change_sends_nothing(hr, employee):
    from alliance.errors import ApplicationError

    with pytest.raises(ApplicationError), tenancy.tenant_context(hr.organization_id):
        services.invitation_create(by=hr, email=employee.user.email, role="employee")  # already a member
    assert email_rows() == [] and sent_mail() == []


@pytest.mark.django_db
def test_a_password_reset_is_an_email_outside_any_organization(employee):
    response = Client().post("/accounts/password/reset/", {"email": employee.user.email})
    assert response.status_code == 302
    (row,) = email_rows(SystemEmail)
    assert row.to == [employee.user.email] and email_rows() == []
    (message,) = sent_mail()
    assert "/accounts/password/reset/" in message.body
    assert email_rows(SystemEmail)[0].status == "sent"


@pytest.mark.django_db
def test_a_message_keeps_its_parts_through_the_outbox(org):
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    message = EmailMultiAlternatives(subject="Checkpoint\nmoved", body="Plain text", to=["a@acme.test"],
                                     cc=["b@acme.test"], reply_to=["c@acme.test"],
                                     headers={"X-Alliance-Reminder": "checkpoint_upcoming:7"})
    message.attach_alternative("<p>Rich</p>", "text/html")
    message.attach_alternative(calendar, "text/calendar; method=REQUEST")
    message.attach("checkpoint.ics", calendar, "text/calendar")
    message.attach("logo.bin", bytes(range(256)), "application/octet-stream")
    with tenancy.tenant_context(org.pk):
        assert message.send() == 1
    (row,) = email_rows()
    assert row.kind == "checkpoint_upcoming" and row.subject == "Checkpoint moved"
    (delivered,) = sent_mail()
    assert (delivered.to, delivered.cc, delivered.reply_to) == (["a@acme.test"], ["b@acme.test"], ["c@acme.test"])
    # The Message-ID is fixed when the row is written: a message sent again is the same message.
    assert delivered.extra_headers == {"X-Alliance-Reminder": "checkpoint_upcoming:7",
                                       "Message-ID": row.headers["Message-ID"]}
    assert delivered.message()["Message-ID"] == row.headers["Message-ID"].strip()
    assert [tuple(a) for a in delivered.alternatives] == [("<p>Rich</p>", "text/html"),
                                                          (calendar, "text/calendar; method=REQUEST")]
    assert [tuple(a) for a in delivered.attachments] == [("checkpoint.ics", calendar, "text/calendar"),
                                                         ("logo.bin", bytes(range(256)), "application/octet-stream")]


@pytest.mark.django_db
def test_a_message_over_the_bound_is_refused_and_writes_nothing(org):
    with pytest.raises(ValueError, match="over the outbox"), tenancy.tenant_context(org.pk):
        email_send(kind="test", to="a@acme.test", subject="Big", text="x" * (EMAIL_MESSAGE_MAX_BYTES + 1))
    assert email_rows() == []


# --- A mail server that is down, then back ------------------------------------------------------------

@pytest.mark.django_db
def test_an_outage_is_retried_with_backoff_for_a_day_and_the_email_lands_once(hr, mail_server):
    invite(hr)
    delays = []
    for _ in range(12):  # far beyond the 5 min 22 s the reminders' retries used to give up after
        started = timezone.now()
        assert outbox_dispatch()[0] == {"retrying": 1}
        (row,) = email_rows()
        delays.append(round((row.next_attempt_at - started).total_seconds() / 60))
        assert row.status == "pending" and "ConnectionRefusedError" in row.last_error
        time_passes()
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]  # exponential, capped at an hour
    assert retry_delay(1) == timedelta(minutes=1) and retry_delay(20) == timedelta(hours=1)
    mail_server.start()
    assert outbox_dispatch()[0] == {"sent": 1}
    assert outbox_dispatch()[0] == {}
    assert mail_server.recipients() == ["newcomer@example.com"]
    (row,) = email_rows()
    assert row.status == "sent" and row.attempts == 13


@pytest.mark.django_db
def test_when_the_mail_server_is_back_one_probe_sends_everything_that_waited(hr, mail_server):
    for n in range(3):
        invite(hr, f"person{n}@example.com")
    for _ in range(5):  # an outage long enough for the backoff to reach 16 minutes
        assert outbox_dispatch()[0] == {"retrying": 3}
        time_passes()
    assert outbox_dispatch()[0] == {"retrying": 3}
    assert all(row.next_attempt_at > timezone.now() + timedelta(minutes=30) for row in email_rows())
    # Still down: beat's next run tries one row early, and only one.
    assert outbox_dispatch()[0] == {"retrying": 1}
    mail_server.start()
    # Back: the next run's probe goes through, and everything that waited is sent in the same run.
    assert outbox_dispatch()[0] == {"sent": 3}
    assert mail_server.recipients() == ["person0@example.com", "person1@example.com", "person2@example.com"]
    assert outbox_dispatch()[0] == {}


@pytest.mark.django_db
def test_after_a_day_it_fails_with_the_reason_and_the_admins_hear_once(hr, admin, mail_server):
    invite(hr, "first@example.com")
    invite(hr, "second@example.com")
    time_passes(give_up_at=timezone.now() - timedelta(seconds=1))
    assert outbox_dispatch()[0] == {"failed": 2}
    rows = email_rows()
    assert {row.status for row in rows} == {"failed"}
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    with tenancy.tenant_context(admin.organization_id):
        told = list(Notification.objects.filter(kind=UNDELIVERED_KIND))
    assert [n.recipient_id for n in told] == [admin.pk]  # the admins, not HR; once a day at most
    assert told[0].url == f"/o/{admin.organization.slug}/undelivered-email/"
    assert outbox_dispatch()[0] == {}  # failed is final for the dispatcher: only a person sends it again


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once(hr, mail_server):
    mail_server.start()
    mail_server.refuse("nobody@example.com")
    invite(hr, "nobody@example.com")
    assert outbox_dispatch()[0] == {"failed": 1}
    (row,) = email_rows()
    assert row.status == "failed" and "550" in row.last_error and "No such mailbox" in row.last_error


# --- The admins' page -----------------------------------------------------------------------------------

@pytest.fixture
def undelivered(hr, mail_server):
    invite(hr, "lost@example.com")
    time_passes(give_up_at=timezone.now() - timedelta(seconds=1))
    outbox_dispatch()
    (row,) = email_rows()
    assert row.status == "failed"
    return row


@pytest.mark.django_db
def test_the_admins_see_undelivered_email_and_send_it_again(admin, undelivered, mail_server, client_for):
    client = client_for(admin)
    page = client.get(f"/o/{admin.organization.slug}/undelivered-email/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "lost@example.com" in body and "ConnectionRefusedError" in body and "Invitation" in body
    assert 'href="/o/acme/undelivered-email/"' in client.get(f"/o/{admin.organization.slug}/").content.decode()
    mail_server.start()
    response = client.post(f"/o/{admin.organization.slug}/undelivered-email/{undelivered.pk}/retry/")
    assert response.status_code == 302
    (row,) = email_rows()
    assert row.status == "pending" and row.give_up_at > timezone.now() + timedelta(hours=23)
    assert outbox_dispatch()[0] == {"sent": 1}
    assert mail_server.recipients() == ["lost@example.com"]
    # Sent: no longer undelivered, so neither listed nor sent again.
    listed = client.get(f"/o/{admin.organization.slug}/undelivered-email/").content.decode()
    assert f"/undelivered-email/{undelivered.pk}/retry/" not in listed and "Every e-mail was delivered" in listed
    again = client.post(f"/o/{admin.organization.slug}/undelivered-email/{undelivered.pk}/retry/")
    assert again.status_code == 404


@pytest.mark.django_db
def test_retry_all_sends_every_undelivered_email_again(admin, hr, undelivered, mail_server, client_for):
    invite(hr, "also-lost@example.com")
    time_passes(give_up_at=timezone.now() - timedelta(seconds=1))
    outbox_dispatch()
    assert {row.status for row in email_rows()} == {"failed"}
    mail_server.start()
    response = client_for(admin).post(f"/o/{admin.organization.slug}/undelivered-email/retry-all/", follow=True)
    assert "2 e-mails are on their way again." in response.content.decode()
    assert outbox_dispatch()[0] == {"sent": 2}
    assert mail_server.recipients() == ["also-lost@example.com", "lost@example.com"]


@pytest.mark.django_db
def test_only_admins_open_the_page_or_send_again(hr, employee, undelivered, client_for):
    for member in (hr, employee):
        client, page = client_for(member), f"/o/{member.organization.slug}/undelivered-email/"
        assert client.get(page).status_code == 403
        assert client.post(f"{page}{undelivered.pk}/retry/").status_code == 403
        assert client.post(f"{page}retry-all/").status_code == 403
    from alliance.errors import NotAllowed
    from alliance.outbox import outbound_email_retry

    with pytest.raises(NotAllowed), tenancy.tenant_context(hr.organization_id):
        outbound_email_retry(email=undelivered, by=hr)  # the service refuses on its own
    assert email_rows()[0].status == "failed"


@pytest.mark.django_db
def test_another_organizations_undelivered_email_is_a_404(admin, outsider, undelivered, client_for):
    client = client_for(outsider)
    assert client.get("/o/acme/undelivered-email/").status_code == 404
    own = f"/o/{outsider.organization.slug}/undelivered-email/"
    assert client.post(f"{own}{undelivered.pk}/retry/").status_code == 404
    assert "lost@example.com" not in client.get(own).content.decode()
    assert email_rows()[0].status == "failed"


# --- Health ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_healthz_reports_the_mail_server_and_stays_serving(mail_server, settings):
    response = Client().get("/healthz")
    assert response.status_code == 200  # the app serves; e-mail waits in the outbox
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "ok",
                               "mail": "error: ConnectionRefusedError"}
    mail_server.start()
    assert mail_transport_health() == "error: ConnectionRefusedError"  # the answer is kept a while
    settings.OUTBOX_HEALTH_CACHE_SECONDS = 0
    assert Client().get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok", "mail": "ok"}


# --- A broker outage delays, never fails a saved change --------------------------------------------------

@pytest.mark.django_db
def test_a_saved_change_with_the_broker_down_answers_as_usual(hr, client_for, broker_down,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(f"/o/{hr.organization.slug}/invitations/",
                                       {"email": "newcomer@example.com", "role": "employee"})
    assert response.status_code in (200, 302), response.status_code
    (row,) = email_rows()
    assert row.status == "pending"  # beat's minute entry dispatches it
    assert [m.to for m in sent_mail()] == [["newcomer@example.com"]]


@pytest.mark.django_db
def test_the_undelivered_page_runs_the_same_queries_for_three_rows_or_thirty(admin, client_for,
                                                                           django_assert_num_queries):
    def fail(first: int, count: int) -> None:
        with tenancy.tenant_context(admin.organization_id):
            for n in range(first, first + count):
                email_send(kind="invitation", to=f"lost{n}@example.com", subject=f"Lost {n}", text="Lost")
            OutboundEmail.objects.for_org(admin.organization_id).update(status="failed", last_error="refused")

    client = client_for(admin)
    path = f"/o/{admin.organization.slug}/undelivered-email/"
    fail(0, 3)
    client.get(path)  # the session and the member, loaded once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert "lost2@example.com" in client.get(path).content.decode()
    fail(3, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        assert "lost29@example.com" in client.get(path).content.decode()
