"""Exports past ``EXPORT_BACKGROUND_ROWS`` rows: written to a file by a worker, offered when ready.

An export view says one line, ``export_response(request, key=..., fmt=...)``; its app registered ``key``
with ``alliance.registry.register_export`` as a builder ``build(viewer=..., params=...) -> Export`` (the
rows the viewer may see, read lazily in keyset batches, and their count). Under the threshold the answer
streams at once (``alliance.exports.streaming_csv``); past it, a background job (``alliance.jobs``) is
started and the person lands on its page, whose progress bar turns into a download link when the file is
ready. The worker builds the export again from the same viewer and parameters, so it sees exactly what the
viewer may see when it runs, and the file is served only to the person who asked (``alliance.views.jobs``).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect

from alliance.exports import csv_lines, streaming_csv
from alliance.jobs import Progress, job_create, job_file_save, job_launch
from alliance.models import BackgroundJob
from alliance.registry import export_builder, register_job_kind
from alliance.spreadsheets import CONTENT_TYPES, CSV, XLSX, table_bytes

EXPORT_JOB = "export"


@dataclass
class Export:
    filename: str  # without its extension
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]  # read lazily (alliance.exports.keyset_rows)
    total: int
    title: str = "Export"  # an XLSX sheet's name


def _query(params: QueryDict) -> dict[str, list[str]]:
    return {key: params.getlist(key) for key in params if key != "format"}


def export_response(request, *, key: str, fmt: str = CSV) -> HttpResponse:
    """The export ``key`` for the request's member: streamed now, or past the threshold a background job."""
    export = export_builder(key)(viewer=request.member, params=request.GET)
    if export.total > settings.EXPORT_BACKGROUND_ROWS:
        job = job_create(by=request.member, kind=EXPORT_JOB, title=f"Export {export.filename}.{fmt}",
                         params={"key": key, "fmt": fmt, "query": _query(request.GET)}, total=export.total)
        job_launch(job, inline=False)
        return redirect("background_job", org_slug=request.org.slug, job_id=job.pk)
    if fmt == CSV:
        return streaming_csv(f"{export.filename}.csv", export.header, export.rows)
    response = HttpResponse(table_bytes(export.header, export.rows, XLSX, title=export.title),
                            content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = f'attachment; filename="{export.filename}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _counted(rows: Iterable[Sequence[Any]], progress: Progress) -> Iterator[Sequence[Any]]:
    for row in rows:
        yield row
        progress.advance()


def _run_export(*, job: BackgroundJob, progress: Progress) -> None:
    params = QueryDict(mutable=True)
    for name, values in job.params.get("query", {}).items():
        params.setlist(name, values)
    export = export_builder(job.params["key"])(viewer=job.requested_by, params=params)
    fmt = job.params.get("fmt", CSV)
    progress.start(export.total)
    with tempfile.TemporaryFile() as spool:
        if fmt == XLSX:
            spool.write(table_bytes(export.header, _counted(export.rows, progress), XLSX, title=export.title))
        else:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            text.writelines(csv_lines(export.header, _counted(export.rows, progress)))
            text.flush()
            text.detach()
        spool.seek(0)
        job_file_save(job, content=File(spool), file_name=f"{export.filename}.{fmt}")
    job.total = progress.done


def register() -> None:
    """The export job kind (from AllianceConfig.ready())."""
    register_job_kind(EXPORT_JOB, run=_run_export)
