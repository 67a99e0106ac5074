"""Boomerangs: an alumnus asks to come back; HR declines or rehires them with a new tour."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.errors import ApplicationError, field_error
from alliance.models import Membership, MembershipChange
from alliance.notifications import notifications_withdraw
from alliance.reminders import notify
from alliance.services import check_text_bounds, full_clean_or_raise, membership_history_record
from alumni import handoffs, rights
from alumni.models import AlumniProfile, Boomerang, ExitProcess
from alumni.services._common import _settings
from tours import selectors as tour_selectors
from tours import services as tour_services

BOOMERANG_REQUESTED = "alumni_boomerang_requested"
BOOMERANG_REHIRED = "alumni_boomerang_rehired"


def _hr_people(organization_id: int) -> list[Membership]:
    return list(Membership.objects.for_org(organization_id).filter(
        role__in=(Membership.Role.HR, Membership.Role.ADMIN), status=Membership.Status.ACTIVE))


@transaction.atomic
def boomerang_request(*, by: Membership, message: str) -> Boomerang:
    """"I'd like to come back": the alumnus asks; HR is told and decides (rehire or decline)."""
    rights.require_come_back(by, _settings(by.organization_id))
    message = (message or "").strip()
    if not message:
        raise field_error("message", "Say what you would like to do here.")
    if Boomerang.objects.for_org(by.organization_id).filter(member=by, state=Boomerang.State.REQUESTED).exists():
        raise field_error("message", "You have asked already; HR will answer you.")
    boomerang = Boomerang(organization_id=by.organization_id, member=by, state=Boomerang.State.REQUESTED,
                          message=message, requested_at=timezone.now())
    full_clean_or_raise(boomerang, exclude=["organization", "member"])
    try:
        with transaction.atomic():
            boomerang.save()
    except IntegrityError as error:
        raise field_error("message", "You have asked already; HR will answer you.") from error
    for person in _hr_people(by.organization_id):
        notify(kind=BOOMERANG_REQUESTED, subject_id=boomerang.pk, recipient=person, window="requested")
    return boomerang


@transaction.atomic
def boomerang_decline(*, boomerang: Boomerang, by: Membership, note: str) -> Boomerang:
    rights.require_network_runner(by)
    note = (note or "").strip()
    if not note:
        raise field_error("decline_note", "Say why, for the record.")
    check_text_bounds(Boomerang, decline_note=note)
    claimed = Boomerang.objects.for_org(by.organization_id).filter(
        pk=boomerang.pk, state=Boomerang.State.REQUESTED).update(
        state=Boomerang.State.DECLINED, decline_note=note, updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This request is answered already.")
    boomerang.refresh_from_db()
    # Answered: the request leaves the bells of the HR people it was sent to.
    notifications_withdraw(organization_id=by.organization_id, topic=f"{BOOMERANG_REQUESTED}:{boomerang.pk}")
    return boomerang


def _last_exit(member: Membership) -> ExitProcess | None:
    return (ExitProcess.objects.for_org(member.organization_id)
            .filter(member=member, state=ExitProcess.State.COMPLETED).order_by("-completed_at").first())


def rehire_refusal(alumnus: Membership) -> str:
    """Why this alumnus cannot be rehired, or "" when their exit's rehire eligibility allows it
    (eligible, conditional, or never recorded)."""
    if alumnus.status != Membership.Status.ALUMNUS:
        return "Only an alumnus of this organization can be rehired."
    process = _last_exit(alumnus)
    if process is not None and process.rehire == ExitProcess.Rehire.NOT_ELIGIBLE:
        return f"{alumnus.user.full_name} is not eligible for rehire (recorded at their exit)."
    return ""


REHIRE_ROLES = (Membership.Role.EMPLOYEE, Membership.Role.MANAGER, Membership.Role.HR)


@transaction.atomic
def boomerang_rehire(
    *, by: Membership, alumnus: Membership, role: str, manager: Membership | None, start_date: date | None,
    tour_kind: str, tour_title: str, mission: str, company_objectives: str, employee_benefits: str,
    end_date: date | None = None, title: str = "", team: str = "",
) -> Boomerang:
    """HR rehires an alumnus whose rehire eligibility allows it: their membership is active again with
    a role and a manager, and a new tour is drafted whose ``previous_tour`` is their last tour here,
    so the career ledger runs across both stays. Any refusal changes nothing."""
    rights.require_network_runner(by)
    locked = (Membership.objects.for_org(by.organization_id).select_for_update().select_related("user")
              .filter(pk=alumnus.pk).first())
    if locked is None or locked.status != Membership.Status.ALUMNUS:
        raise field_error("member", "Only an alumnus of this organization can be rehired.")
    process = _last_exit(locked)
    refusal = rehire_refusal(locked)
    if refusal:
        raise field_error("member", refusal)
    if role not in REHIRE_ROLES:
        raise field_error("role", "Choose employee, manager or HR.")
    if start_date is None:
        raise field_error("start_date", "Give the first day of the new stay.")
    if process is not None and start_date <= process.last_working_day:
        raise field_error("start_date", "The new stay starts after their last day.")
    if manager is None or manager.organization_id != by.organization_id or not manager.is_manager \
            or manager.pk == locked.pk:
        raise field_error("manager", "Choose an active manager, HR person or administrator.")
    ledger = tour_selectors.career_ledger(member=by, subject=locked)
    last_tour = next((tour for tour in reversed(ledger) if tour.status in ("completed", "ended_early", "active")),
                     None)
    request = (Boomerang.objects.for_org(by.organization_id).select_for_update()
               .filter(member=locked, state=Boomerang.State.REQUESTED).first())
    previous_start = locked.employment_started_on.isoformat()
    locked.status, locked.role, locked.manager = Membership.Status.ACTIVE, role, manager
    locked.employment_started_on = start_date
    locked.title = (title or locked.title).strip()
    locked.team = (team or locked.team).strip()
    locked.save(update_fields=["status", "role", "manager", "employment_started_on", "title", "team", "updated_at"])
    # Each stay keeps its own start: the member's history keeps the one before this stay.
    membership_history_record(membership=locked, by=by, before={"employment_started_on": previous_start},
                              source=MembershipChange.Source.REHIRE)
    locked.organization = by.organization
    tour = tour_services.tour_create(
        by=by, employee=locked, manager=manager, kind=tour_kind, title=tour_title, mission=mission,
        company_objectives=company_objectives, employee_benefits=employee_benefits, start_date=start_date,
        end_date=end_date, previous_tour=last_tour)
    boomerang = request or Boomerang(organization_id=by.organization_id, member=locked)
    boomerang.state, boomerang.rehired_by, boomerang.rehired_at = Boomerang.State.REHIRED, by, timezone.now()
    boomerang.start_date, boomerang.role, boomerang.manager = start_date, role, manager
    boomerang.previous_exit = process
    boomerang.last_tour_ref = last_tour.pk if last_tour else None
    boomerang.new_tour_ref = tour.pk
    boomerang.save()
    AlumniProfile.objects.for_org(by.organization_id).filter(member=locked).update(
        listed=False, updated_at=timezone.now())
    notify(kind=BOOMERANG_REHIRED, subject_id=boomerang.pk, recipient=locked, window="rehired")
    handoffs.rehired(boomerang, by=by)
    if request is not None:  # the request is answered: it leaves HR's bells
        notifications_withdraw(organization_id=by.organization_id, topic=f"{BOOMERANG_REQUESTED}:{boomerang.pk}")
    return boomerang
