"""Every event of the catalog, sent by the apps' own services, reaches a real receiver at least once, signed;
none reaches another organization's endpoint; events carry no private note and no HR exit note."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alliance import tenancy
from alliance.services import invitation_accept, membership_update
from alliance.webhooks import services as webhook_services
from alliance.webhooks.delivery import webhooks_dispatch
from alumni import services as alumni_services
from network_intel import services as fund_services
from tests.alliance.factories import MembershipFactory, make_invitation
from tests.alliance.test_webhook_apis import CATALOG
from tests.alliance.webhook_receiver import Receiver
from tests.alumni.network import set_level
from tests.network_intel.fund_factories import expense, joined_long_ago, policy
from tests.tours.factories import started
from tours import services as tour_services

POLICY = {"referral_bonus_for": "everyone", "referral_bonus_amount": Decimal("1000"), "lead_bonus_for": "alumni",
          "lead_bonus_amount": Decimal("250"), "bonus_currency": "EUR"}


def _subscribe(admin, receiver) -> None:
    with tenancy.tenant_context(admin.organization_id):
        _endpoint, secret = webhook_services.webhook_endpoint_create(by=admin, url=receiver.url,
                                                                     event_types=sorted(CATALOG))
    receiver.secrets.append(secret)


def _tours(org, manager, employee) -> None:
    today = timezone.localdate()
    with tenancy.tenant_context(org.pk):
        tour = tour_services.tour_create(
            by=manager, employee=employee, kind="transformational", title="Own the robot fleet",
            mission="Make fleet updates boring.", company_objectives="Zero-downtime updates.",
            employee_benefits="Lead a team of four.", start_date=today, end_date=today + timedelta(days=3 * 365))
        tour_services.tour_propose(tour=tour, by=manager)
        tour_services.tour_accept(tour=tour, by=employee)
        checkpoint = tour_services.checkpoint_schedule(tour=tour, by=manager,
                                                       scheduled_at=timezone.now() + timedelta(days=3, hours=2))
        tour_services.private_note_save(checkpoint=checkpoint, by=manager, body="Private: worried about burnout")
        tour_services.checkpoint_reschedule(checkpoint=checkpoint, by=manager,
                                            scheduled_at=timezone.now() + timedelta(days=4, hours=2))
    checkpoint = started(checkpoint)
    with tenancy.tenant_context(org.pk):
        tour_services.checkpoint_record_outcome(checkpoint=checkpoint, by=manager, progress="on_track",
                                                manager_notes="Good progress.")
        amendment = tour_services.amendment_propose(tour=tour, by=manager, data={"title": "Own the whole fleet"},
                                                    reason="Bigger scope")
        tour_services.amendment_accept(amendment=amendment, by=employee)
        tour_services.first_conversation_grant(tour=tour, by=employee)
        tour_services.first_conversation_exercise(tour=tour, by=employee, note="Thinking ahead")
        tour_services.tour_record_next_plan(tour=tour, by=manager, plan="new_internal_tour")
        tour_services.tour_end_early(tour=tour, by=manager, reason="Reorganized")


def _fund(org, hr, manager, employee) -> None:
    policy(hr)
    joined_long_ago(employee)
    approved = expense(employee, submit=True)
    refused = expense(employee, submit=True, merchant="Other cafe")
    with tenancy.tenant_context(org.pk):
        fund_services.expense_approve(by=manager, expense=approved)
        fund_services.expense_refuse(by=manager, expense=refused, reason="Not a networking meeting")
        fund_services.expense_write_note(by=employee, expense=approved, title="Met a founder", body="Robots.")
        fund_services.expense_reimburse(by=hr, expense=approved)


def _alumni(org, admin, hr, employee, leaver) -> None:
    set_level(admin, "invest", **POLICY)
    joined_long_ago(leaver)
    hr.organization = org
    with tenancy.tenant_context(org.pk):
        process = alumni_services.exit_start(by=hr, member=leaver, kind="resignation",
                                             last_working_day=timezone.localdate() - timedelta(days=1),
                                             initiated_by="employee", hr_note="Confidential: salary dispute")
        assert alumni_services.exit_finish(organization_id=org.pk, process_id=process.pk)
        referral = alumni_services.referral_create(by=employee, candidate_name="Bo Friend",
                                                   candidate_email="bo@friend.test", role="Engineer",
                                                   why="The best robot arm I know.")
        for status in ("in_process", "hired"):
            alumni_services.referral_set_status(referral=referral, by=hr, status=status)
        alumni_services.lead_create(by=employee, company="Robo Inc", contact_name="Cy", need="Robots")


def _members(org, admin, employee) -> None:
    invitation, _link = make_invitation(admin, email="newcomer@acme.test")
    with tenancy.tenant_context(org.pk):
        invitation_accept(invitation=invitation, user=None, full_name="Nia New", password="a-long-password-1")
        employee.refresh_from_db()
        membership_update(membership=employee, by=admin, role=employee.role, manager=employee.manager,
                          title="Staff engineer", team=employee.team)


def test_every_event_reaches_the_receiver_signed_and_none_another_organization(
        org, admin, hr, manager, employee, outsider):
    ours, theirs = Receiver().start(), Receiver().start()
    try:
        _subscribe(admin, ours)
        _subscribe(outsider, theirs)
        _tours(org, manager, employee)
        _fund(org, hr, manager, employee)
        leaver = MembershipFactory(organization=org, manager=manager, user__email="leaver@acme.test")
        _alumni(org, admin, hr, employee, leaver)
        _members(org, admin, employee)
        while webhooks_dispatch()[0]:
            pass
        assert set(ours.types()) == CATALOG, CATALOG - set(ours.types())
        assert theirs.received == []
        assert all(item.verified_with == ours.secrets for item in ours.received)
        assert {event["organization"] for event in ours.events()} == {"acme"}
        bodies = b"".join(item.body for item in ours.received).decode()
        assert "burnout" not in bodies and "salary dispute" not in bodies and "private_note" not in bodies
        by_type = {event["type"]: event for event in ours.events()}
        assert by_type["tour.ended"]["data"]["status"] == "ended_early"
        assert by_type["expense.reimbursed"]["data"]["state"] == "reimbursed"
        assert by_type["alumnus.joined"]["data"]["status"] == "alumnus"
        assert by_type["checkpoint.held"]["data"]["manager_notes"] == "Good progress."
    finally:
        ours.stop()
        theirs.stop()
