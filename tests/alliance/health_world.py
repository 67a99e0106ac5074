"""A small organization whose health figures are counted by hand (see the comments beside each row).

People (team, manager):
    admin (Platform), hr (Platform, reports to admin), manager M (Platform, reports to admin),
    e1 (Platform, M), e2 (Platform, M), e3 (Data, M), M2 (Data, manager role, reports to M),
    e4 (Data, M2); leavers e5 (Platform, M: resigned, regretted, had a first conversation) and
    e6 (Data, M2: end of tour, exit still in progress, no first conversation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, MembershipChange
from alumni.models import ExitProcess
from network_intel.models import Expense, FundPolicy, IntelNote, IntroductionRequest
from network_intel.models.companies import Company
from network_intel.models.contacts import Contact
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import CheckpointFactory, TourFactory
from tours.models import Checkpoint, FirstConversation, Tour, TourAmendment


@dataclass
class World:
    manager: Membership
    manager2: Membership
    e1: Membership
    e2: Membership
    e3: Membership
    e4: Membership
    e5: Membership
    e6: Membership
    tour1: Tour
    tour2: Tour
    tour4: Tour


def build(org, admin, hr, manager) -> World:
    today, now = timezone.localdate(), timezone.now()
    e1 = MembershipFactory(organization=org, manager=manager, team="Platform")
    e2 = MembershipFactory(organization=org, manager=manager, team="Platform")
    e3 = MembershipFactory(organization=org, manager=manager, team="Data")
    m2 = MembershipFactory(organization=org, manager=manager, team="Data", role=Membership.Role.MANAGER)
    e4 = MembershipFactory(organization=org, manager=m2, team="Data")
    e5 = MembershipFactory(organization=org, manager=manager, team="Platform", status=Membership.Status.FORMER,
                           employment_started_on=today - timedelta(days=730))
    e6 = MembershipFactory(organization=org, manager=m2, team="Data",
                           employment_started_on=today - timedelta(days=400))
    # e6 is still employed while the exit is under way: an active member with no tour.
    active = Tour.Status.ACTIVE
    # e1: ends in 30 days without a plan, no checkpoint held for 400 days (cadence 6): at risk twice.
    tour1 = TourFactory(employee=e1, manager=manager, status=active, start_date=today - timedelta(days=400),
                        end_date=today + timedelta(days=30))
    # e2: a fresh tour, a checkpoint held 10 days ago, the right of first conversation granted and used.
    tour2 = TourFactory(employee=e2, manager=manager, status=active, start_date=today - timedelta(days=30),
                        first_conversation_granted_on=today - timedelta(days=25))
    # e3: only a draft, 40 days old (stale).
    draft = TourFactory(employee=e3, manager=manager, status=Tour.Status.DRAFT)
    # e4: ends in 80 days with a plan; their manager changed during the tour.
    tour4 = TourFactory(employee=e4, manager=m2, status=active, start_date=today - timedelta(days=100),
                        end_date=today + timedelta(days=80), next_tour_plan=Tour.NextPlan.NEW_INTERNAL_TOUR)
    # e5: a past tour with a first conversation before leaving.
    tour5 = TourFactory(employee=e5, manager=manager, status=Tour.Status.COMPLETED,
                        start_date=today - timedelta(days=700), end_date=today - timedelta(days=20))
    with tenancy.tenant_context(org.pk):
        Tour.objects.filter(pk=draft.pk).update(created_at=now - timedelta(days=40))
        held = CheckpointFactory(tour=tour2, scheduled_at=now - timedelta(days=10), status=Checkpoint.Status.COMPLETED)
        Checkpoint.objects.filter(pk=held.pk).update(completed_at=now - timedelta(days=10))
    CheckpointFactory(tour=tour1, scheduled_at=now - timedelta(days=5))  # overdue (M)
    CheckpointFactory(tour=tour4, scheduled_at=now + timedelta(days=20))  # still to come
    CheckpointFactory(tour=tour4, scheduled_at=now - timedelta(days=40), status=Checkpoint.Status.MISSED)
    old = CheckpointFactory(tour=tour4, scheduled_at=now - timedelta(days=200), status=Checkpoint.Status.COMPLETED)
    with tenancy.tenant_context(org.pk):
        Checkpoint.objects.filter(pk=old.pk).update(completed_at=now - timedelta(days=200))
        FirstConversation.objects.create(organization=org, tour=tour2, exercised_at=now - timedelta(days=20),
                                         outcome=FirstConversation.Outcome.STAYED,
                                         outcome_recorded_at=now - timedelta(days=15))
        FirstConversation.objects.create(organization=org, tour=tour5, exercised_at=now - timedelta(days=200),
                                         outcome=FirstConversation.Outcome.SUPPORTED_MOVE_OUTSIDE,
                                         outcome_recorded_at=now - timedelta(days=190))
        amendment = TourAmendment.objects.create(organization=org, tour=tour2, proposed_by=manager,
                                                 changes={"title": "New"}, diff={})
        TourAmendment.objects.filter(pk=amendment.pk).update(created_at=now - timedelta(days=10))
        MembershipChange.objects.create(organization=org, membership=e4, by=hr, field=MembershipChange.Field.MANAGER,
                                        old_value="Someone", new_value="M2")
        ExitProcess.objects.create(organization=org, member=e5, kind="resignation", initiated_by="employee",
                                   last_working_day=today - timedelta(days=20), state="completed", regretted=True,
                                   rehire="eligible", outcome="former")
        ExitProcess.objects.create(organization=org, member=e6, kind="end_of_tour", initiated_by="both",
                                   last_working_day=today - timedelta(days=5), regretted=False)
        FundPolicy.objects.create(organization=org, amount=Decimal("100.00"), period="quarter")
        note = IntelNote.objects.create(organization=org, author=e1, title="Globex hires", body="Ten engineers.")
        IntelNote.objects.create(organization=org, author=e1, title="Initech moves", body="To Austin.")
        IntelNote.objects.create(organization=org, author=e4, title="Hooli", body="New CEO.")
        for member, amount, linked in ((e1, "50.00", note), (e2, "30.00", None)):
            Expense.objects.create(organization=org, member=member, spent_on=today, merchant="Café",
                                   amount=Decimal(amount), currency="USD", exchange_rate=Decimal("1"), rate_on=today,
                                   amount_org=Decimal(amount), org_currency="USD", purpose="Coffee",
                                   state=Expense.State.APPROVED, note=linked)
        Expense.objects.create(organization=org, member=e4, spent_on=today, merchant="Bistro",
                               amount=Decimal("20.00"), currency="USD", exchange_rate=Decimal("1"), rate_on=today,
                               amount_org=Decimal("20.00"), org_currency="USD", purpose="Lunch",
                               state=Expense.State.SUBMITTED, submitted_at=now)
        company = Company.objects.create(organization=org, name="Globex", name_key="globex")
        contact = Contact.objects.create(organization=org, owner=e2, name="Jane", company=company)
        IntroductionRequest.objects.create(organization=org, requester=e1, introducer=e2, contact=contact,
                                           message="Please", status="accepted")
    return World(manager=manager, manager2=m2, e1=e1, e2=e2, e3=e3, e4=e4, e5=e5, e6=e6, tour1=tour1, tour2=tour2,
                 tour4=tour4)
