"""Tours people are on already, from a spreadsheet: read, previewed row by row, applied all or nothing.

Each row names the employee (and, or else their manager, the manager side), the tour's kind, mission,
start and end. Applied, a tour starts active with both sides named, accepted at the import, and its
history says it was imported (``TourRevision.Action.IMPORTED``, the file's name in the comment). The
file is read and the import kept with the people import's parts (``alliance.spreadsheets``,
``PeopleImport`` of kind "tours").
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alliance import rights as core_rights
from alliance.errors import ApplicationError
from alliance.history import context as audit_context
from alliance.jobs import NO_PROGRESS, Progress
from alliance.limits import EMAIL_MAX
from alliance.models import IMPORT_FILE_NAME_MAX, Membership, PeopleImport
from alliance.spreadsheets import read_import_rows
from tours import limits, rights
from tours.models import EARLIEST_DATE, LATEST_DATE, Tour, TourKind, TourRevision
from tours.notifications import notify_tours_imported

KIND = "tours"
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
UNKNOWN_COLUMNS_SHOWN_MAX = 50
COLUMNS = (
    ("email", "Employee e-mail"), ("manager_email", "Manager e-mail"), ("tour_kind", "Tour kind"),
    ("mission", "Mission"), ("start", "Tour start"), ("end", "Tour end"),
)
HEADERS = [header for _key, header in COLUMNS]
LABELS = dict(COLUMNS)
ALIASES = {
    "employee e mail": "email", "employee email": "email", "e mail": "email", "email": "email",
    "manager e mail": "manager_email", "manager email": "manager_email", "manager": "manager_email",
    "tour kind": "tour_kind", "kind": "tour_kind", "mission": "mission", "tour mission": "mission",
    "tour start": "start", "start": "start", "tour end": "end", "end": "end",
}
TEXT_BOUNDS = {"email": EMAIL_MAX, "manager_email": EMAIL_MAX, "tour_kind": 32, "mission": limits.MISSION_MAX,
               "start": 32, "end": 32}
EXAMPLE_ROW = ["ada.lovelace@example.com", "grace.hopper@example.com", "transformational",
               "Launch the payments platform in two new markets.", "2025-01-06", "2027-01-05"]
TOUR_KINDS = {**{value: value for value in TourKind.values},
              **{label.lower(): value for value, label in TourKind.choices}}
IMPORTED_TERMS = "Agreed before the tour was recorded in Alliance (imported); see the mission."


def _read_rows(uploaded) -> tuple[str, list[dict], list[str]]:
    required = {key: LABELS[key] for key in ("email", "tour_kind", "mission", "start")}
    return read_import_rows(uploaded, aliases=ALIASES, required=required, bounds=TEXT_BOUNDS,
                            empty="The file has no tours in it.", max_bytes=IMPORT_MAX_BYTES,
                            max_rows=IMPORT_MAX_ROWS, unknown_shown=UNKNOWN_COLUMNS_SHOWN_MAX)


def _date(text: str, label: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        value = date.fromisoformat(text[:10])
    except ValueError:
        errors.append(f"{label} “{text}” is not a date (write it as 2025-01-06).")
        return None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.append(f"{label} must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")
        return None
    return value


def _check_rows(by: Membership, rows: list[dict], *, planned: dict[str, str] | None = None,
                same_is_unchanged: bool = False) -> list[dict]:
    """One preview entry per row: "new" with its values, or "error" with every reason.

    ``planned`` (the people import's) maps the e-mails of a people file to the role it leaves them with:
    they count as active members with that role, whether they exist yet or not. With ``same_is_unchanged``
    a person whose active tour has the row's kind, mission, start and end is "unchanged" (a file applied
    twice makes no second tour); a different active tour is still an error."""
    planned = planned or {}
    members = {member.user.email.lower(): member for member in Membership.objects.for_org(by.organization_id)
               .select_related("user", "manager__user")}
    on_tour = {employee_id: (kind, mission, start.isoformat(), end.isoformat() if end else "")
               for employee_id, kind, mission, start, end in Tour.objects.for_org(by.organization_id)
               .filter(status=Tour.Status.ACTIVE)
               .values_list("employee_id", "kind", "mission", "start_date", "end_date")}
    today = timezone.localdate()
    entries, first_row = [], {}
    for row in rows:
        values = {key: row.get(key, "").strip() for key, _header in COLUMNS}
        errors: list[str] = []
        for key, bound in TEXT_BOUNDS.items():
            if len(values[key]) > bound:
                errors.append(f"{LABELS[key]} is longer than {bound} characters.")
                values[key] = values[key][:bound]
        email, manager_email = values["email"].lower(), values["manager_email"].lower()
        employee = members.get(email)
        current = on_tour.get(employee.pk) if employee is not None else None
        if email not in planned and (employee is None or employee.status != Membership.Status.ACTIVE):
            errors.append(f"{values['email'] or '(empty)'} is not an active member.")
        elif current is not None and not same_is_unchanged:
            errors.append(f"{email} is on an active tour already.")
        if employee is not None and not manager_email and employee.manager is not None:
            manager_email = employee.manager.user.email.lower()
        manager = members.get(manager_email)
        if not manager_email:
            errors.append("Name the manager side (a “Manager e-mail”, or give the employee a manager first).")
        elif manager_email == email:
            errors.append("Nobody can be the manager side of their own tour.")
        elif not (planned[manager_email] in core_rights.MANAGER_ROLES if manager_email in planned
                  else manager is not None and core_rights.can_be_manager(manager)):
            errors.append(f"The manager {manager_email} is not an active manager, HR person or admin.")
        kind = TOUR_KINDS.get(values["tour_kind"].lower() or TourKind.TRANSFORMATIONAL)
        if kind is None:
            errors.append(f"“{values['tour_kind']}” is not a tour kind (rotational, transformational or foundational).")
        if not values["mission"]:
            errors.append("Give the tour's mission.")
        start = _date(values["start"], "The start", errors)
        end = _date(values["end"], "The end", errors)
        if not values["start"]:
            errors.append("Give the tour's start.")
        if start and start > today:
            errors.append("The tour has not started yet: draft and propose it instead.")
        if kind != TourKind.FOUNDATIONAL and not values["end"]:
            errors.append("A rotational or transformational tour needs an end.")
        if start and end and end <= start:
            errors.append("The end must be after the start.")
        elif end and end < today:
            errors.append("The tour ended already.")
        if email in first_row:
            errors.append(f"{email} appears more than once (first in row {first_row[email]}).")
        else:
            first_row[email] = row["row"]
        same = current is not None and current == (kind, values["mission"], start.isoformat() if start else "",
                                                   end.isoformat() if end else "")
        if current is not None and same_is_unchanged and not same:
            errors.append(f"{email} is on an active tour already with another kind, mission, start or end; "
                          "change it from the tour's page.")
        values.update(email=email, manager_email=manager_email, tour_kind=kind or "")
        entry = {"row": row["row"], "email": email, "full_name": employee.user.full_name if employee else "",
                 "kind": "error" if errors else ("unchanged" if same else "new"), "values": values}
        if errors:
            entry["errors"] = errors
        entries.append(entry)
    return entries


def _refuse_errors(entries: list[dict]) -> None:
    errors = [entry for entry in entries if entry["kind"] == "error"]
    if errors:
        first = errors[0]
        raise ApplicationError(
            f"{len(errors)} row{'s have' if len(errors) != 1 else ' has'} errors (row {first['row']}: "
            f"{first['errors'][0]}); nothing was changed.")


def _make_tours(by: Membership, entries: list[dict], file_name: str) -> list[Tour]:
    """Active tours for the checked entries, both sides named, each with its "imported" history entry."""
    emails = {entry["email"] for entry in entries} | {entry["values"]["manager_email"] for entry in entries}
    members = {member.user.email.lower(): member for member in Membership.objects.for_org(by.organization_id)
               .select_related("user").filter(user__email__in=emails)}
    now = timezone.now()
    tours = Tour.objects.bulk_create([
        Tour(organization_id=by.organization_id, employee=members[entry["email"]],
             manager=members[entry["values"]["manager_email"]], kind=entry["values"]["tour_kind"],
             title=f"{TourKind(entry['values']['tour_kind']).label} tour"[:limits.TITLE_MAX],
             mission=entry["values"]["mission"], company_objectives=IMPORTED_TERMS, employee_benefits=IMPORTED_TERMS,
             start_date=date.fromisoformat(entry["values"]["start"]),
             end_date=date.fromisoformat(entry["values"]["end"]) if entry["values"]["end"] else None,
             status=Tour.Status.ACTIVE, created_by=by, proposed_at=now, accepted_at=now,
             employee_sort_name=members[entry["email"]].sort_name)
        for entry in entries], batch_size=1000)
    comment = f"Imported from {file_name}."[:limits.COMMENT_MAX]
    TourRevision.objects.bulk_create(
        [TourRevision(organization_id=by.organization_id, tour=tour, by=by, action=TourRevision.Action.IMPORTED,
                      comment=comment) for tour in tours], batch_size=1000)
    notify_tours_imported(tours)
    return tours


@transaction.atomic
def tours_import_preview(*, by: Membership, uploaded) -> PeopleImport:
    """Read a CSV or XLSX of tours and keep its preview; no tour is made yet."""
    rights.require_tour_importer(by)
    file_format, rows, unknown = _read_rows(uploaded)
    entries = _check_rows(by, rows)
    name = (getattr(uploaded, "name", "") or "tours").replace("\\", "/").rsplit("/", 1)[-1]
    errors = sum(1 for entry in entries if entry["kind"] == "error")
    return PeopleImport.objects.create(
        organization_id=by.organization_id, kind=KIND, created_by=by, file_name=name[:IMPORT_FILE_NAME_MAX] or "tours",
        file_format=file_format, rows=rows, preview=entries, unknown_columns=unknown,
        new_count=len(entries) - errors, error_count=errors)


@transaction.atomic
def tours_import_apply(*, tours_import: PeopleImport, by: Membership,
                       progress: Progress = NO_PROGRESS) -> PeopleImport:
    """Make every tour of a previewed import, active, all or nothing, after checking the rows again.
    Applying an applied import does nothing."""
    rights.require_tour_importer(by)
    audit_context.add(source="import", member=by.pk, **{"import": tours_import.pk})
    locked = PeopleImport.objects.for_org(by.organization_id).select_for_update().get(pk=tours_import.pk, kind=KIND)
    if locked.status == PeopleImport.Status.APPLIED:
        return locked
    progress.start(len(locked.rows))
    entries = _check_rows(by, locked.rows)
    _refuse_errors(entries)
    tours = _make_tours(by, entries, locked.file_name)
    locked.status, locked.applied_by, locked.applied_at = PeopleImport.Status.APPLIED, by, timezone.now()
    locked.preview, locked.new_count, locked.error_count = entries, len(tours), 0
    locked.save()
    progress.advance(len(entries))
    return locked




# --- Each person's current tour, in the people import's file (optional columns) ------------------------

# The people import's keys for the tour columns (its own "Manager e-mail" is the tour's manager side).
PEOPLE_COLUMNS = (("tour_kind", "Tour kind"), ("tour_mission", "Tour mission"), ("tour_start", "Tour start"),
                  ("tour_end", "Tour end"))
PEOPLE_ALIASES = {"tour kind": "tour_kind", "tour mission": "tour_mission", "mission": "tour_mission",
                  "tour start": "tour_start", "tour end": "tour_end"}
PEOPLE_BOUNDS = {"tour_kind": TEXT_BOUNDS["tour_kind"], "tour_mission": TEXT_BOUNDS["mission"],
                 "tour_start": TEXT_BOUNDS["start"], "tour_end": TEXT_BOUNDS["end"]}


def _tour_rows(rows: list[dict]) -> list[dict]:
    return [{"row": row["row"], "email": row["email"], "manager_email": row["manager_email"],
             "tour_kind": row.get("tour_kind", ""), "mission": row.get("tour_mission", ""),
             "start": row.get("tour_start", ""), "end": row.get("tour_end", "")} for row in rows]


def people_file_tours_preview(by: Membership, rows: list[dict], planned: dict[str, str]) -> list[dict]:
    """The tour part of a people file's rows, checked against the organization as the file leaves it."""
    if not rights.can_import_tours(by):
        return [{"kind": "error", "errors": ["Only HR or an administrator can import tours."]} for _row in rows]
    return [{"kind": entry["kind"], "errors": entry.get("errors", [])}
            for entry in _check_rows(by, _tour_rows(rows), planned=planned, same_is_unchanged=True)]


def people_file_tours_apply(by: Membership, rows: list[dict], file_name: str) -> int:
    """Once the file's people are written (same transaction): their new tours, or ApplicationError."""
    rights.require_tour_importer(by)
    entries = _check_rows(by, _tour_rows(rows), same_is_unchanged=True)
    _refuse_errors(entries)
    return len(_make_tours(by, [entry for entry in entries if entry["kind"] == "new"], file_name))
