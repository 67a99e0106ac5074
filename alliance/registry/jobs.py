"""Work a worker does while the page shows its progress: an import's apply, a very large export; and the
optional columns apps add to the people import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance.models import Membership


# ---------------------------------------------------------------- background jobs, imports, exports

@dataclass(frozen=True)
class JobKind:
    kind: str
    # run(job=..., progress=...) does the work inside the job's tenant transaction; an ApplicationError
    # it raises fails the job (nothing it wrote is kept) with the error's message.
    run: Callable[..., None]
    # failed(job) puts the job's subject back as it was (an import back to "previewed").
    failed: Callable[..., None] | None = None
    # url(job) -> the page that shows the job's result (the import's page; the job's own page by default).
    url: Callable[..., str] | None = None


_JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: str, *, run: Callable[..., None], failed: Callable[..., None] | None = None,
                      url: Callable[..., str] | None = None) -> None:
    _JOB_KINDS[kind] = JobKind(kind=kind, run=run, failed=failed, url=url)


def job_kind(kind: str) -> JobKind:
    try:
        return _JOB_KINDS[kind]
    except KeyError:
        raise LookupError(f"No background job kind {kind!r} is registered") from None


@dataclass(frozen=True)
class ImportKind:
    kind: str  # PeopleImport.kind: "people", "alumni", "tours"
    # require(member) raises NotAllowed unless the member may import this kind.
    require: Callable[[Membership], None]
    # apply(people_import=..., by=..., progress=..., **options): the kind's all-or-nothing apply.
    apply: Callable[..., Any]
    detail_url_name: str  # the import's page, reversed with org_slug and import_id


_IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: str, *, require: Callable[[Membership], None], apply: Callable[..., Any],
                         detail_url_name: str) -> None:
    _IMPORT_KINDS[kind] = ImportKind(kind=kind, require=require, apply=apply, detail_url_name=detail_url_name)


def import_kind(kind: str) -> ImportKind:
    try:
        return _IMPORT_KINDS[kind]
    except KeyError:
        raise LookupError(f"No import kind {kind!r} is registered") from None



@dataclass(frozen=True)
class PeopleImportColumns:
    """Optional columns an app adds to the people import (the tours app: each person's current tour)."""

    app: str
    label: str  # how the preview names this part of a row ("Tour")
    columns: tuple[tuple[str, str], ...]  # (key, header); keys must not be the people import's own
    aliases: dict[str, str]  # header spelling (lower-case, one space) -> key
    bounds: dict[str, int]  # key -> longest text
    # preview(by, rows, planned) -> one entry per row, {"kind": "new"|"unchanged"|"error", "errors": [...]}.
    # A row is {"row", "email", "manager_email", key: text…}; planned maps every e-mail of the file to the
    # role the file leaves them with (the people may not exist yet).
    preview: Callable[..., list[dict]]
    # apply(by, rows, file_name) -> how many things it made: after the people are written, in the same
    # transaction; raises ApplicationError (with the row number) to refuse the whole file.
    apply: Callable[..., int]


_PEOPLE_IMPORT_COLUMNS: dict[str, PeopleImportColumns] = {}


def register_people_import_columns(app: str, *, label: str, columns: tuple[tuple[str, str], ...],
                                   aliases: dict[str, str], bounds: dict[str, int],
                                   preview: Callable[..., list[dict]], apply: Callable[..., int]) -> None:
    _PEOPLE_IMPORT_COLUMNS[app] = PeopleImportColumns(app=app, label=label, columns=tuple(columns),
                                                      aliases=dict(aliases), bounds=dict(bounds),
                                                      preview=preview, apply=apply)


def people_import_columns() -> list[PeopleImportColumns]:
    return list(_PEOPLE_IMPORT_COLUMNS.values())

# build(viewer, params) -> alliance.exports.Export: an export that runs in the background past
# EXPORT_BACKGROUND_ROWS rows, rebuilt by the worker from the viewer and the request's parameters.
_EXPORTS: dict[str, Callable[..., Any]] = {}


def register_export(key: str, build: Callable[..., Any]) -> None:
    _EXPORTS[key] = build


def export_builder(key: str) -> Callable[..., Any]:
    try:
        return _EXPORTS[key]
    except KeyError:
        raise LookupError(f"No export {key!r} is registered") from None
