"""Demo tours for seed_demo: every kind and state, checkpoints past and future,
a right of first conversation exercised (and one answered), a pending amendment,
overdue action items, a rotational cohort.

Idempotent: an organization that already has tours is left as it is. Lifecycle
steps go through the services (so history reads as it would in real use); only
the past — conversations that already happened — is written directly, because
the services rightly refuse to schedule in the past. Every checkpoint falls on a working day, in
working hours of the employee's time zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from alliance import tenancy
from alliance.models import Membership, Organization
from tours import services
from tours.models import ActionItem, AgendaItem, Checkpoint, OneOnOne, OneOnOneSeries, Tour, TourKind

DEMO_ORGANIZATIONS = ("acme", "globex")

MISSIONS = [
    ("Build the fleet-update pipeline", "Make shipping a robot update as boring as a web deploy.",
     "Zero-downtime updates for every customer robot; release time from 2 weeks to 1 day.",
     "Own a system end to end; lead two engineers; a conference talk on safe rollouts."),
    ("Customer onboarding, reimagined", "Get a new customer from contract to first robot running in a week.",
     "Onboarding time down from 6 weeks to 1; a repeatable playbook.",
     "Run a cross-team project; learn product discovery; a case study with your name on it."),
    ("Perception you can trust", "Cut perception false positives in half on real shop floors.",
     "Half the false positives; a benchmark the whole team uses.",
     "Publish the benchmark; become the go-to person for evaluation."),
    ("Data platform for every team", "Give every team trustworthy data without asking an engineer.",
     "Self-serve dashboards for all teams; 90% fewer ad-hoc data requests.",
     "Design and grow a platform; mentor two juniors; a clear path to staff engineer."),
]


def _workday(day: date) -> date:
    """``day``, or the nearest working day away from today when it falls on a weekend: the Friday
    before for a day in the past (it stays past), the Monday after for one in the future."""
    weekday = day.weekday()
    if weekday < 5:
        return day
    if day < timezone.localdate():
        return day - timedelta(days=weekday - 4)
    return day + timedelta(days=7 - weekday)


def _at(day: date, hour: int = 10, *, member: Membership | None = None) -> datetime:
    """``hour`` o'clock on the working day ``day`` (see ``_workday``) in ``member``'s time zone, or the
    organization's (seed_demo activates it); stored as UTC."""
    zone = timezone.get_current_timezone()
    if member is not None:
        try:
            zone = zoneinfo.ZoneInfo(member.user.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.combine(_workday(day), time(hour, 0), tzinfo=zone)


def _past_checkpoint(tour: Tour, *, day: date, progress: str, manager_notes: str, employee_notes: str = "",
                     agenda: tuple[str, ...] = (), actions: tuple[tuple[str, Membership, bool], ...] = (),
                     status: str = Checkpoint.Status.COMPLETED) -> Checkpoint:
    employee = tour.employee
    checkpoint = Checkpoint.objects.create(
        organization_id=tour.organization_id, tour=tour, scheduled_at=_at(day, member=employee), confirmed=True,
        status=status, progress=progress if status == Checkpoint.Status.COMPLETED else "",
        manager_notes=manager_notes, employee_notes=employee_notes,
        course_corrections="Protect two focus days a week." if progress == "at_risk" else "",
        completed_at=_at(day, 11, member=employee) if status == Checkpoint.Status.COMPLETED else None,
    )
    for text in agenda:
        AgendaItem.objects.create(organization_id=tour.organization_id, checkpoint=checkpoint, text=text,
                                  added_by=tour.employee, discussed=status == Checkpoint.Status.COMPLETED)
    for text, owner, done in actions:
        ActionItem.objects.create(organization_id=tour.organization_id, checkpoint=checkpoint, text=text,
                                  owner=owner, done=done,
                                  done_at=_at(day + timedelta(days=14), 16, member=owner) if done else None)
    return checkpoint


def _tour(manager: Membership, employee: Membership, index: int, *, kind: str, start: date, end: date | None,
          **extra) -> Tour:
    title, mission, company, personal = MISSIONS[index % len(MISSIONS)]
    return services.tour_create(
        by=manager, employee=employee, kind=kind, title=extra.pop("title", title), mission=mission,
        company_objectives=company, employee_benefits=personal,
        success_company="The numbers above, reviewed at each checkpoint.",
        success_employee="A story worth telling in your next interview — inside or outside.",
        alignment_notes=f"{employee.aspirations or 'Growth'} — served by a mission the company needs now.",
        start_date=start, end_date=end, **extra,
    )


def _activate(tour: Tour) -> Tour:
    services.tour_propose(tour=tour, by=tour.manager)
    services.tour_accept(tour=tour, by=tour.employee)
    return tour


def _seed_organization(organization: Organization) -> int:
    today = timezone.localdate()
    members = Membership.objects.for_org(organization).filter(status=Membership.Status.ACTIVE).select_related(
        "user", "manager__user"
    )
    hr = members.filter(role=Membership.Role.HR).first()
    managers = list(members.filter(role=Membership.Role.MANAGER, reports__isnull=False).distinct()
                    .order_by("user__email"))
    if hr is None or len(managers) < 2:
        return 0
    teams = [list(members.filter(manager=m, role=Membership.Role.EMPLOYEE).order_by("user__email")) for m in managers]
    first, second = managers[0], managers[1]
    team_a, team_b = teams[0], teams[1]
    created = 0

    # 1. An active transformational tour with a history, and the right of first conversation exercised.
    ellis = next((m for m in team_a if m.user.email.startswith("ellis.")), team_a[0])
    team_a = [ellis, *[m for m in team_a if m.pk != ellis.pk]]
    previous = _tour(first, ellis, 1, kind=TourKind.ROTATIONAL, start=today - timedelta(days=900),
                     end=today - timedelta(days=541), title="Engineering rotation: three teams in a year")
    _activate(previous)
    _past_checkpoint(previous, day=today - timedelta(days=720), progress="on_track",
                     manager_notes="Great first rotation on Platform.", agenda=("What team next?",))
    services.tour_record_next_plan(tour=previous, by=first, plan=Tour.NextPlan.NEW_INTERNAL_TOUR,
                                   notes="Transformational tour on the fleet pipeline.")
    services.tour_complete(tour=previous, by=first, note="Rotated through Platform, Perception and Support.")
    main = _tour(first, ellis, 0, kind=TourKind.TRANSFORMATIONAL, start=today - timedelta(days=540),
                 end=today + timedelta(days=555), previous_tour=previous)
    _activate(main)
    _past_checkpoint(main, day=today - timedelta(days=360), progress="on_track",
                     manager_notes="Pipeline design agreed; first canary shipped.",
                     employee_notes="I want more say in the rollout policy.",
                     agenda=("Rollout policy ownership", "Conference budget"),
                     actions=(("Draft the rollout policy", ellis, True), ("Book the conference", first, True)))
    at_risk = _past_checkpoint(main, day=today - timedelta(days=180), progress="at_risk",
                               manager_notes="Two customer escalations pulled focus.",
                               employee_notes="Escalations ate a month; I need protected time.",
                               agenda=("Protected focus time",),
                               actions=(("Hand escalations to the support rota", first, False),
                                        ("Write the on-call handbook", ellis, False)))
    # Overdue action items: the owners get a reminder, My team flags them.
    ActionItem.objects.for_org(organization).filter(checkpoint=at_risk).update(due_on=today - timedelta(days=150))
    services.first_conversation_grant(tour=main, by=ellis)
    services.first_conversation_exercise(
        tour=main, by=ellis, note="I'm starting to think about moving towards product management."
    )
    services.checkpoint_schedule(tour=main, by=first, scheduled_at=_at(today + timedelta(days=5), 15, member=ellis),
                                 location="https://meet.example/ellis-checkpoint")
    created += 2

    # 2. Ending soon: the next-tour conversation is due.
    ending = _tour(first, team_a[1], 2, kind=TourKind.TRANSFORMATIONAL, start=today - timedelta(days=800),
                   end=today + timedelta(days=75), cadence_months=4)
    _activate(ending)
    _past_checkpoint(ending, day=today - timedelta(days=100), progress="on_track",
                     manager_notes="Benchmark published internally.")
    created += 1

    # 3. Foundational, open-ended, with a missed and an overdue checkpoint.
    foundational = _tour(first, team_a[2], 3, kind=TourKind.FOUNDATIONAL, start=today - timedelta(days=1500),
                         end=None, cadence_months=6)
    _activate(foundational)
    _past_checkpoint(foundational, day=today - timedelta(days=200), progress="", manager_notes="",
                     status=Checkpoint.Status.MISSED, agenda=("Team growth plan",))
    Checkpoint.objects.create(organization_id=organization.pk, tour=foundational, confirmed=True,
                              scheduled_at=_at(today - timedelta(days=9), member=team_a[2]))
    created += 1

    # 4. Proposed, waiting for the employee; 5. back in draft with changes requested.
    proposed = _tour(first, team_a[3], 1, kind=TourKind.TRANSFORMATIONAL, start=today + timedelta(days=14),
                     end=today + timedelta(days=14 + 3 * 365))
    services.tour_propose(tour=proposed, by=first)
    services.checkpoint_schedule(tour=proposed, by=first,
                                 scheduled_at=_at(today + timedelta(days=21), member=team_a[3]), location="Room Ada")
    asked = _tour(first, team_a[4], 2, kind=TourKind.TRANSFORMATIONAL, start=today + timedelta(days=30),
                  end=today + timedelta(days=30 + 2 * 365))
    services.tour_propose(tour=asked, by=first)
    services.tour_request_changes(tour=asked, by=team_a[4],
                                  comment="Could we add a mentoring budget and make it 3 years?")
    created += 2

    # 6. The second team: active tours, one ended early, one cancelled, and an answered first conversation.
    for index, person in enumerate(team_b[:3]):
        tour = _tour(second, person, index, kind=TourKind.TRANSFORMATIONAL,
                     start=today - timedelta(days=200 + 60 * index), end=today + timedelta(days=700 - 60 * index))
        _activate(tour)
        _past_checkpoint(tour, day=today - timedelta(days=20 + 30 * index),
                         progress=("on_track", "at_risk", "off_track")[index],
                         manager_notes="Solid progress on the main objective." if index == 0 else
                         "Scope is slipping; we agreed to cut the reporting work.",
                         agenda=("Progress on objectives",))
        created += 1
        if index == 1:
            # An amendment waiting for the employee: the terms in force stay until they accept.
            services.amendment_propose(
                tour=tour, by=second, data={"end_date": tour.end_date + timedelta(days=182), "cadence_months": 3},
                reason="The reporting work moved out; six more months and closer checkpoints to land the rest.",
            )
        if index == 0:
            services.first_conversation_grant(tour=tour, by=person)
            conversation = services.first_conversation_exercise(tour=tour, by=person,
                                                                note="A startup friend asked me to join.")
            services.first_conversation_record_outcome(
                conversation=conversation, by=second, outcome="new_internal_tour",
                note="We'll draft a tour leading the new analytics team.",
            )
            services.tour_record_next_plan(tour=tour, by=second, plan=Tour.NextPlan.NEW_INTERNAL_TOUR,
                                           notes="Lead the analytics team.")
            _tour(second, person, 3, kind=TourKind.TRANSFORMATIONAL, start=tour.end_date + timedelta(days=1),
                  end=tour.end_date + timedelta(days=1 + 3 * 365), previous_tour=tour,
                  title="Lead the analytics team")
            created += 1
    if len(team_b) > 4:
        early = _tour(second, team_b[3], 0, kind=TourKind.ROTATIONAL, start=today - timedelta(days=300),
                      end=today + timedelta(days=65))
        _activate(early)
        services.tour_end_early(tour=early, by=second, reason="Moved to the customer team at their request.")
        cancelled = _tour(second, team_b[4], 1, kind=TourKind.TRANSFORMATIONAL, start=today + timedelta(days=60),
                          end=today + timedelta(days=60 + 3 * 365))
        services.tour_cancel(tour=cancelled, by=second, reason="Replaced by a rotational program seat.")
        created += 2

    # 7. Recurring 1:1s: a weekly series with one meeting held (a point carried over), a monthly one.
    _seed_one_on_ones(organization, manager=first, report=ellis, today=today)
    if team_b:
        start = today + timedelta(days=3)
        if start.day > 28:  # a monthly 1:1 falls on a day every month has
            start = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        services.one_on_one_series_start(by=second, report=team_b[0], cadence=OneOnOneSeries.Cadence.MONTHLY,
                                         first_date=start, local_time=time(11, 0), duration_minutes=45,
                                         location="Room Ada")

    # 8. HR's rotational program with a proposed cohort.
    program = services.program_create(
        by=hr, name="Engineering rotation", description="Three teams in a year, then choose.",
        duration_months=12, cadence_months=3, mission_template="Rotate through three teams and find your fit.",
        company_objectives="Ship one meaningful change in each team.",
        employee_benefits="A map of the company, a network, and a choice of team.",
        success_criteria="Each team would take you back.",
    )
    newcomers = [m for m in teams[2] if not Tour.objects.for_org(organization).filter(employee=m).exists()][:2]
    if newcomers:
        services.cohort_start(program=program, by=hr, start_date=today + timedelta(days=21), members=newcomers,
                              name=f"Engineering rotation — {today + timedelta(days=21):%B %Y}")
        created += len(newcomers)
    return created


def _seed_one_on_ones(organization: Organization, *, manager: Membership, report: Membership, today: date) -> None:
    """A weekly 1:1 that began last week: its first meeting is recorded (one point discussed, one carried over
    to this week's), the next ones are materialized."""
    series = OneOnOneSeries.objects.create(
        organization=organization, manager=manager, report=report, cadence=OneOnOneSeries.Cadence.WEEKLY,
        first_date=today - timedelta(days=7), local_time=time(9, 30), time_zone=manager.user.time_zone or "UTC",
        duration_minutes=30, location="https://meet.example/ellis-1on1", created_by=manager)
    first_at = series.slot_at(0)
    held = OneOnOne.objects.create(organization=organization, series=series, pattern=0, slot=0, original_at=first_at,
                                   scheduled_at=first_at, duration_minutes=30)
    done = services.talking_point_add(meeting=held, by=report, text="Feedback on the canary rollout review")
    services.talking_point_add(meeting=held, by=manager, text="Conference budget for next quarter")
    services.one_on_ones_top_up(series=series)
    services.one_on_one_record(meeting=held, by=manager, discussed_ids=[done.pk],
                               shared_notes="Rollout review went well; Ellis leads the next one.",
                               action_items=[("Share the rollout review notes", report)])


def seed_tours(*, stdout=None) -> None:
    for slug in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        with transaction.atomic(), tenancy.tenant_context(organization.pk), timezone.override(
            zoneinfo.ZoneInfo(organization.time_zone)
        ):
            if Tour.objects.for_org(organization).exists():
                if stdout is not None:
                    stdout.write(f"Demo tours: {organization.name} has tours already, left as they are.")
                continue
            created = _seed_organization(organization)
        if stdout is not None:
            stdout.write(f"Demo tours: {created} tours for {organization.name}.")
