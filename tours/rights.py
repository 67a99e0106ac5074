"""Who may do what with tours, in one place.

Services call the ``require_*`` functions and refuse on their own (``NotAllowed`` →
403 in the API, the same message in the page); views, APIs and templates call the
``can_*`` / ``tour_rights`` functions only to hide what a person may not use.
Seeing a tour at all is ``tours.selectors.visible_tours`` (a tour one may not see
is a 404, like one that does not exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from alliance.errors import NotAllowed
from alliance.models import Membership
from alliance.rights import can_be_manager
from tours.models import Tour


def is_manager_side(member: Membership, tour: Tour) -> bool:
    """HR/admin, or a manager-role member who manages the tour or the employee now."""
    if not member.is_active or member.organization_id != tour.organization_id:
        return False
    if member.is_hr:
        return True
    return can_be_manager(member) and member.pk in (tour.manager_id, tour.employee.manager_id)


def is_tour_employee(member: Membership, tour: Tour) -> bool:
    return member.is_active and tour.employee_id == member.pk


def is_participant(member: Membership, tour: Tour) -> bool:
    """The people in the conversation: the employee and their manager(s), not HR by role."""
    return is_tour_employee(member, tour) or (
        member.is_active and can_be_manager(member) and member.pk in (tour.manager_id, tour.employee.manager_id)
    )


def can_draft_tour_for(member: Membership, employee: Membership) -> bool:
    """Managers draft for their direct reports, HR for anyone active — nobody for themselves."""
    if not (member.is_active and employee.is_active) or member.pk == employee.pk:
        return False
    if member.organization_id != employee.organization_id:
        return False
    return member.is_hr or (can_be_manager(member) and employee.manager_id == member.pk)


def can_draft_tours(member: Membership) -> bool:
    """Whether to offer "Draft a tour" at all."""
    return member.is_active and (member.is_hr or member.is_manager)


def can_manage_programs(member: Membership) -> bool:
    return member.is_active and member.is_hr


@dataclass(frozen=True)
class TourRights:
    manage: bool = False
    employee: bool = False
    participant: bool = False


def tour_rights(member: Membership, tour: Tour) -> TourRights:
    return TourRights(
        manage=is_manager_side(member, tour),
        employee=is_tour_employee(member, tour),
        participant=is_participant(member, tour),
    )


# The lifecycle: action -> (allowed from, to, who may do it).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "propose": ((Tour.Status.DRAFT,), Tour.Status.PROPOSED, "manager"),
    "accept": ((Tour.Status.PROPOSED,), Tour.Status.ACTIVE, "employee"),
    "request_changes": ((Tour.Status.PROPOSED,), Tour.Status.DRAFT, "employee"),
    "cancel": ((Tour.Status.DRAFT, Tour.Status.PROPOSED), Tour.Status.CANCELLED, "manager"),
    "complete": ((Tour.Status.ACTIVE,), Tour.Status.COMPLETED, "manager"),
    "end_early": ((Tour.Status.ACTIVE,), Tour.Status.ENDED_EARLY, "manager"),
}


def may_take(member: Membership, tour: Tour, action: str) -> bool:
    who = TRANSITIONS[action][2]
    return is_manager_side(member, tour) if who == "manager" else is_tour_employee(member, tour)


def allowed_transitions(tour: Tour, member: Membership) -> list[str]:
    """The lifecycle actions ``member`` may take on ``tour`` now (for buttons and the API)."""
    return [action for action, (sources, _target, _who) in TRANSITIONS.items()
            if tour.status in sources and may_take(member, tour, action)]


class PageTransitions:
    """``allowed_transitions`` for the many tours of a list page, read as columns.

    What ``member`` may do with a tour of their organization depends only on its status and on
    whether ``member`` is its employee, its manager or its employee's manager (the rules above), so
    each such combination is worked out once per page, by ``allowed_transitions`` itself, and the
    rows that share it share the answer.
    """

    def __init__(self, member: Membership):
        self.member = member
        self.known: dict[tuple, list[str]] = {}

    def __call__(self, *, organization_id: int, status: str, employee_id: int, manager_id: int,
                 employee_manager_id: int | None) -> list[str]:
        me = self.member.pk
        key = (organization_id, status, employee_id == me, manager_id == me, employee_manager_id == me)
        found = self.known.get(key)
        if found is None:
            # Stand-ins with the ids that give this combination, for the same functions as everywhere.
            facts = SimpleNamespace(organization_id=organization_id, status=status, employee_id=employee_id,
                                    manager_id=manager_id, employee=SimpleNamespace(manager_id=employee_manager_id))
            found = self.known[key] = allowed_transitions(facts, self.member)
        return found


# --- Refusals, raised by the services ---------------------------------------------


def require_manager_side(tour: Tour, by: Membership) -> None:
    if not is_manager_side(by, tour):
        raise NotAllowed("Only the tour's manager or HR can do this.")


def require_employee(tour: Tour, by: Membership) -> None:
    if not is_tour_employee(by, tour):
        raise NotAllowed(f"Only {tour.employee.user.full_name} can do this on their tour.")


def require_participant(tour: Tour, by: Membership) -> None:
    if not is_participant(by, tour):
        raise NotAllowed("Only the employee and their manager take part in this conversation.")


def require_transition(tour: Tour, by: Membership, action: str) -> None:
    if TRANSITIONS[action][2] == "manager":
        require_manager_side(tour, by)
    else:
        require_employee(tour, by)


def require_can_draft_tours(by: Membership) -> None:
    if not can_draft_tours(by):
        raise NotAllowed("Only managers (for their direct reports) and HR draft tours.")


def require_can_draft_for(by: Membership, employee: Membership) -> None:
    require_can_draft_tours(by)
    if by.pk == employee.pk:
        message = "Nobody drafts their own tour: your manager or HR drafts it with you."
        raise NotAllowed(message, field_errors={"employee": [message]})
    if not can_draft_tour_for(by, employee):
        raise NotAllowed("You can draft tours only for your direct reports.",
                         field_errors={"employee": ["Choose one of your direct reports."]})


def can_import_tours(member: Membership) -> bool:
    """HR and admins record the tours people are on already, from a spreadsheet."""
    return member.is_active and member.is_hr


def require_tour_importer(by: Membership) -> None:
    if not can_import_tours(by):
        raise NotAllowed("Only HR or an administrator can import tours.")


def require_program_manager(by: Membership) -> None:
    if not can_manage_programs(by):
        raise NotAllowed("Only HR or an administrator can manage rotational programs.")


# --- Recurring 1:1s ------------------------------------------------------------------
# The manager (or HR) starts, edits, moves, skips, records and ends a series; the report sees it; both
# participants add talking points and keep private notes. HR and admins see every series of the organization.


def can_start_one_on_ones(member: Membership) -> bool:
    """Whether to offer "Start a 1:1 series" at all."""
    return member.is_active and (member.is_hr or member.is_manager)


def can_start_one_on_one_with(member: Membership, report: Membership) -> bool:
    """A manager with a direct report; HR with anyone active who has a manager to meet."""
    if not (member.is_active and report.is_active) or member.pk == report.pk:
        return False
    if member.organization_id != report.organization_id:
        return False
    if member.is_hr:
        return report.manager_id is not None and report.manager_id != report.pk
    return can_be_manager(member) and report.manager_id == member.pk


def can_see_series(member: Membership, series) -> bool:
    return member.is_active and member.organization_id == series.organization_id and (
        member.is_hr or member.pk in (series.manager_id, series.report_id))


def can_manage_series(member: Membership, series) -> bool:
    """The series' manager or HR: edit, move, skip, record, end."""
    return member.is_active and member.organization_id == series.organization_id and (
        member.is_hr or member.pk == series.manager_id)


def is_series_participant(member: Membership, series) -> bool:
    return member.is_active and member.pk in (series.manager_id, series.report_id)


def require_can_start_one_on_one_with(by: Membership, report: Membership) -> None:
    if not can_start_one_on_ones(by):
        raise NotAllowed("Only managers (with their direct reports) and HR start 1:1 series.")
    if by.pk == report.pk:
        message = "A 1:1 is with someone else: choose one of your direct reports."
        raise NotAllowed(message, field_errors={"report": [message]})
    if not can_start_one_on_one_with(by, report):
        raise NotAllowed("You can start 1:1 series only with your direct reports.",
                         field_errors={"report": ["Choose one of your direct reports."]})


def require_series_manager(series, by: Membership) -> None:
    if not can_manage_series(by, series):
        raise NotAllowed("Only the manager of this 1:1 series or HR can do this.")


def require_series_participant(series, by: Membership) -> None:
    if not is_series_participant(by, series):
        raise NotAllowed("Only the two people who meet in this 1:1 can do this.")
