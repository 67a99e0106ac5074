"""The reminder ledger and delivery, with a real Celery worker on the real Redis broker."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections

from alliance import tenancy
from alliance.models import Membership, Notification, NotificationPreference, OutboundEmail, Reminder
from alliance.registry import register_reminder_kind
from alliance.reminders import DueReminder, ReminderMessage, reminders_claim
from tests.alliance.factories import MembershipFactory, OrganizationFactory
from tests.conftest import wait_for
from tests.helpers import sent_mail

TEST_KIND = "checkpoint_upcoming"  # a real kind name, so preferences apply; builder below is the test's own


class FlakyEmailBackend:
    """Stands in for the e-mail provider: fails the first ``failures`` sends, then delivers."""

    failures = 0
    lock = threading.Lock()

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        with self.lock:
            if FlakyEmailBackend.failures > 0:
                FlakyEmailBackend.failures -= 1
                raise ConnectionError("provider unavailable")
        return self.inner.send_messages(messages)

    def open(self):
        return True

    def close(self):
        return None


def _test_builder(reminder: Reminder) -> ReminderMessage | None:
    return ReminderMessage(subject=f"Ping {reminder.subject_id}", text="A test reminder.", url="/")


@pytest.fixture
def test_kind():
    from alliance import registry

    builders, kinds = dict(registry._REMINDER_BUILDERS), dict(registry._NOTIFICATION_KINDS)
    register_reminder_kind(TEST_KIND, "Test reminders", _test_builder)
    yield TEST_KIND
    registry._REMINDER_BUILDERS.clear()
    registry._REMINDER_BUILDERS.update(builders)
    registry._NOTIFICATION_KINDS.clear()
    registry._NOTIFICATION_KINDS.update(kinds)


def ledger(status: str | None = None) -> list[Reminder]:
    with tenancy.cross_tenant(reason="test: read the ledger"):
        rows = Reminder.objects.all()
        if status:
            rows = rows.filter(status=status)
        return list(rows)


def email_rows() -> list[OutboundEmail]:
    with tenancy.cross_tenant(reason="test: read the outbox"):
        return list(OutboundEmail.objects.order_by("id"))


def due_for(member: Membership, *, subject_id: int = 1, window: str = "7d") -> DueReminder:
    from django.utils import timezone

    return DueReminder(organization_id=member.organization_id, kind=TEST_KIND, subject_id=subject_id,
                       recipient_id=member.pk, window=window, due_at=timezone.now())


@pytest.fixture
def member(transactional_db):
    org = OrganizationFactory(slug="acme")
    return MembershipFactory(organization=org, user__email="ellis@acme.test", user__time_zone="Europe/Berlin")


def test_claiming_twice_sends_once(worker, test_kind, member):
    first = reminders_claim([due_for(member)])
    second = reminders_claim([due_for(member)])
    assert len(first) == 1 and second == []
    wait_for(lambda: ledger(Reminder.Status.SENT))
    wait_for(lambda: len(sent_mail()) == 1)
    time.sleep(0.5)
    assert [m.to for m in sent_mail()] == [["ellis@acme.test"]]
    with tenancy.tenant_context(member.organization_id):
        assert Notification.objects.filter(recipient=member).count() == 1


def test_two_sweeps_racing_claim_one_row(worker, test_kind, member):
    results: list[list] = []
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            results.append(reminders_claim([due_for(member, window="race")]))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 1]
    wait_for(lambda: ledger(Reminder.Status.SENT))
    wait_for(lambda: len(sent_mail()) == 1)
    time.sleep(0.5)
    assert len(sent_mail()) == 1


def test_a_failed_send_is_retried_and_lands_once(worker, test_kind, member, settings):
    """The mail server failing is the outbox's business: the reminder is delivered at once (its in-app
    notification and its e-mail row), and the e-mail row is retried until the server takes it."""
    settings.OUTBOX_TRANSPORT_BACKEND = "tests.alliance.test_reminders.FlakyEmailBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    FlakyEmailBackend.failures = 2
    reminders_claim([due_for(member)])
    (reminder,) = wait_for(lambda: ledger(Reminder.Status.SENT), timeout=40)
    assert reminder.attempts == 1 and reminder.last_error == ""
    wait_for(lambda: len(sent_mail()) == 1, timeout=40)
    (row,) = email_rows()
    assert row.status == "sent" and row.attempts == 3  # two failures recorded, then the successful send
    assert "provider unavailable" in row.last_error
    with tenancy.tenant_context(member.organization_id):
        assert Notification.objects.filter(recipient=member).count() == 1  # not one per attempt


def test_in_app_only_preference_sends_no_email(worker, test_kind, member):
    with tenancy.tenant_context(member.organization_id):
        NotificationPreference.objects.create(organization_id=member.organization_id, membership=member,
                                              kind=TEST_KIND, channel="in_app")
    reminders_claim([due_for(member)])
    wait_for(lambda: ledger(Reminder.Status.SENT))
    assert sent_mail() == [] and email_rows() == []
    with tenancy.tenant_context(member.organization_id):
        assert Notification.objects.filter(recipient=member, kind=TEST_KIND).count() == 1


def test_email_only_preference_adds_no_notification(worker, test_kind, member):
    with tenancy.tenant_context(member.organization_id):
        NotificationPreference.objects.create(organization_id=member.organization_id, membership=member,
                                              kind=TEST_KIND, channel="email")
    reminders_claim([due_for(member)])
    wait_for(lambda: ledger(Reminder.Status.SENT))
    wait_for(lambda: len(sent_mail()) == 1)
    with tenancy.tenant_context(member.organization_id):
        assert not Notification.objects.exists()


def test_nothing_is_sent_to_someone_no_longer_active(worker, test_kind, member):
    with tenancy.tenant_context(member.organization_id):
        Membership.objects.filter(pk=member.pk).update(status=Membership.Status.ALUMNUS)
    reminders_claim([due_for(member)])
    wait_for(lambda: ledger(Reminder.Status.SKIPPED))
    assert sent_mail() == [] and email_rows() == []


def test_each_organization_is_delivered_in_its_own_tenant(worker, test_kind, member):
    other = MembershipFactory(organization=OrganizationFactory(slug="globex"), user__email="x@globex.test")
    reminders_claim([due_for(member), due_for(other)])
    wait_for(lambda: len(ledger(Reminder.Status.SENT)) == 2)
    wait_for(lambda: sorted(m.to[0] for m in sent_mail()) == ["ellis@acme.test", "x@globex.test"])
    assert sorted((row.organization_id, row.to[0]) for row in email_rows()) == sorted(
        [(member.organization_id, "ellis@acme.test"), (other.organization_id, "x@globex.test")])
    with tenancy.tenant_context(member.organization_id):
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [member.pk]
    with tenancy.tenant_context(other.organization_id):
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other.pk]


@pytest.mark.django_db(transaction=True)
def test_claiming_across_many_organizations_is_one_statement(test_kind):
    """The ledger insert for every organization is one query inside one audited cross-tenant block,
    whatever the number of organizations; delivery goes out in messages of DELIVERY_BATCH reminders."""
    from unittest import mock

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from alliance import reminders

    members = [MembershipFactory(organization=OrganizationFactory(slug=f"org-{n}")) for n in range(12)]
    # 60 each: 720 reminders, two messages, and the ninth organization's reminders span both.
    due = [due_for(m, subject_id=s) for m in members for s in range(60)]
    with mock.patch.object(reminders.deliver_reminder_batch_task, "apply_async") as enqueue, \
            CaptureQueriesContext(connection) as queries, transaction.atomic():
        claimed = reminders_claim(due)
        assert enqueue.call_count == 0  # only once the claim commits
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 1
    assert len(queries.captured_queries) <= 8  # the cross-tenant setting and savepoint around one INSERT
    assert len(claimed) == 720 == len(ledger())
    batches = [call.args[0][0] for call in enqueue.call_args_list]
    assert reminders.DELIVERY_BATCH == 500
    assert [sum(len(ids) for _, ids in batch) for batch in batches] == [500, 220]  # whatever the organizations
    assert [org for org, _ in batches[0]][-1] == [org for org, _ in batches[1]][0] == members[8].organization_id
    delivered = sorted((org, pk) for batch in batches for org, ids in batch for pk in ids)
    assert delivered == sorted(claimed)
    # Claiming again inserts nothing and enqueues nothing.
    with mock.patch.object(reminders.deliver_reminder_batch_task, "apply_async") as enqueue, transaction.atomic():
        assert reminders_claim(due) == []
    assert enqueue.call_count == 0


def test_delivery_batches_fill_each_message_across_organizations():
    """A large organization fills as many messages as it needs; small ones share the rest, in order."""
    from alliance.reminders import DELIVERY_BATCH, delivery_batches

    big, two, many = list(range(2 * DELIVERY_BATCH + 200)), [7, 8], list(range(DELIVERY_BATCH - 1))
    batches = delivery_batches([(1, big), (2, two), (3, many)])
    room = DELIVERY_BATCH - 200 - 2
    assert batches == [
        [(1, big[:DELIVERY_BATCH])],
        [(1, big[DELIVERY_BATCH : 2 * DELIVERY_BATCH])],
        [(1, big[2 * DELIVERY_BATCH :]), (2, two), (3, many[:room])],
        [(3, many[room:])],
    ]
    assert delivery_batches([]) == []


def test_a_claim_stores_each_field_as_given(db, test_kind):
    """The due rows reach PostgreSQL as one JSON document: text with quotes, backslashes, braces
    and non-ASCII letters, large ids and an aware time in another zone come back unchanged."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    member = MembershipFactory(organization=OrganizationFactory(slug="acme"))
    due_at = datetime(2027, 3, 28, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    window = 'say "hi", {x} \\ ü—é,NULL'
    due = DueReminder(organization_id=member.organization_id, kind=TEST_KIND, subject_id=2**62,
                      recipient_id=member.pk, window=window, due_at=due_at)
    [(organization_id, reminder_id)] = reminders_claim([due, due])  # the same reminder twice: one row
    [row] = ledger()
    assert (organization_id, reminder_id) == (member.organization_id, row.pk)
    assert (row.kind, row.subject_id, row.recipient_id, row.window, row.due_at, row.status) == (
        TEST_KIND, 2**62, member.pk, window, due_at, Reminder.Status.PENDING)


def test_an_organization_with_ledger_rows_can_still_be_deleted(db, test_kind):
    """The ledger has no key of its own to the organization (its key to the recipient proves it):
    deleting an organization still removes its ledger rows and their notifications, and leaves
    the other organization's."""
    from alliance.notifications import notification_create

    acme = MembershipFactory(organization=OrganizationFactory(slug="acme"))
    globex = MembershipFactory(organization=OrganizationFactory(slug="globex"))
    reminders_claim([due_for(acme), due_for(globex)])
    with tenancy.tenant_context(acme.organization_id):
        reminder = Reminder.objects.for_org(acme.organization_id).get()
        notification_create(recipient=acme, kind=TEST_KIND, title="Ping", reminder=reminder)
    with tenancy.cross_tenant(reason="test: delete an organization"):
        acme.organization.delete()
    assert [(row.organization_id, row.recipient_id) for row in ledger()] == [(globex.organization_id, globex.pk)]
    with tenancy.cross_tenant(reason="test: no notification left"):
        assert not Notification.objects.exists()


def test_a_claim_cannot_point_at_another_organizations_member(db, test_kind):
    """Cross-tenant does not mean cross-organization references: the composite key refuses them."""
    from django.db import IntegrityError, connection, transaction

    acme = MembershipFactory(organization=OrganizationFactory(slug="acme"))
    globex = MembershipFactory(organization=OrganizationFactory(slug="globex"))
    wrong = DueReminder(organization_id=acme.organization_id, kind=TEST_KIND, subject_id=1,
                        recipient_id=globex.pk, window="7d", due_at=due_for(acme).due_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        reminders_claim([wrong])
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_batch_of_several_organizations_is_delivered_each_in_its_own_tenant(worker, test_kind):
    """Many small organizations share one message; each is still delivered in its own context."""
    members = [MembershipFactory(organization=OrganizationFactory(slug=f"small-{n}"),
                                 user__email=f"p{n}@small.test") for n in range(3)]
    reminders_claim([due_for(m, subject_id=s) for m in members for s in range(2)])
    wait_for(lambda: len(ledger(Reminder.Status.SENT)) == 6)
    expected = sorted(f"p{n}@small.test" for n in range(3) for _ in range(2))
    wait_for(lambda: sorted(m.to[0] for m in sent_mail()) == expected)
    for m in members:
        with tenancy.tenant_context(m.organization_id):
            assert list(Notification.objects.values_list("recipient_id", flat=True)) == [m.pk, m.pk]


def test_a_mail_failure_inside_a_batch_delays_only_that_e_mail(worker, test_kind, settings):
    settings.OUTBOX_TRANSPORT_BACKEND = "tests.alliance.test_reminders.FlakyEmailBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    FlakyEmailBackend.failures = 1
    members = [MembershipFactory(organization=OrganizationFactory(slug=f"flaky-{n}"),
                                 user__email=f"f{n}@flaky.test") for n in range(2)]
    reminders_claim([due_for(m) for m in members])
    wait_for(lambda: len(ledger(Reminder.Status.SENT)) == 2)
    assert sorted(r.attempts for r in ledger()) == [1, 1]
    wait_for(lambda: sorted(m.to[0] for m in sent_mail()) == ["f0@flaky.test", "f1@flaky.test"])
    assert sorted(row.attempts for row in email_rows()) == [1, 2]
