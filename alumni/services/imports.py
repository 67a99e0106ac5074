"""Former employees from a spreadsheet: read, previewed row by row, then applied all or nothing.

Each row (name, personal e-mail, last working day, exit kind, rehire eligibility) becomes an alumnus
without consents: an account without a password at the personal address, a membership that has left, a
completed exit marked as imported, its leaver step (the address, nothing agreed) and a directory card
that is not listed. HR invites them (now or later, once each): the invitation is the leaver step's
one-time link, the consent step every exit has; until they agree, the directory shows nothing of them.
The file is read and the import kept with the people import's parts (``alliance.spreadsheets``,
``PeopleImport`` of kind "alumni").
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.history import context as audit_context
from alliance.jobs import NO_PROGRESS, Progress
from alliance.limits import EMAIL_MAX
from alliance.models import (
    IMPORT_FILE_NAME_MAX,
    Membership,
    Organization,
    OutboundEmail,
    PeopleImport,
    User,
    UserEmailAlias,
    person_sort_name,
)
from alliance.spreadsheets import read_import_rows
from alumni import rights
from alumni.limits import MAX_EXIT_NOTE
from alumni.models import AlumniProfile, ExitKind, ExitProcess, LeaverStep
from alumni.services._common import organization_today
from alumni.services.leaver import leaver_link_email

KIND = "alumni"
INVITATION_KIND = "alumni_import_invitation"
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
UNKNOWN_COLUMNS_SHOWN_MAX = 50
FAILED_SHOWN_MAX = 500

COLUMNS = (
    ("email", "Personal e-mail"), ("full_name", "Full name"), ("last_working_day", "Last working day"),
    ("exit_kind", "Exit kind"), ("rehire", "Rehire eligibility"), ("rehire_reason", "Rehire reason"),
)
HEADERS = [header for _key, header in COLUMNS]
LABELS = dict(COLUMNS)
ALIASES = {
    "personal e mail": "email", "personal email": "email", "e mail": "email", "email": "email",
    "full name": "full_name", "name": "full_name",
    "last working day": "last_working_day", "last day": "last_working_day", "left on": "last_working_day",
    "exit kind": "exit_kind", "exit type": "exit_kind", "kind": "exit_kind",
    "rehire eligibility": "rehire", "rehire": "rehire", "eligible for rehire": "rehire",
    "rehire reason": "rehire_reason",
}
TEXT_BOUNDS = {"email": EMAIL_MAX, "full_name": 200, "last_working_day": 32, "exit_kind": 32, "rehire": 32,
               "rehire_reason": MAX_EXIT_NOTE}
EXAMPLE_ROW = ["ada@example.org", "Ada Lovelace", "2024-06-28", "resignation", "eligible", ""]
EXIT_KINDS = {**{value: value for value in ExitKind.values},
              **{label.lower(): value for value, label in ExitKind.choices}}
REHIRES = {**{value: value for value in ExitProcess.Rehire.values},
           **{label.lower(): value for value, label in ExitProcess.Rehire.choices},
           "not eligible": ExitProcess.Rehire.NOT_ELIGIBLE, "yes": ExitProcess.Rehire.ELIGIBLE,
           "no": ExitProcess.Rehire.NOT_ELIGIBLE}
INITIATED_BY = {ExitKind.RESIGNATION: ExitProcess.InitiatedBy.EMPLOYEE, ExitKind.RETIREMENT:
                ExitProcess.InitiatedBy.EMPLOYEE, ExitKind.MUTUAL: ExitProcess.InitiatedBy.BOTH}


def _read_rows(uploaded) -> tuple[str, list[dict], list[str]]:
    required = {key: LABELS[key] for key in ("email", "full_name", "last_working_day", "exit_kind")}
    return read_import_rows(uploaded, aliases=ALIASES, required=required, bounds=TEXT_BOUNDS,
                            empty="The file has no former employees in it.", max_bytes=IMPORT_MAX_BYTES,
                            max_rows=IMPORT_MAX_ROWS, unknown_shown=UNKNOWN_COLUMNS_SHOWN_MAX)


def _check_row(row: dict, today: date) -> tuple[dict, list[str]]:
    values = {key: row.get(key, "").strip() for key, _header in COLUMNS}
    errors = []
    for key, bound in TEXT_BOUNDS.items():
        if len(values[key]) > bound:
            errors.append(f"{LABELS[key]} is longer than {bound} characters.")
            values[key] = values[key][:bound]
    values["email"] = values["email"].lower()
    try:
        validate_email(values["email"])
    except ValidationError:
        errors.append(f"“{values['email'] or '(empty)'}” is not an e-mail address.")
    if not values["full_name"]:
        errors.append("A former employee needs a full name.")
    try:
        last_day = date.fromisoformat(values["last_working_day"][:10])
    except ValueError:
        errors.append(f"The last working day “{values['last_working_day']}” is not a date (write it as 2024-06-28).")
    else:
        if last_day >= today:
            errors.append("The last working day must be over (for someone still here, start their exit instead).")
        elif last_day.year < 1900:
            errors.append("The last working day is too long ago.")
        values["last_working_day"] = last_day.isoformat()
    kind = EXIT_KINDS.get(values["exit_kind"].lower())
    if kind is None:
        errors.append(f"“{values['exit_kind']}” is not an exit kind (resignation, end of tour, retirement, "
                      "mutual agreement or dismissal).")
    values["exit_kind"] = kind or ""
    rehire = REHIRES.get(values["rehire"].lower()) if values["rehire"] else ""
    if rehire is None:
        errors.append(f"“{values['rehire']}” is not a rehire eligibility (eligible, conditional or not eligible).")
    values["rehire"] = rehire or ""
    if rehire == ExitProcess.Rehire.NOT_ELIGIBLE and not values["rehire_reason"]:
        errors.append("Say why this person is not eligible for rehire (the “Rehire reason” column).")
    return values, errors


def _check_rows(organization: Organization, rows: list[dict]) -> list[dict]:
    """One preview entry per row: "new" with its values, or "error" with every reason."""
    today = organization_today(organization)
    checked = [_check_row(row, today) for row in rows]
    emails = [values["email"] for values, _errors in checked]
    taken = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    taken |= set(UserEmailAlias.objects.filter(email__in=emails).values_list("email", flat=True))
    entries, first_row = [], {}
    for row, (values, errors) in zip(rows, checked, strict=True):
        email = values["email"]
        if email in first_row:
            errors.append(f"{email} appears more than once (first in row {first_row[email]}).")
        else:
            first_row[email] = row["row"]
        if email in taken:
            errors.append(f"{email} already has an account; former employees are imported at an address "
                          "nobody signs in with.")
        entry = {"row": row["row"], "email": email, "full_name": values["full_name"],
                 "kind": "error" if errors else "new", "values": values}
        if errors:
            entry["errors"] = errors
        entries.append(entry)
    return entries


def _require_importer(by: Membership) -> None:
    rights.require_exit_runner(by)


@transaction.atomic
def alumni_import_preview(*, by: Membership, uploaded) -> PeopleImport:
    """Read a CSV or XLSX of former employees and keep its preview; nobody is added yet."""
    _require_importer(by)
    file_format, rows, unknown = _read_rows(uploaded)
    entries = _check_rows(by.organization, rows)
    name = (getattr(uploaded, "name", "") or "alumni").replace("\\", "/").rsplit("/", 1)[-1]
    errors = sum(1 for entry in entries if entry["kind"] == "error")
    return PeopleImport.objects.create(
        organization_id=by.organization_id, kind=KIND, created_by=by,
        file_name=name[:IMPORT_FILE_NAME_MAX] or "alumni", file_format=file_format, rows=rows, preview=entries,
        unknown_columns=unknown, new_count=len(entries) - errors, error_count=errors)


@transaction.atomic
def alumni_import_apply(*, alumni_import: PeopleImport, by: Membership, send_invitations: bool = False,
                        progress: Progress = NO_PROGRESS) -> PeopleImport:
    """Add every former employee of a previewed import as an alumnus without consents, all or nothing,
    after checking the rows again. Applying an applied import does nothing."""
    _require_importer(by)
    audit_context.add(source="import", member=by.pk, **{"import": alumni_import.pk})
    locked = PeopleImport.objects.for_org(by.organization_id).select_for_update().get(pk=alumni_import.pk, kind=KIND)
    if locked.status == PeopleImport.Status.APPLIED:
        return locked
    progress.start(len(locked.rows))
    entries = _check_rows(by.organization, locked.rows)
    errors = [entry for entry in entries if entry["kind"] == "error"]
    if errors:
        first = errors[0]
        raise ApplicationError(
            f"{len(errors)} row{'s have' if len(errors) != 1 else ' has'} errors (row {first['row']}: "
            f"{first['errors'][0]}); nothing was changed.")
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(email=entry["email"], full_name=entry["full_name"], password=unusable) for entry in entries],
        batch_size=1000)
    members = Membership.objects.bulk_create(
        [Membership(organization_id=by.organization_id, user=user, role=Membership.Role.EMPLOYEE,
                    status=Membership.Status.ALUMNUS, sort_name=person_sort_name(user.full_name, user.email))
         for user in users], batch_size=1000)
    now = timezone.now()
    processes = ExitProcess.objects.bulk_create([
        ExitProcess(organization_id=by.organization_id, member=member, kind=entry["values"]["exit_kind"],
                    last_working_day=date.fromisoformat(entry["values"]["last_working_day"]),
                    initiated_by=INITIATED_BY.get(entry["values"]["exit_kind"], ExitProcess.InitiatedBy.COMPANY),
                    started_by=by, state=ExitProcess.State.COMPLETED, rehire=entry["values"]["rehire"],
                    rehire_reason=entry["values"]["rehire_reason"], outcome=ExitProcess.Outcome.ALUMNUS,
                    alumni_despite=True, completed_at=now, imported=True)
        for member, entry in zip(members, entries, strict=True)], batch_size=1000)
    LeaverStep.objects.bulk_create(
        [LeaverStep(organization_id=by.organization_id, process=process, personal_email=entry["email"])
         for process, entry in zip(processes, entries, strict=True)], batch_size=1000)
    AlumniProfile.objects.bulk_create(
        [AlumniProfile(organization_id=by.organization_id, member=member, listed=False,
                       left_on=process.last_working_day)
         for member, process in zip(members, processes, strict=True)], batch_size=1000)
    locked.status, locked.applied_by, locked.applied_at = PeopleImport.Status.APPLIED, by, now
    locked.preview, locked.new_count, locked.error_count = entries, len(entries), 0
    locked.save()
    progress.advance(len(entries))
    if send_invitations:
        alumni_import_invite(alumni_import=locked, by=by)
    return locked


@transaction.atomic
def alumni_import_invite(*, alumni_import: PeopleImport, by: Membership) -> int:
    """Invite the former employees of an applied import to join the network: each gets one e-mail with
    the one-time link to the consent step. Those invited already are not invited again. Returns how many."""
    _require_importer(by)
    if alumni_import.kind != KIND or alumni_import.status != PeopleImport.Status.APPLIED:
        raise ApplicationError("Apply the import before inviting the former employees it adds.")
    emails = [entry["email"] for entry in alumni_import.preview if entry["kind"] == "new"]
    steps = list(LeaverStep.objects.for_org(by.organization_id).select_for_update(of=("self",))
                 .select_related("process__member__user")
                 .filter(process__imported=True, process__member__user__email__in=emails, access_token_hash="",
                         consented_at__isnull=True))
    organization = by.organization
    for step in steps:
        leaver_link_email(step=step, process=step.process, organization=organization, email=step.personal_email,
                          kind=INVITATION_KIND, template="alumni/email/import_invitation.txt")
    PeopleImport.objects.for_org(by.organization_id).filter(pk=alumni_import.pk).update(
        invitations_sent=alumni_import.invitations_sent + len(steps), updated_at=timezone.now())
    alumni_import.invitations_sent += len(steps)
    return len(steps)


def alumni_import_undelivered(*, alumni_import: PeopleImport) -> list[dict]:
    """The invitations of this import the mail server refused for good or never took (bounced, unknown
    address): the outbox's failed rows, for HR to find another address."""
    emails = [entry["email"] for entry in alumni_import.preview if entry["kind"] == "new"]
    if not emails or not alumni_import.invitations_sent:
        return []
    rows = (OutboundEmail.objects.for_org(alumni_import.organization_id)
            .filter(kind=INVITATION_KIND, status=OutboundEmail.Status.FAILED, to__overlap=emails)
            .order_by("-created_at", "-id").values("to", "last_error")[:FAILED_SHOWN_MAX])
    return [{"email": row["to"][0], "error": row["last_error"]} for row in rows]

