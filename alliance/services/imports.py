"""People from a spreadsheet: read, previewed row by row, then applied all or nothing.

The preview checks every row with the members page's rules (``alliance.rights``, the start-date bound,
the manager rules) against the organization *as the file would leave it*: a manager named in the file
may be new in it, a reporting loop is found across the file and the people it does not name. Applying
checks the kept rows again against the organization as it is then, and writes nothing unless every row
passes: new people are added (users without a password, invited only when HR chooses), changed people
are saved through ``membership_write`` (history, open tours follow a new manager), nobody is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alliance import rights
from alliance.errors import ApplicationError, NotAllowed
from alliance.history import context as audit_context
from alliance.jobs import NO_PROGRESS, Progress, job_create, job_launch
from alliance.limits import EMAIL_MAX
from alliance.models import (
    IMPORT_FILE_NAME_MAX,
    BackgroundJob,
    Membership,
    MembershipChange,
    PeopleImport,
    User,
    UserEmailAlias,
)
from alliance.models.people import person_sort_name, validate_time_zone
from alliance.registry import (
    PeopleImportColumns,
    import_kind,
    manager_role_refusals,
    people_import_columns,
    register_import_kind,
    register_job_kind,
)
from alliance.services.members import (
    awaiting_first_sign_in,
    check_employment_start,
    invitation_create,
    membership_write,
    require_role,
)
from alliance.spreadsheets import read_import_rows
from alliance.webhooks.events import webhook_event_emit

# The bounds of an upload: a 5,000-person organization fits many times over.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
MISSING_SHOWN_MAX = 10_000
UNKNOWN_COLUMNS_SHOWN_MAX = 50

# The columns, in the template's order: (key, header).
COLUMNS = (
    ("email", "E-mail"), ("full_name", "Full name"), ("title", "Title"), ("team", "Team"), ("role", "Role"),
    ("manager_email", "Manager e-mail"), ("employment_started_on", "Start date"), ("time_zone", "Time zone"),
)
HEADERS = [header for _key, header in COLUMNS]
LABELS = dict(COLUMNS)
# Other spellings a header may have (compared lower-case, with -, _ and runs of spaces as one space).
ALIASES = {
    "email": "email", "e mail": "email", "work email": "email", "work e mail": "email",
    "full name": "full_name", "name": "full_name",
    "title": "title", "job title": "title", "team": "team", "role": "role",
    "manager e mail": "manager_email", "manager email": "manager_email", "manager": "manager_email",
    "start date": "employment_started_on", "employment start date": "employment_started_on",
    "employment started on": "employment_started_on",
    "time zone": "time_zone", "timezone": "time_zone",
}
TEXT_BOUNDS = {"full_name": 200, "title": 200, "team": 100, "email": EMAIL_MAX, "manager_email": EMAIL_MAX,
               "time_zone": 64, "role": 32, "employment_started_on": 32}
EXAMPLE_ROW = ["ada.lovelace@example.com", "Ada Lovelace", "Engineering Manager", "Platform", "manager",
               "grace.hopper@example.com", "2019-04-01", "Europe/London"]
ROLE_NAMES = {**{value: value for value in Membership.Role.values},
              **{label.lower(): value for value, label in Membership.Role.choices}}
UPDATED_FIELDS = ("title", "team", "role", "manager_email", "employment_started_on")


@dataclass
class RowCheck:
    row: int
    email: str
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    kind: str = ""
    changes: list[dict[str, str]] = field(default_factory=list)
    # The values the row leaves the person with.
    role: str = ""
    manager_email: str = ""
    started_on: date | None = None
    present: frozenset[str] = frozenset()  # the columns the file has
    # The parts the apps' optional columns add ("Tour"): {"label", "kind", "errors"}.
    extras: list[dict] = field(default_factory=list)

    def as_preview(self) -> dict:
        entry = {"row": self.row, "email": self.email, "kind": self.kind,
                 "full_name": self.values.get("full_name", "")}
        if self.errors:
            entry["errors"] = self.errors
        if self.changes:
            entry["changes"] = self.changes
        if self.extras:
            entry["extras"] = self.extras
        return entry


@dataclass
class Check:
    rows: list[RowCheck]
    missing: list[dict]
    existing: dict[str, dict]

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)


def _read_rows(uploaded) -> tuple[str, list[dict], list[str]]:
    aliases, bounds = dict(ALIASES), dict(TEXT_BOUNDS)
    for extension in people_import_columns():
        aliases.update(extension.aliases)
        bounds.update(extension.bounds)
    return read_import_rows(uploaded, aliases=aliases, required={"email": "E-mail"}, bounds=bounds,
                            empty="The file has no people in it.", max_bytes=IMPORT_MAX_BYTES,
                            max_rows=IMPORT_MAX_ROWS, unknown_shown=UNKNOWN_COLUMNS_SHOWN_MAX)


def _existing_people(organization_id: int) -> dict[str, dict]:
    """Everyone of the organization by e-mail (lower-case), with what the file may change: one query."""
    rows = (Membership.objects.for_org(organization_id)
            .values("pk", "user_id", "user__email", "user__full_name", "role", "status", "title", "team",
                    "manager_id", "employment_started_on"))
    people = {row["user__email"].lower(): row for row in rows}
    email_of = {row["pk"]: email for email, row in people.items()}
    for row in people.values():
        row["manager_email"] = email_of.get(row["manager_id"], "")
    return people


def _parse_date(text: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        started_on = date.fromisoformat(text[:10])
    except ValueError:
        errors.append(f"The start date “{text}” is not a date (write it as 2019-04-01).")
        return None
    try:
        check_employment_start(started_on)
    except ApplicationError as error:
        errors.append(error.message)
        return None
    return started_on


def _check_fields(row: dict, by: Membership, existing: dict | None) -> RowCheck:
    values = {key: row.get(key, "") for key, _header in COLUMNS}
    email = values["email"].lower()
    check = RowCheck(row=row["row"], email=email, values=values, present=frozenset(row))
    errors = check.errors
    for key, bound in TEXT_BOUNDS.items():
        if len(values[key]) > bound:
            errors.append(f"{LABELS[key]} is longer than {bound} characters.")
            values[key] = values[key][:bound]
    try:
        validate_email(email)
    except ValidationError:
        errors.append(f"“{values['email'] or '(empty)'}” is not an e-mail address.")
    manager_email = values["manager_email"].lower()
    if manager_email:
        try:
            validate_email(manager_email)
        except ValidationError:
            errors.append(f"The manager e-mail “{values['manager_email']}” is not an e-mail address.")
    role_text = values["role"].strip().lower()
    role = ROLE_NAMES.get(role_text) if role_text else (existing["role"] if existing else Membership.Role.EMPLOYEE)
    if role is None:
        errors.append(f"“{values['role']}” is not a role (employee, manager, HR or admin).")
        role = existing["role"] if existing else Membership.Role.EMPLOYEE
    started_on = _parse_date(values["employment_started_on"], errors)
    if values["time_zone"]:
        try:
            validate_time_zone(values["time_zone"])
        except ValidationError:
            errors.append(f"“{values['time_zone']}” is not a time zone (write it as Europe/London).")
    if existing is None:
        if not values["full_name"]:
            errors.append("A new person needs a full name.")
    else:
        if existing["status"] != Membership.Status.ACTIVE:
            errors.append("This person has left the organization: rehire them from their page instead.")
    if role == Membership.Role.ADMIN and not by.is_admin and (existing is None or existing["role"] != role):
        errors.append("Only an administrator can make someone an administrator.")
    check.role = role
    check.manager_email = manager_email if "manager_email" in row else (existing["manager_email"] if existing else "")
    check.started_on = started_on or (existing["employment_started_on"] if existing else timezone.localdate())
    return check


def _changes(check: RowCheck, existing: dict, row: dict) -> list[dict[str, str]]:
    """What the row changes, field by field. A person's name is theirs to keep (they may have corrected it):
    the file fills it in for new people only. A column the file does not have leaves its field alone."""
    old = {"title": existing["title"], "team": existing["team"], "role": existing["role"],
           "manager_email": existing["manager_email"],
           "employment_started_on": existing["employment_started_on"].isoformat()}
    new = {"role": check.role, "manager_email": check.manager_email,
           "employment_started_on": check.started_on.isoformat(),
           "title": check.values["title"] if "title" in row else old["title"],
           "team": check.values["team"] if "team" in row else old["team"]}
    return [{"field": name, "label": LABELS[name], "old": old[name], "new": new[name]}
            for name in UPDATED_FIELDS if old[name] != new[name]]


def _check_graph(checks: list[RowCheck], existing: dict[str, dict]) -> None:
    """Managers across the file and everyone it leaves as they are: a manager exists, may manage, is not the
    person; no reporting loop; nobody who keeps reports loses the manager role."""
    role_of = {email: row["role"] for email, row in existing.items() if row["status"] == Membership.Status.ACTIVE}
    manager_of = {email: row["manager_email"] for email, row in existing.items()
                  if row["status"] == Membership.Status.ACTIVE}
    for check in checks:
        role_of[check.email], manager_of[check.email] = check.role, check.manager_email
    for check in checks:
        if not check.manager_email:
            continue
        if check.manager_email == check.email:
            check.errors.append("Nobody can be their own manager.")
        elif check.manager_email not in role_of:
            check.errors.append(f"The manager {check.manager_email} is neither in the file nor an active member.")
        elif role_of[check.manager_email] not in rights.MANAGER_ROLES:
            check.errors.append(f"The manager {check.manager_email} is not a manager, HR person or admin "
                                "(give them a manager role in the file, or choose another manager).")
    acyclic: set[str] = set()
    for check in checks:
        seen, cursor = [], check.email
        while cursor and cursor not in acyclic and cursor not in seen:
            seen.append(cursor)
            cursor = manager_of.get(cursor, "")
        if cursor and cursor in seen and check.email in seen[seen.index(cursor):]:
            if "Nobody can be their own manager." not in check.errors:
                check.errors.append("That would make a reporting loop: " + " → ".join(
                    [*seen[seen.index(cursor):], cursor]) + ".")
        else:
            acyclic.update(seen if not cursor or cursor in acyclic else [])
    if not any(role == Membership.Role.ADMIN for role in role_of.values()):
        for check in checks:
            if existing.get(check.email, {}).get("role") == Membership.Role.ADMIN:
                check.errors.append("The organization needs at least one administrator.")
    reports: dict[str, int] = {}
    for manager_email in manager_of.values():
        if manager_email:
            reports[manager_email] = reports.get(manager_email, 0) + 1
    for check in checks:
        if check.role not in rights.MANAGER_ROLES and reports.get(check.email):
            count = reports[check.email]
            check.errors.append(f"{check.email} would keep {count} direct report{'s' if count != 1 else ''} "
                                "without a manager role: give them a new manager in the file first.")


def _check_rows(by: Membership, rows: list[dict]) -> Check:
    existing = _existing_people(by.organization_id)
    checks, first_row = [], {}
    for row in rows:
        person = existing.get(row.get("email", "").strip().lower())
        check = _check_fields(row, by, person)
        if check.email in first_row:
            check.errors.append(f"{check.email} appears more than once (first in row {first_row[check.email]}).")
        else:
            first_row[check.email] = check.row
        checks.append(check)
    _check_graph(checks, existing)
    new_emails = [check.email for check in checks if check.email not in existing]
    for email in UserEmailAlias.objects.filter(email__in=new_emails).values_list("email", flat=True):
        for check in checks:
            if check.email == email:
                check.errors.append(f"{email} is the former address of another account; use its current one.")
    _check_extensions(by, checks, rows)
    for check, row in zip(checks, rows, strict=True):
        person = existing.get(check.email)
        if not check.errors and person is not None and person["role"] in rights.MANAGER_ROLES \
                and check.role not in rights.MANAGER_ROLES:
            member = Membership.objects.for_org(by.organization_id).select_related("user").get(pk=person["pk"])
            check.errors.extend(manager_role_refusals(member))
        if check.errors:
            check.kind = "error"
        elif person is None:
            check.kind = "new"
        else:
            check.changes = _changes(check, person, row)
            check.kind = "changed" if check.changes else "unchanged"
            if check.changes and not rights.can_change_member(by, _as_member(person, by)):
                check.errors.append("Only an administrator can change an administrator.")
                check.kind = "error"
    named = {check.email for check in checks}
    missing = [{"id": row["pk"], "email": email, "full_name": row["user__full_name"]}
               for email, row in sorted(existing.items())
               if row["status"] == Membership.Status.ACTIVE and email not in named][:MISSING_SHOWN_MAX]
    return Check(rows=checks, missing=missing, existing=existing)


def _extension_rows(extension: PeopleImportColumns, checks: list[RowCheck],
                    rows: list[dict]) -> tuple[list[RowCheck], list[dict]]:
    """The rows with something in an app's optional columns, as that app reads them: the person's e-mail,
    the manager the file leaves them with, the app's cells."""
    keys = [key for key, _header in extension.columns]
    chosen = [(check, row) for check, row in zip(checks, rows, strict=True) if any(row.get(key) for key in keys)]
    return ([check for check, _row in chosen],
            [{"row": check.row, "email": check.email, "manager_email": check.manager_email,
              **{key: row.get(key, "") for key in keys}} for check, row in chosen])


def _check_extensions(by: Membership, checks: list[RowCheck], rows: list[dict]) -> None:
    """Each app's part of the rows (a person's current tour), against the organization as the file leaves
    it; an error there is an error of the row."""
    planned = {check.email: check.role for check in checks}
    for extension in people_import_columns():
        chosen, extension_rows = _extension_rows(extension, checks, rows)
        if not chosen:
            continue
        for check, entry in zip(chosen, extension.preview(by, extension_rows, planned), strict=True):
            check.extras.append({"label": extension.label, "kind": entry["kind"], "errors": entry["errors"]})
            check.errors.extend(f"{extension.label}: {error}" for error in entry["errors"])


def _as_member(person: dict, by: Membership) -> Membership:
    """An unsaved membership with a person's organization and role, for the rights that read only those."""
    return Membership(pk=person["pk"], organization_id=by.organization_id, role=person["role"],
                      status=person["status"])


def _require_importer(by: Membership) -> None:
    if not rights.can_manage_members(by):
        raise NotAllowed("Only HR or an administrator can import people.")


@transaction.atomic
def people_import_preview(*, by: Membership, uploaded) -> PeopleImport:
    """Read a CSV or XLSX of people and keep its preview; nothing about anyone changes."""
    _require_importer(by)
    file_format, rows, unknown = _read_rows(uploaded)
    check = _check_rows(by, rows)
    name = (getattr(uploaded, "name", "") or "people").replace("\\", "/").rsplit("/", 1)[-1]
    return PeopleImport.objects.create(
        organization_id=by.organization_id, created_by=by, file_name=name[:IMPORT_FILE_NAME_MAX] or "people",
        file_format=file_format, rows=rows, preview=[row.as_preview() for row in check.rows],
        unknown_columns=unknown, missing=check.missing, new_count=check.count("new"),
        changed_count=check.count("changed"), unchanged_count=check.count("unchanged"),
        error_count=check.count("error"))


def _add_new_people(by: Membership, new_rows: list[RowCheck]) -> dict[str, Membership]:
    """Users (reused when they exist elsewhere, else without a password) and their memberships, in bulk."""
    emails = [row.email for row in new_rows]
    users = {user.email.lower(): user for user in User.objects.filter(email__in=emails)}
    unusable = make_password(None)
    fresh = [User(email=row.email, full_name=row.values["full_name"], time_zone=row.values["time_zone"] or "UTC",
                  password=unusable) for row in new_rows if row.email not in users]
    for user in User.objects.bulk_create(fresh, batch_size=1000):
        users[user.email.lower()] = user
    members = [Membership(organization_id=by.organization_id, user=users[row.email], role=row.role,
                          title=row.values["title"], team=row.values["team"], employment_started_on=row.started_on,
                          sort_name=person_sort_name(users[row.email].full_name, row.email))
               for row in new_rows]
    created = Membership.objects.bulk_create(members, batch_size=1000)
    return {row.email: member for row, member in zip(new_rows, created, strict=True)}


@transaction.atomic
def people_import_apply(*, people_import: PeopleImport, by: Membership, send_invitations: bool = False,
                        progress: Progress = NO_PROGRESS) -> PeopleImport:
    """Apply a previewed import, all or nothing, after checking its rows again against the organization as
    it is now. Applying an applied import does nothing."""
    _require_importer(by)
    audit_context.add(source="import", member=by.pk, **{"import": people_import.pk})
    locked = PeopleImport.objects.for_org(by.organization_id).select_for_update().get(pk=people_import.pk)
    if locked.status == PeopleImport.Status.APPLIED:
        return locked
    progress.start(len(locked.rows))
    check = _check_rows(by, locked.rows)
    errors = [row for row in check.rows if row.kind == "error"]
    if errors:
        first = errors[0]
        raise ApplicationError(
            f"{len(errors)} row{'s have' if len(errors) != 1 else ' has'} errors (row {first.row}: "
            f"{first.errors[0]}); nothing was changed.")
    new_rows = [row for row in check.rows if row.kind == "new"]
    added = _add_new_people(by, new_rows)
    progress.advance(len(check.rows) - check.count("changed"))
    by_email = dict(added)
    changed = [row for row in check.rows if row.kind == "changed"]
    needed = {row.email for row in changed} | {row.manager_email for row in check.rows if row.manager_email}
    needed -= set(by_email)
    if needed:
        for member in (Membership.objects.for_org(by.organization_id).select_related("user", "manager__user")
                       .filter(user__email__in=needed)):
            by_email[member.user.email.lower()] = member
    with_managers = []
    for row in new_rows:
        if row.manager_email:
            member = added[row.email]
            member.manager = by_email[row.manager_email]
            with_managers.append(member)
    Membership.objects.bulk_update(with_managers, ["manager"], batch_size=1000)
    for member in added.values():
        webhook_event_emit("member.created", member)
    for row in changed:
        member = by_email[row.email]
        membership_write(membership=member, by=by, role=row.role,
                         manager=by_email[row.manager_email] if row.manager_email else None,
                         title=row.values["title"] if "title" in row.present else member.title,
                         team=row.values["team"] if "team" in row.present else member.team,
                         employment_started_on=row.started_on, source=MembershipChange.Source.IMPORT)
        progress.advance()
    for extension in people_import_columns():
        _chosen, extension_rows = _extension_rows(extension, check.rows, locked.rows)
        if extension_rows:
            extension.apply(by, extension_rows, locked.file_name)
    locked.status, locked.applied_by, locked.applied_at = PeopleImport.Status.APPLIED, by, timezone.now()
    locked.preview = [row.as_preview() for row in check.rows]
    locked.new_count, locked.changed_count = len(new_rows), len(changed)
    locked.unchanged_count, locked.error_count = check.count("unchanged"), 0
    locked.missing = check.missing
    locked.save()
    if send_invitations:
        people_import_invite(people_import=locked, by=by)
    return locked


@transaction.atomic
def people_import_invite(*, people_import: PeopleImport, by: Membership) -> int:
    """Invite the people this import added who have not signed in yet (HR's choice: now or later).
    Returns how many invitations were sent."""
    _require_importer(by)
    require_role(by, hr=True)
    if people_import.status != PeopleImport.Status.APPLIED:
        raise ApplicationError("Apply the import before inviting the people it adds.")
    emails = [entry["email"] for entry in people_import.preview if entry["kind"] == "new"]
    waiting = [member for member in Membership.objects.for_org(by.organization_id)
               .select_related("user", "manager").filter(user__email__in=emails)
               if awaiting_first_sign_in(member)]
    for member in waiting:
        invitation_create(by=by, email=member.user.email, role=member.role, title=member.title, team=member.team,
                          manager=member.manager, employment_started_on=member.employment_started_on)
    PeopleImport.objects.for_org(by.organization_id).filter(pk=people_import.pk).update(
        invitations_sent=people_import.invitations_sent + len(waiting), updated_at=timezone.now())
    people_import.invitations_sent += len(waiting)
    return len(waiting)


# --- Applying in the background (every import kind) --------------------------------------------------

IMPORT_APPLY_JOB = "import-apply"


@transaction.atomic
def import_apply_start(*, people_import: PeopleImport, by: Membership, options: dict | None = None) -> PeopleImport:
    """Apply an import of any kind: the intent is recorded ("applying", a background job), then a file of up
    to IMPORT_BACKGROUND_ROWS rows is applied at once (an ApplicationError of the apply is raised, nothing
    changed) and a larger one by a worker while the import's page shows the progress. Asking again while it
    applies, or once it applied, changes nothing."""
    kind = import_kind(people_import.kind)
    kind.require(by)
    locked = PeopleImport.objects.for_org(by.organization_id).select_for_update().get(pk=people_import.pk,
                                                                                         kind=people_import.kind)
    if locked.status != PeopleImport.Status.PREVIEWED:
        return locked
    rows = len(locked.rows)
    job = job_create(by=by, kind=IMPORT_APPLY_JOB, title=f"Import of {locked.file_name}",
                     params={"import_id": locked.pk, "options": options or {}}, total=rows)
    locked.status, locked.job = PeopleImport.Status.APPLYING, job
    locked.save(update_fields=["status", "job", "updated_at"])
    job_launch(job, inline=rows <= settings.IMPORT_BACKGROUND_ROWS)
    locked.refresh_from_db()
    return locked


def _run_import_apply(*, job: BackgroundJob, progress: Progress) -> None:
    people_import = PeopleImport.objects.for_org(job.organization_id).filter(pk=job.params["import_id"]).first()
    if people_import is None:
        raise ApplicationError("The import was deleted; nothing was changed.")
    import_kind(people_import.kind).apply(people_import=people_import, by=job.requested_by, progress=progress,
                                          **job.params.get("options", {}))


def _import_apply_failed(job: BackgroundJob) -> None:
    PeopleImport.objects.for_org(job.organization_id).filter(
        pk=job.params["import_id"], status=PeopleImport.Status.APPLYING).update(
        status=PeopleImport.Status.PREVIEWED, updated_at=timezone.now())


def _import_page(job: BackgroundJob) -> str:
    people_import = PeopleImport.objects.for_org(job.organization_id).filter(pk=job.params["import_id"]).first()
    slug = job.requested_by.organization.slug
    if people_import is None:
        return reverse("background_job", kwargs={"org_slug": slug, "job_id": job.pk})
    return reverse(import_kind(people_import.kind).detail_url_name,
                   kwargs={"org_slug": slug, "import_id": people_import.pk})


def _apply_people(*, people_import: PeopleImport, by: Membership, progress: Progress,
                  send_invitations: bool = False) -> PeopleImport:
    return people_import_apply(people_import=people_import, by=by, send_invitations=send_invitations,
                               progress=progress)


def register() -> None:
    """The apply job and the people import kind (from AllianceConfig.ready())."""
    register_job_kind(IMPORT_APPLY_JOB, run=_run_import_apply, failed=_import_apply_failed, url=_import_page)
    register_import_kind("people", require=_require_importer, apply=_apply_people,
                         detail_url_name="people_import_detail")
