from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance import services as core_services
from alliance.errors import ApplicationError
from alliance.tenancy import tenant_context
from tests.alliance.factories import MembershipFactory
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory
from tours import services
from tours.models import ActionItem, AgendaItem, Checkpoint, FirstConversation, Tour, TourRevision


@pytest.fixture
def tenant(org):
    """Run the test body inside the organization's tenant, as a request would."""
    with tenant_context(org.pk):
        yield org


def draft(**overrides):
    today = timezone.localdate()
    terms = dict(
        kind=Tour.Kind.TRANSFORMATIONAL, title="Own the robot fleet", mission="Make fleet updates boring.",
        company_objectives="Zero-downtime updates.", employee_benefits="Lead a team of four.",
        start_date=today, end_date=today + timedelta(days=3 * 365),
    )
    terms.update(overrides)
    return terms


# --- Lifecycle -----------------------------------------------------------------


def test_manager_drafts_proposes_and_employee_accepts(tenant, manager, employee):
    tour = services.tour_create(by=manager, employee=employee, **draft())
    assert (tour.status, tour.manager, tour.created_by) == ("draft", manager, manager)
    services.tour_propose(tour=tour, by=manager)
    services.tour_accept(tour=tour, by=employee)
    tour.refresh_from_db()
    assert tour.status == Tour.Status.ACTIVE and tour.accepted_at and tour.proposed_at
    actions = list(TourRevision.objects.filter(tour=tour).order_by("created_at", "id").values_list("action", "by"))
    assert actions == [("created", manager.pk), ("proposed", manager.pk), ("accepted", employee.pk)]


def test_employee_asks_for_changes_with_a_comment_and_the_tour_returns_to_draft(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="proposed")
    with pytest.raises(ApplicationError) as error:
        services.tour_request_changes(tour=tour, by=employee, comment="  ")
    assert "comment" in error.value.field_errors
    services.tour_request_changes(tour=tour, by=employee, comment="Add a conference budget.")
    tour.refresh_from_db()
    assert (tour.status, tour.changes_requested) == ("draft", "Add a conference budget.")
    services.tour_propose(tour=tour, by=manager)
    tour.refresh_from_db()
    assert (tour.status, tour.changes_requested) == ("proposed", "")


@pytest.mark.parametrize(
    ("status", "action"),
    [("draft", "accept"), ("active", "propose"), ("completed", "accept"), ("cancelled", "propose"),
     ("draft", "complete"), ("proposed", "end_early")],
)
def test_illegal_transitions_are_refused_with_a_clear_message(tenant, manager, employee, status, action):
    tour = TourFactory(employee=employee, manager=manager, status=status)
    actor = employee if action == "accept" else manager
    call = {
        "accept": lambda: services.tour_accept(tour=tour, by=actor),
        "propose": lambda: services.tour_propose(tour=tour, by=actor),
        "complete": lambda: services.tour_complete(tour=tour, by=actor),
        "end_early": lambda: services.tour_end_early(tour=tour, by=actor, reason="Moving on."),
    }[action]
    with pytest.raises(ApplicationError, match=f"This tour is {Tour.Status(status).label.lower()}"):
        call()
    tour.refresh_from_db()
    assert tour.status == status


def test_only_the_employee_accepts_and_only_the_manager_side_proposes(tenant, manager, employee, hr, colleague):
    tour = TourFactory(employee=employee, manager=manager, status="proposed")
    for someone in (manager, hr, colleague):
        with pytest.raises(ApplicationError, match="Only"):
            services.tour_accept(tour=tour, by=someone)
    draft_tour = TourFactory(employee=employee, manager=manager, status="draft")
    for someone in (employee, colleague):
        with pytest.raises(ApplicationError, match="Only the tour's manager or HR"):
            services.tour_propose(tour=draft_tour, by=someone)
    services.tour_propose(tour=draft_tour, by=hr)  # HR may act for the manager


def test_managers_draft_only_for_their_direct_reports(tenant, other_manager, employee, hr):
    with pytest.raises(ApplicationError, match="direct reports") as error:
        services.tour_create(by=other_manager, employee=employee, **draft())
    assert "employee" in error.value.field_errors
    assert services.tour_create(by=hr, employee=employee, **draft()).manager == employee.manager


def test_end_date_is_required_except_for_foundational_tours(tenant, manager, employee):
    with pytest.raises(ApplicationError) as error:
        services.tour_create(by=manager, employee=employee, **draft(end_date=None))
    assert "end_date" in error.value.field_errors
    tour = services.tour_create(by=manager, employee=employee, **draft(kind="foundational", end_date=None))
    assert tour.end_date is None
    assert Tour.objects.count() == 1


def test_end_must_follow_start(tenant, manager, employee):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as error:
        services.tour_create(by=manager, employee=employee, **draft(start_date=today, end_date=today))
    assert "end_date" in error.value.field_errors


def test_one_active_tour_per_employee_is_a_database_constraint(tenant, manager, employee):
    TourFactory(employee=employee, manager=manager, status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        TourFactory(employee=employee, manager=manager, status="active")


def test_accepting_a_second_tour_while_one_is_active_is_refused(tenant, manager, employee):
    TourFactory(employee=employee, manager=manager, status="active", title="Current")
    proposed = TourFactory(employee=employee, manager=manager, status="proposed")
    with pytest.raises(ApplicationError, match="already have an active tour"):
        services.tour_accept(tour=proposed, by=employee)
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_completing_before_the_end_date_is_refused_but_ending_early_works(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    future = CheckpointFactory(tour=tour)
    with pytest.raises(ApplicationError, match="end it early"):
        services.tour_complete(tour=tour, by=manager)
    with pytest.raises(ApplicationError) as error:
        services.tour_end_early(tour=tour, by=manager, reason="")
    assert "reason" in error.value.field_errors
    services.tour_end_early(tour=tour, by=manager, reason="Joined another team.")
    tour.refresh_from_db()
    future.refresh_from_db()
    assert (tour.status, tour.closing_note) == ("ended_early", "Joined another team.")
    assert (future.status, future.sequence) == ("cancelled", 1)


def test_completing_an_ended_tour(tenant, manager, employee):
    today = timezone.localdate()
    tour = TourFactory(employee=employee, manager=manager, status="active",
                       start_date=today - timedelta(days=800), end_date=today - timedelta(days=1))
    services.tour_complete(tour=tour, by=manager, note="Shipped it.")
    tour.refresh_from_db()
    assert tour.status == "completed" and tour.closed_at


def test_duration_warnings_advise_without_blocking(tenant, manager, employee):
    today = timezone.localdate()
    short = services.tour_create(by=manager, employee=employee, **draft(end_date=today + timedelta(days=365)))
    assert "2–5 years" in short.duration_warnings[0]
    rotational = services.tour_create(by=manager, employee=employee,
                                      **draft(kind="rotational", end_date=today + timedelta(days=1000)))
    assert "at most 2 years" in rotational.duration_warnings[0]
    normal = services.tour_create(by=manager, employee=employee, **draft())
    assert normal.duration_warnings == []


# --- History -------------------------------------------------------------------


def test_amendments_keep_who_when_and_what(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="proposed", title="Old title")
    services.tour_update(tour=tour, by=manager, data={"title": "New title", "cadence_months": 3,
                                                      "mission": tour.mission}, comment="After our chat")
    revision = TourRevision.objects.get(tour=tour, action="amended")
    assert revision.by == manager and revision.comment == "After our chat"
    assert revision.changes == {
        "title": {"label": "Title", "from": "Old title", "to": "New title"},
        "cadence_months": {"label": "Checkpoint every (months)", "from": "6", "to": "3"},
    }
    # Nothing changed: no empty revision.
    services.tour_update(tour=tour, by=manager, data={"title": "New title"})
    assert TourRevision.objects.filter(tour=tour, action="amended").count() == 1


def test_amending_a_closed_tour_or_bad_terms_changes_nothing(tenant, manager, employee):
    closed = TourFactory(employee=employee, manager=manager, status="completed")
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        services.tour_update(tour=closed, by=manager, data={"title": "x"})
    tour = TourFactory(employee=employee, manager=manager, status="draft")
    with pytest.raises(ApplicationError):
        services.tour_update(tour=tour, by=manager, data={"title": "Fine", "end_date": tour.start_date})
    tour.refresh_from_db()
    assert tour.title != "Fine"
    assert not TourRevision.objects.filter(tour=tour).exists()


# --- Checkpoints: cadence, schedule, carry-over ------------------------------------


def test_creating_a_tour_proposes_the_checkpoint_series_from_its_cadence(tenant, manager, employee):
    today = timezone.localdate()
    tour = services.tour_create(by=manager, employee=employee,
                                **draft(start_date=today, end_date=today + timedelta(days=730), cadence_months=6))
    checkpoints = list(Checkpoint.objects.filter(tour=tour))
    assert len(checkpoints) == 3  # months 6, 12 and 18 of a two-year tour
    assert all(not cp.confirmed and cp.status == "scheduled" for cp in checkpoints)
    # On the cadence, moved off a weekend: a Saturday to the Friday before, a Sunday to the Monday after.
    shift = {5: -1, 6: 1}
    expected = [services.add_months(today, months) for months in (6, 12, 18)]
    assert [cp.scheduled_at.date() for cp in checkpoints] == [
        day + timedelta(days=shift.get(day.weekday(), 0)) for day in expected
    ]


def test_changing_the_cadence_replans_only_untouched_proposals(tenant, manager, employee):
    today = timezone.localdate()
    tour = services.tour_create(by=manager, employee=employee,
                                **draft(start_date=today, end_date=today + timedelta(days=730), cadence_months=6))
    first = Checkpoint.objects.filter(tour=tour).first()
    AgendaItemFactory(checkpoint=first, text="Keep me")
    services.tour_update(tour=tour, by=manager, data={"cadence_months": 4})
    remaining = list(Checkpoint.objects.filter(tour=tour).order_by("scheduled_at"))
    assert first in remaining
    replanned = [cp.scheduled_at for cp in remaining if cp != first]
    expected = [services.add_months(today, months) for months in (4, 8, 12, 16, 20)]
    # Each on the cadence, or the nearest working day when that falls on a weekend.
    assert [when.date() for when in replanned] == [
        services.on_a_working_day(cp.scheduled_at.replace(year=d.year, month=d.month, day=d.day), tour=tour).date()
        for cp, d in zip([c for c in remaining if c != first], expected, strict=True)
    ]
    assert all(timezone.localtime(when).weekday() < 5 for when in replanned)
    assert AgendaItem.objects.filter(checkpoint=first).exists()


def test_foundational_tours_get_two_years_of_checkpoints(tenant, manager, employee):
    tour = services.tour_create(by=manager, employee=employee,
                                **draft(kind="foundational", end_date=None, cadence_months=6))
    assert Checkpoint.objects.filter(tour=tour).count() == 3


def test_schedule_reschedule_and_cancel_keep_the_calendar_identity(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    when = timezone.now() + timedelta(days=3)
    checkpoint = services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=when, location="Room 4")
    uid = checkpoint.uid
    assert (checkpoint.sequence, checkpoint.confirmed) == (0, True)
    services.checkpoint_reschedule(checkpoint=checkpoint, by=manager, scheduled_at=when + timedelta(days=1))
    services.checkpoint_cancel(checkpoint=checkpoint, by=manager)
    checkpoint.refresh_from_db()
    assert (checkpoint.uid, checkpoint.sequence, checkpoint.status) == (uid, 2, "cancelled")
    with pytest.raises(ApplicationError, match="only a scheduled one can be moved"):
        services.checkpoint_reschedule(checkpoint=checkpoint, by=manager, scheduled_at=when)


def test_scheduling_in_the_past_or_by_the_employee_is_refused(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    with pytest.raises(ApplicationError) as error:
        services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=timezone.now() - timedelta(days=1))
    assert "scheduled_at" in error.value.field_errors
    with pytest.raises(ApplicationError, match="Only the tour's manager"):
        services.checkpoint_schedule(tour=tour, by=employee, scheduled_at=timezone.now() + timedelta(days=1))
    assert not Checkpoint.objects.filter(tour=tour).exists()


def test_unfinished_agenda_and_open_action_items_carry_over(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    first = CheckpointFactory(tour=tour, scheduled_at=timezone.now() + timedelta(days=1))
    second = CheckpointFactory(tour=tour, scheduled_at=timezone.now() + timedelta(days=60))
    Checkpoint.objects.filter(pk=first.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
    first.refresh_from_db()  # the conversation took place: its outcome can be recorded
    discussed = services.agenda_item_add(checkpoint=first, by=employee, text="Conference budget")
    services.agenda_item_add(checkpoint=first, by=manager, text="Team growth")
    services.checkpoint_record_outcome(
        checkpoint=first, by=manager, progress="on_track", manager_notes="Good half.",
        discussed_item_ids=[discussed.pk],
        new_action_items=[{"text": "Book the conference", "owner": employee.pk},
                          {"text": "Find a mentor", "owner": manager.pk}],
    )
    mentor = ActionItem.objects.get(checkpoint=first, text="Find a mentor")
    services.action_item_set_done(item=mentor, by=employee, done=True)  # the carried copy follows
    # Carrying over again (e.g. after another change) never duplicates anything.
    services._carry_over(tour)
    agenda = list(AgendaItem.objects.filter(checkpoint=second).values_list("text", "carried_from__checkpoint"))
    actions = list(ActionItem.objects.filter(checkpoint=second, done=False).values_list("text", "owner"))
    assert agenda == [("Team growth", first.pk)]
    assert actions == [("Book the conference", employee.pk)]
    first.refresh_from_db()
    assert (first.status, first.progress) == ("completed", "on_track")


def test_cancelled_checkpoint_carries_its_agenda_to_the_next_and_new_checkpoint_picks_up(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    only = CheckpointFactory(tour=tour)
    services.agenda_item_add(checkpoint=only, by=employee, text="Promotion path")
    services.checkpoint_cancel(checkpoint=only, by=manager)
    later = services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=timezone.now() + timedelta(days=30))
    assert list(AgendaItem.objects.filter(checkpoint=later).values_list("text", flat=True)) == ["Promotion path"]


def test_record_outcome_needs_progress_and_valid_owners(tenant, manager, employee, colleague):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    checkpoint = CheckpointFactory(tour=tour, scheduled_at=timezone.now() - timedelta(minutes=30))
    with pytest.raises(ApplicationError) as error:
        services.checkpoint_record_outcome(checkpoint=checkpoint, by=manager, progress="great")
    assert "progress" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        services.checkpoint_record_outcome(checkpoint=checkpoint, by=manager, progress="on_track",
                                           new_action_items=[{"text": "x", "owner": colleague.pk}])
    assert "action_items" in error.value.field_errors
    checkpoint.refresh_from_db()
    assert checkpoint.status == "scheduled" and not ActionItem.objects.exists()


def test_missed_only_after_the_time_has_come(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    future = CheckpointFactory(tour=tour)
    with pytest.raises(ApplicationError, match="after its time"):
        services.checkpoint_mark_missed(checkpoint=future, by=manager)
    past = CheckpointFactory(tour=tour, scheduled_at=timezone.now() - timedelta(days=2))
    services.checkpoint_mark_missed(checkpoint=past, by=manager)
    past.refresh_from_db()
    assert past.status == "missed"


def test_each_side_writes_only_its_own_shared_notes(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    checkpoint = CheckpointFactory(tour=tour)
    services.checkpoint_update_notes(checkpoint=checkpoint, by=employee, employee_notes="My view")
    with pytest.raises(ApplicationError):
        services.checkpoint_update_notes(checkpoint=checkpoint, by=employee, manager_notes="Sneaky")
    with pytest.raises(ApplicationError):
        services.checkpoint_update_notes(checkpoint=checkpoint, by=manager, employee_notes="Sneaky")
    checkpoint.refresh_from_db()
    assert (checkpoint.employee_notes, checkpoint.manager_notes) == ("My view", "")


def test_private_notes_only_for_participants(tenant, manager, employee, hr):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    checkpoint = CheckpointFactory(tour=tour)
    services.private_note_save(checkpoint=checkpoint, by=employee, body="Nervous about the move")
    services.private_note_save(checkpoint=checkpoint, by=employee, body="Less nervous now")
    with pytest.raises(ApplicationError, match="take part"):
        services.private_note_save(checkpoint=checkpoint, by=hr, body="HR note")
    assert list(checkpoint.private_notes.values_list("author", "body")) == [(employee.pk, "Less nervous now")]


# --- Manager change ------------------------------------------------------------


def test_open_tours_and_future_checkpoints_follow_a_new_manager(tenant, admin, hr, manager, other_manager, employee):
    active = TourFactory(employee=employee, manager=manager, status="active")
    done = TourFactory(employee=employee, manager=manager, status="completed")
    future = CheckpointFactory(tour=active)
    core_services.membership_update(membership=employee, by=hr, role="employee", manager=other_manager,
                                    title="Engineer", team="Platform")
    active.refresh_from_db()
    done.refresh_from_db()
    future.refresh_from_db()
    assert active.manager == other_manager and done.manager == manager
    assert future.sequence == 1
    revision = TourRevision.objects.get(tour=active, action="manager_changed")
    assert revision.by == hr
    assert revision.changes["manager"]["from"] == manager.user.full_name
    assert revision.changes["manager"]["to"] == other_manager.user.full_name


# --- Right of first conversation and next tour --------------------------------------


def test_right_of_first_conversation_grant_exercise_and_outcome(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    with pytest.raises(ApplicationError, match="Grant"):
        services.first_conversation_exercise(tour=tour, by=employee)
    services.first_conversation_grant(tour=tour, by=employee)
    assert tour.first_conversation_granted_on == timezone.localdate()
    with pytest.raises(ApplicationError):
        services.first_conversation_grant(tour=tour, by=manager)
    conversation = services.first_conversation_exercise(tour=tour, by=employee, note="Thinking about product.")
    with pytest.raises(ApplicationError, match="exercised it already"):
        services.first_conversation_exercise(tour=tour, by=employee)
    with pytest.raises(ApplicationError):
        services.first_conversation_record_outcome(conversation=conversation, by=employee, outcome="stayed")
    services.first_conversation_record_outcome(conversation=conversation, by=manager,
                                               outcome="new_internal_tour", note="Drafting a PM tour.")
    conversation.refresh_from_db()
    assert (conversation.outcome, conversation.outcome_recorded_by) == ("new_internal_tour", manager)
    with pytest.raises(ApplicationError, match="recorded already"):
        services.first_conversation_record_outcome(conversation=conversation, by=manager, outcome="stayed")


def test_right_of_first_conversation_can_be_withdrawn(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    services.first_conversation_grant(tour=tour, by=employee)
    services.first_conversation_withdraw(tour=tour, by=employee)
    tour.refresh_from_db()
    assert tour.first_conversation_granted_on is None
    assert not FirstConversation.objects.exists()


def test_next_tour_conversation_due_from_the_lead_time_until_a_plan_is_recorded(tenant, manager, employee):
    today = timezone.localdate()
    tour = TourFactory(employee=employee, manager=manager, status="active",
                       start_date=today - timedelta(days=600), end_date=today + timedelta(days=100))
    assert tour.next_tour_conversation_due()
    assert not tour.next_tour_conversation_due(today=today - timedelta(days=200))
    services.tour_record_next_plan(tour=tour, by=manager, plan="undecided")
    assert tour.next_tour_conversation_due()
    services.tour_record_next_plan(tour=tour, by=manager, plan="new_internal_tour", notes="Team lead")
    assert not tour.next_tour_conversation_due()
    successor = services.tour_create(by=manager, employee=employee, previous_tour=tour, **draft(
        start_date=tour.end_date + timedelta(days=1), end_date=tour.end_date + timedelta(days=1100)))
    assert successor.previous_tour == tour


def test_previous_tour_must_be_the_same_persons(tenant, manager, employee, colleague, other_manager):
    theirs = TourFactory(employee=colleague, manager=other_manager, status="completed")
    with pytest.raises(ApplicationError) as error:
        services.tour_create(by=manager, employee=employee, previous_tour=theirs, **draft())
    assert "previous_tour" in error.value.field_errors


# --- Programs ------------------------------------------------------------------


def test_hr_starts_a_cohort_with_one_proposed_tour_each(tenant, org, hr, manager, employee, colleague):
    program = ProgramFactory(organization=org, duration_months=18, cadence_months=3)
    start = timezone.localdate() + timedelta(days=30)
    cohort = services.cohort_start(program=program, by=hr, start_date=start, members=[employee, colleague])
    tours = list(Tour.objects.filter(cohort=cohort).order_by("employee__user__email"))
    assert [(t.employee, t.manager, t.status, t.kind) for t in tours] == [
        (colleague, colleague.manager, "proposed", "rotational"),
        (employee, manager, "proposed", "rotational"),
    ]
    assert all(t.end_date == services.add_months(start, 18) and t.cadence_months == 3 for t in tours)


def test_cohort_is_all_or_nothing_and_hr_only(tenant, org, hr, manager, employee):
    program = ProgramFactory(organization=org)
    loner = MembershipFactory(organization=org, user__email="loner@acme.test")
    with pytest.raises(ApplicationError, match="Give these people a manager"):
        services.cohort_start(program=program, by=hr, start_date=timezone.localdate(), members=[employee, loner])
    with pytest.raises(ApplicationError, match="Only HR"):
        services.cohort_start(program=program, by=manager, start_date=timezone.localdate(), members=[employee])
    assert not Tour.objects.exists()


def test_program_names_are_unique_per_organization(tenant, hr):
    services.program_create(by=hr, name="Rotation", duration_months=12)
    with pytest.raises(ApplicationError) as error:
        services.program_create(by=hr, name="rotation", duration_months=12)
    assert "name" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        services.program_create(by=hr, name="Too long", duration_months=36)
    assert "duration_months" in error.value.field_errors


# --- Calendar feeds ------------------------------------------------------------


def test_calendar_feed_token_names_its_organization_and_is_revocable(tenant, employee):
    feed, token = services.calendar_feed_create(member=employee)
    assert token.startswith(f"cal_{employee.organization_id}_")
    assert services.calendar_feed_authenticate(token) == feed
    _second, new_token = services.calendar_feed_create(member=employee)
    assert services.calendar_feed_authenticate(token) is None  # the old URL stops working
    assert services.calendar_feed_authenticate(new_token) is not None
    services.calendar_feed_revoke(member=employee)
    assert services.calendar_feed_authenticate(new_token) is None
    assert services.calendar_feed_authenticate("cal_1_short") is None


def test_checkpoints_belong_inside_the_tour(tenant, manager, employee):
    today = timezone.localdate()
    tour = TourFactory(employee=employee, manager=manager, status="active",
                       start_date=today - timedelta(days=30), end_date=today + timedelta(days=60))
    with pytest.raises(ApplicationError) as error:
        services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=timezone.now() + timedelta(days=120))
    assert "scheduled_at" in error.value.field_errors
    # A wrap-up conversation shortly after the last day is fine.
    services.checkpoint_schedule(tour=tour, by=manager, scheduled_at=timezone.now() + timedelta(days=75))


def test_an_organization_with_tours_can_still_be_deleted(org, manager, employee):
    from alliance.tenancy import cross_tenant

    tour = TourFactory(employee=employee, manager=manager, status="active")
    CheckpointFactory(tour=tour)
    with cross_tenant(reason="test: delete an organization"):
        org.delete()
        assert not Tour.objects.exists() and not Checkpoint.objects.exists()


# --- Bounded dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": date(1, 1, 1)}, "start_date"),
        ({"end_date": date(9999, 12, 31)}, "end_date"),
        ({"start_date": date(1899, 12, 31), "end_date": date(1901, 1, 1)}, "start_date"),
        ({"kind": "foundational", "end_date": date(2101, 1, 1)}, "end_date"),
        ({"end_date": date(2999, 12, 31), "cadence_months": 1}, "end_date"),  # ~11,700 checkpoints before
        ({"kind": "rotational", "end_date": timezone.localdate() + timedelta(days=11 * 366)}, "end_date"),
    ],
)
def test_tour_dates_are_bounded_and_nothing_is_saved(tenant, manager, employee, overrides, field):
    with pytest.raises(ApplicationError) as error:
        services.tour_create(by=manager, employee=employee, **draft(**overrides))
    assert field in error.value.field_errors
    assert not Tour.objects.exists() and not Checkpoint.objects.exists()


def test_only_foundational_tours_run_longer_than_ten_years(tenant, manager, employee):
    start = date(2030, 1, 1)
    ten_years = services.tour_create(by=manager, employee=employee,
                                     **draft(start_date=start, end_date=date(2040, 1, 1), cadence_months=1))
    assert Checkpoint.objects.filter(tour=ten_years).count() == 119
    services.tour_create(by=manager, employee=employee,
                         **draft(kind="foundational", start_date=start, end_date=date(2060, 1, 1)))


def test_amending_to_dates_out_of_bounds_changes_nothing(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft")
    before = (tour.start_date, tour.end_date)
    for data in ({"start_date": date(1, 1, 1)}, {"end_date": date(9999, 12, 31)},
                 {"end_date": tour.start_date + timedelta(days=10 * 366)}):
        with pytest.raises(ApplicationError) as error:
            services.tour_update(tour=tour, by=manager, data=data)
        assert set(error.value.field_errors) == set(data)
        tour.refresh_from_db()
        assert (tour.start_date, tour.end_date) == before
    assert not TourRevision.objects.filter(tour=tour).exists()


def test_checkpoint_times_are_bounded(tenant, manager, employee):
    open_ended = TourFactory(employee=employee, manager=manager, status="active", kind="foundational", end_date=None)
    for year in (2101, 9999):
        when = datetime(year, 12, 31, 23, 0, tzinfo=UTC)
        with pytest.raises(ApplicationError) as error:
            services.checkpoint_schedule(tour=open_ended, by=manager, scheduled_at=when)
        assert "scheduled_at" in error.value.field_errors
    checkpoint = CheckpointFactory(tour=open_ended)
    with pytest.raises(ApplicationError) as error:
        services.checkpoint_reschedule(checkpoint=checkpoint, by=manager,
                                       scheduled_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
    assert "scheduled_at" in error.value.field_errors
    assert Checkpoint.objects.filter(tour=open_ended).count() == 1


def test_cohort_start_is_bounded(tenant, org, hr, employee):
    program = ProgramFactory(organization=org, duration_months=24)
    for start in (date(1, 1, 1), date(9999, 6, 1), date(2100, 6, 1)):
        with pytest.raises(ApplicationError) as error:
            services.cohort_start(program=program, by=hr, start_date=start, members=[employee])
        assert "start_date" in error.value.field_errors
    assert not Tour.objects.exists() and not program.cohorts.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(1, 1, 1), date(1, 2, 1)), (date(2026, 1, 1), date(9999, 12, 31)), (date(2101, 1, 1), None)],
)
def test_the_database_refuses_tour_dates_out_of_bounds(tenant, manager, employee, start, end):
    """The bounds the services check are database constraints too: no row can break the date arithmetic."""
    with pytest.raises(IntegrityError), transaction.atomic():
        TourFactory(employee=employee, manager=manager, status="draft", kind="foundational",
                    start_date=start, end_date=end)


@pytest.mark.parametrize(("when", "minutes"), [(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), 45),
                                               (datetime(2030, 1, 1, tzinfo=UTC), 5000)])
def test_the_database_refuses_checkpoints_out_of_bounds(tenant, active_tour, when, minutes):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckpointFactory(tour=active_tour, scheduled_at=when, duration_minutes=minutes)


def test_next_tour_lead_follows_the_organizations_earliest_prompt(tenant, manager, employee):
    from alliance.models import Organization

    Organization.objects.filter(pk=tenant.pk).update(tour_ending_days_before=[120, 60])
    manager.organization.refresh_from_db()
    tour = services.tour_create(by=manager, employee=employee, **draft())
    assert tour.next_tour_lead_days == 120
    chosen = services.tour_create(by=manager, employee=employee, next_tour_lead_days=200, **draft(title="Other"))
    assert chosen.next_tour_lead_days == 200


def test_an_agenda_point_is_edited_by_its_author_until_the_meeting(tenant, manager, employee):
    from alliance.errors import NotAllowed
    from tests.tours.factories import started

    tour = TourFactory(employee=employee, manager=manager, status="active")
    checkpoint = CheckpointFactory(tour=tour)
    item = services.agenda_item_add(checkpoint=checkpoint, by=employee, text="Budgte")
    with pytest.raises(NotAllowed):
        services.agenda_item_edit(item=item, by=manager, text="Mine now")
    services.agenda_item_edit(item=item, by=employee, text="Budget")
    item.refresh_from_db()
    assert item.text == "Budget"
    started(checkpoint)
    item.refresh_from_db()
    with pytest.raises(ApplicationError, match="started"):
        services.agenda_item_edit(item=item, by=employee, text="Too late")
