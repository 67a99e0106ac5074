"""Amending an active tour takes both parties: the manager side proposes, the employee
accepts or declines, and the terms in force stay until it is accepted."""

from __future__ import annotations

import copy
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.models import Membership
from alliance.notifications import notifications_withdraw
from alliance.services import check_text_bounds, model_update
from alliance.webhooks.events import webhook_event_emit
from tours import rights
from tours.models import Tour, TourAmendment, TourRevision
from tours.notifications import AMENDMENT_PROPOSED, notify_amendment_answered, notify_amendment_proposed
from tours.services._common import _display, _label, _lock, _record, validate_terms
from tours.services.checkpoints import checkpoints_event_changed, checkpoints_plan_series

REPLAN_FIELDS = {"start_date", "end_date", "cadence_months"}


def _to_json(tour: Tour, data: dict[str, Any]) -> dict[str, Any]:
    return {name: Tour._meta.get_field(name).value_to_string(_with(tour, name, value)) for name, value in data.items()}


def _with(tour: Tour, name: str, value: Any) -> Tour:
    probe = copy.copy(tour)
    setattr(probe, name, value)
    return probe


def _from_json(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: Tour._meta.get_field(name).to_python(value) if value is not None else None
            for name, value in changes.items()}


@transaction.atomic
def amendment_propose(*, tour: Tour, by: Membership, data: dict[str, Any], reason: str = "") -> TourAmendment | None:
    """Propose new terms for an active tour (``data`` is already the changed terms).

    Validated as if applied, so the employee is never asked to accept terms that cannot
    stand. A newer proposal replaces a pending one (recorded as withdrawn). Returns None
    when nothing would change.
    """
    rights.require_manager_side(tour, by)
    changed = {name: value for name, value in data.items() if getattr(tour, name) != value}
    if not changed:
        return None
    probe = copy.copy(tour)
    for name, value in changed.items():
        setattr(probe, name, value)
    validate_terms(probe)
    pending = TourAmendment.objects.for_org(tour.organization_id).select_for_update().filter(
        tour=tour, status=TourAmendment.Status.PENDING
    ).first()
    if pending is not None:
        _answer(pending, by=by, status=TourAmendment.Status.WITHDRAWN, note="Replaced by a newer proposal.")
    diff = {name: {"label": _label(name), "from": _display(tour, name, getattr(tour, name)),
                   "to": _display(tour, name, value)} for name, value in changed.items()}
    amendment = TourAmendment(organization_id=tour.organization_id, tour=tour, proposed_by=by,
                              reason=(reason or "").strip(), changes=_to_json(tour, changed), diff=diff)
    amendment.full_clean(exclude=["organization", "tour", "proposed_by", "answered_by"])
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError as error:  # a concurrent proposal won the race
        raise ApplicationError("Another amendment was proposed at the same moment; reload and try again.") from error
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.AMENDMENT_PROPOSED, changes=diff, comment=amendment.reason)
    notify_amendment_proposed(amendment)
    return amendment


def _answer(amendment: TourAmendment, *, by: Membership, status: str, note: str = "") -> None:
    check_text_bounds(TourAmendment, answer_note=note)
    claimed = TourAmendment.objects.for_org(amendment.organization_id).filter(
        pk=amendment.pk, status=TourAmendment.Status.PENDING
    ).update(status=status, answered_by=by, answered_at=timezone.now(), answer_note=(note or "").strip(),
             updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This amendment has been answered already.")
    amendment.refresh_from_db()


def _require_pending(amendment: TourAmendment) -> None:
    if not amendment.is_pending:
        state = amendment.get_status_display().lower()
        raise ApplicationError(f"This amendment is {state}; there is nothing to answer.")


@transaction.atomic
def amendment_accept(*, amendment: TourAmendment, by: Membership, note: str = "") -> Tour:
    """The employee agrees: the new terms take effect now, and the history says who agreed."""
    tour = amendment.tour
    rights.require_employee(tour, by)
    _lock(tour)
    _require_pending(amendment)
    if tour.status != Tour.Status.ACTIVE:
        raise ApplicationError("The tour is no longer active; this amendment cannot take effect.")
    data = _from_json(amendment.changes)
    _answer(amendment, by=by, status=TourAmendment.Status.ACCEPTED, note=note)
    model_update(tour, data=data, fields=Tour.TERM_FIELDS, clean=validate_terms)
    _record(tour, by=by, action=TourRevision.Action.AMENDED, changes=amendment.diff,
            comment=amendment.reason or "Amendment accepted.")
    if REPLAN_FIELDS & set(data):
        checkpoints_plan_series(tour=tour, replan=True)
    if "title" in data:
        checkpoints_event_changed(tour=tour, by=by)
    notify_amendment_answered(amendment)
    webhook_event_emit("tour.amended", tour)
    return tour


@transaction.atomic
def amendment_decline(*, amendment: TourAmendment, by: Membership, note: str) -> TourAmendment:
    tour = amendment.tour
    rights.require_employee(tour, by)
    _require_pending(amendment)
    note = (note or "").strip()
    if not note:
        raise ApplicationError("Say why, so your manager can propose something better.",
                               field_errors={"note": ["Say why you decline."]})
    _answer(amendment, by=by, status=TourAmendment.Status.DECLINED, note=note)
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.AMENDMENT_DECLINED, changes=amendment.diff, comment=note)
    notify_amendment_answered(amendment)
    return amendment


@transaction.atomic
def amendment_withdraw(*, amendment: TourAmendment, by: Membership) -> TourAmendment:
    tour = amendment.tour
    rights.require_manager_side(tour, by)
    _require_pending(amendment)
    _answer(amendment, by=by, status=TourAmendment.Status.WITHDRAWN)
    tour.save(update_fields=["updated_at"])
    _record(tour, by=by, action=TourRevision.Action.AMENDMENT_WITHDRAWN, changes=amendment.diff)
    # The employee's "proposes to amend" request is obsolete: it leaves their bell.
    notifications_withdraw(organization_id=tour.organization_id, topic=f"{AMENDMENT_PROPOSED}:{amendment.pk}")
    return amendment
