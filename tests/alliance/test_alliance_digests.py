"""The weekly alliance digest: Monday in each person's time zone, exactly once a week per person and kind,
a manager's to-do and team, HR's figures that moved, and a one-click unsubscribe per kind."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from alliance import digests, tenancy
from alliance.models import Reminder
from alliance.reminders import reminder_deliver
from tests.alliance import health_world
from tests.helpers import sent_mail

pytestmark = pytest.mark.django_db

MONDAY_8_UTC = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)


def ledger() -> list[tuple]:
    with tenancy.cross_tenant(reason="test: read the ledger"):
        return sorted(Reminder.objects.filter(kind__startswith="alliance_digest").values_list(
            "organization_id", "recipient_id", "kind", "window", "status", "id"))


def deliver_all() -> list[str]:
    outcomes = []
    for org, _, _, _, _, reminder_id in ledger():
        with tenancy.tenant_context(org):
            outcomes.append(reminder_deliver(organization_id=org, reminder_id=reminder_id))
    return outcomes


@pytest.fixture
def world(org, admin, hr, manager):
    return health_world.build(org, admin, hr, manager)


def test_sent_once_a_week_to_managers_and_hr(world, admin, hr):
    # M and M2 manage people; the admin manages M (and reads the organization); HR reads the organization.
    assert digests.sweep(now=MONDAY_8_UTC) == 5
    assert digests.sweep(now=MONDAY_8_UTC + timedelta(hours=1)) == 0  # the same week: nothing more
    assert digests.sweep(now=MONDAY_8_UTC + timedelta(days=3)) == 0
    kinds = {(recipient, kind) for _, recipient, kind, _, _, _ in ledger()}
    assert kinds == {(world.manager.pk, digests.MANAGER_DIGEST), (world.manager2.pk, digests.MANAGER_DIGEST),
                     (admin.pk, digests.MANAGER_DIGEST), (admin.pk, digests.HR_DIGEST),
                     (hr.pk, digests.HR_DIGEST)}
    assert {window for *_, window, _, _ in ledger()} == {"2026-W51"}
    assert deliver_all() == ["sent"] * 5
    assert deliver_all() == ["already-sent"] * 5  # a redelivery sends nothing
    mail = {(m.to[0], m.subject): m for m in sent_mail()}
    assert len(mail) == 5
    to_manager = next(m for (to, _), m in mail.items() if to == world.manager.user.email)
    assert "Checkpoints to hold" in to_manager.body and "Departures in your team" in to_manager.body
    assert "/email/unsubscribe/" in to_manager.body
    to_hr = next(m for (to, _), m in mail.items() if to == hr.user.email)
    assert "THE FIGURES THAT MOVED" in to_hr.body
    assert digests.sweep(now=MONDAY_8_UTC + timedelta(days=7)) == 5  # next week, again once each


def test_monday_in_the_recipients_time_zone(world, hr):
    user = world.manager.user
    user.time_zone = "America/Los_Angeles"  # Monday 08:00 UTC is midnight there: not yet
    user.save(update_fields=["time_zone"])
    digests.sweep(now=MONDAY_8_UTC)
    assert world.manager.pk not in {recipient for _, recipient, *_ in ledger()}
    assert digests.sweep(now=MONDAY_8_UTC + timedelta(hours=8)) == 1  # 08:00 in Los Angeles
    assert world.manager.pk in {recipient for _, recipient, *_ in ledger()}


def test_one_click_unsubscribe_per_kind(world, hr):
    digests.sweep(now=MONDAY_8_UTC)
    deliver_all()
    to_hr = next(m for m in sent_mail() if m.to == [hr.user.email])
    link = re.search(r"(/email/unsubscribe/[^/\s]+/)", to_hr.body).group(1)
    anonymous = Client()
    assert anonymous.get(link).status_code == 200
    assert anonymous.post(link).status_code == 200
    assert anonymous.get("/email/unsubscribe/forged-token/").status_code == 404
    from alliance.notifications import channel_for

    with tenancy.tenant_context(hr.organization_id):
        assert channel_for(member=hr, kind=digests.HR_DIGEST) == "off"
        assert channel_for(member=hr, kind=digests.MANAGER_DIGEST) == "email"  # only that kind
    digests.sweep(now=MONDAY_8_UTC + timedelta(days=7))
    before = len(sent_mail())
    deliver_all()
    assert not [m for m in sent_mail()[before:] if m.to == [hr.user.email]]


def _kept(org_id: int, scope: str) -> dict:
    from alliance.models import HealthWeek

    with tenancy.tenant_context(org_id):
        return {(week, figure): value for week, figure, value in HealthWeek.objects.for_org(org_id).filter(
            scope=scope).values_list("week", "figure", "value")}


def test_what_moved_compares_with_the_figures_kept_last_week(world, org, admin, hr):
    from django.db.models import F
    from django.utils import timezone

    from alliance.models import HealthWeek

    monday = digests.week_of(timezone.localdate())
    digests.sweep(now=MONDAY_8_UTC)
    deliver_all()
    # The first digest keeps the week's headlines (the hand count of tests/alliance/health_world.py) and has
    # nothing to compare with yet.
    kept = _kept(org.pk, HealthWeek.ORGANIZATION)
    assert kept[(monday, "coverage")] == 33.3 and kept[(monday, "at_risk")] == 3 and kept[(monday, "attrition")] == 2
    assert {week for week, _ in kept} == {monday}  # HR and the administrator: one snapshot of the organization
    assert _kept(org.pk, HealthWeek.team_scope(world.manager.pk))[(monday, "coverage")] == 50.0
    to_hr = next(m for m in sent_mail() if m.to == [hr.user.email])
    assert "first week whose figures are kept" in to_hr.body
    # A week later: what was kept becomes last week's; coverage then was 50 %, the at-risk count was not kept.
    with tenancy.tenant_context(org.pk):
        rows = HealthWeek.objects.for_org(org.pk)
        rows.update(week=F("week") - timedelta(days=7))
        rows.filter(scope=HealthWeek.ORGANIZATION, figure="coverage").update(value=50.0)
        rows.filter(scope=HealthWeek.ORGANIZATION, figure="at_risk").delete()
    before = len(sent_mail())
    digests.sweep(now=MONDAY_8_UTC + timedelta(days=7))
    deliver_all()
    to_hr = next(m for m in sent_mail()[before:] if m.to == [hr.user.email])
    assert "Coverage (%): 50 → 33.3 (−16.7)" in to_hr.body
    assert "Members at risk" not in to_hr.body  # not kept last week: not compared
    assert "Exits:" not in to_hr.body  # unchanged
    # This week's figures were kept anew, beside last week's.
    assert (monday, "coverage") in _kept(org.pk, HealthWeek.ORGANIZATION)
    assert (monday - timedelta(days=7), "coverage") in _kept(org.pk, HealthWeek.ORGANIZATION)


def test_a_kept_week_is_written_once(world, org, hr):
    from django.utils import timezone

    from alliance import health
    from alliance.models import HealthWeek
    from alliance.services import health_week_record

    monday = digests.week_of(timezone.localdate())
    with tenancy.tenant_context(org.pk):
        scope = health.health_scope(viewer=hr)
        figures = health.health_figures_for(scope)
        health_week_record(organization_id=org.pk, scope=HealthWeek.ORGANIZATION, week=monday, figures=figures)
        figures[0].headline = 99.0
        health_week_record(organization_id=org.pk, scope=HealthWeek.ORGANIZATION, week=monday, figures=figures)
        with pytest.raises(ValueError):
            health_week_record(organization_id=org.pk, scope=HealthWeek.ORGANIZATION,
                               week=monday + timedelta(days=1), figures=figures)
    kept = _kept(org.pk, HealthWeek.ORGANIZATION)
    assert kept[(monday, figures[0].key)] == 33.3  # the first write stays
    assert len(kept) == len([figure for figure in figures if figure.headline_label])
