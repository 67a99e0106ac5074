"""The weekly digest: once per member and week, only what the member may see, nothing when nothing is new."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance import tenancy
from alliance.models import Reminder
from alliance.reminders import reminder_deliver
from network_intel import services
from network_intel.reminders import digests
from tests.helpers import sent_mail
from tests.network_intel.factories import company, note

NEXT_WEEK = timezone.now() + timedelta(days=7)  # the digest sent next week covers this week's notes


def digest_rows() -> list[tuple]:
    with tenancy.cross_tenant(reason="test: read the ledger"):
        return sorted(Reminder.objects.filter(kind=digests.DIGEST).values_list(
            "organization_id", "recipient_id", "window", "status", "id"))


def deliver_all() -> list[str]:
    outcomes = []
    for org, _, _, _, rid in digest_rows():
        with tenancy.tenant_context(org):
            outcomes.append(reminder_deliver(organization_id=org, reminder_id=rid))
    return outcomes


@pytest.mark.django_db
def test_digest_lists_visible_new_notes_once(employee, teammate, stranger, outsider):
    globex = company(employee, "Globex")
    other = company(outsider, "Globex")
    with tenancy.tenant_context(employee.organization_id):
        services.follow_set(by=stranger, following=True, company=globex)
        services.follow_set(by=teammate, following=True, tag=services.tag_resolve(by=teammate, name="pricing"))
    with tenancy.tenant_context(outsider.organization_id):
        services.follow_set(by=outsider, following=True, company=other)
    note(employee, title="Globex shared news", companies=[globex], tags=["pricing"])
    note(employee, title="Globex private musing", companies=[globex], visibility="private")
    note(employee, title="Globex team-only detail", companies=[globex], tags=["pricing"], visibility="team")

    assert digests.sweep(now=NEXT_WEEK) == 2
    assert digests.sweep(now=NEXT_WEEK + timedelta(hours=5)) == 0  # same week: nothing more
    assert deliver_all() == ["sent", "sent"]
    by_address = {m.to[0]: m for m in sent_mail()}
    assert set(by_address) == {stranger.user.email, teammate.user.email}
    assert "Globex shared news" in by_address[stranger.user.email].body
    assert "team-only" not in by_address[stranger.user.email].body  # another team's note
    assert "team-only" in by_address[teammate.user.email].body
    assert all("private musing" not in m.body for m in sent_mail())
    assert deliver_all() == ["already-sent", "already-sent"]  # a redelivery sends nothing new
    assert len(sent_mail()) == 2


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_is_new(employee, stranger):
    globex = company(employee, "Globex")
    with tenancy.tenant_context(employee.organization_id):
        services.follow_set(by=stranger, following=True, company=globex)
    note(stranger, title="My own Globex note", companies=[globex])  # one's own note is not news
    note(employee, title="Elsewhere", body="Not about Globex")
    assert digests.sweep(now=NEXT_WEEK) == 0
    assert digests.sweep(now=NEXT_WEEK + timedelta(days=7)) == 0  # last week's notes are old news
    assert digest_rows() == [] and sent_mail() == []


@pytest.mark.django_db
def test_a_claimed_digest_whose_notes_became_invisible_is_skipped(employee, stranger):
    globex = company(employee, "Globex")
    with tenancy.tenant_context(employee.organization_id):
        services.follow_set(by=stranger, following=True, company=globex)
    made = note(employee, title="Globex news", companies=[globex])
    assert digests.sweep(now=NEXT_WEEK) == 1
    with tenancy.tenant_context(employee.organization_id):
        services.intel_note_update(by=employee, note=made, data={"visibility": "private"})
    assert deliver_all() == ["skipped"]
    assert sent_mail() == []


def test_the_beat_task_through_a_real_worker_sends_one_digest(worker, org, employee, stranger):
    from network_intel.tasks import sweep_intel_digests
    from tests.conftest import wait_for

    globex = company(employee, "Globex")
    with tenancy.tenant_context(org.pk):
        services.follow_set(by=stranger, following=True, company=globex)
    note(employee, title="Globex news", companies=[globex])
    for _ in range(2):
        sweep_intel_digests.delay(now=NEXT_WEEK.isoformat())
    wait_for(lambda: [row[3] for row in digest_rows()] == ["sent"])
    assert [m.to for m in sent_mail()] == [[stranger.user.email]]
    assert "Globex news" in sent_mail()[0].body
