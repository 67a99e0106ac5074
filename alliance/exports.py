"""Exports: CSV written row by row as it is read, in constant memory, safe to open in a spreadsheet.

``streaming_csv`` answers at once and writes each row as it comes; ``keyset_rows`` reads the rows in
batches ordered by id (``WHERE id > last ORDER BY id LIMIT n``, which the tenant tables' index on
``(organization_id, id)`` serves), each batch by its own query in the organization's tenant context:
no server-side cursor (off under PgBouncer's transaction pooling), no OFFSET, at most one batch in
memory whatever the export's size. The batches are read while the response streams, after the
request's own tenant context has closed, so each sets its own.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from alliance import tenancy

# Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one) as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH_SIZE = 2000


def spreadsheet_safe(value: Any) -> Any:
    """``value``, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file whose ``write`` hands back what it was given: csv.writer then returns each line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, a line at a time; every text cell made spreadsheet-safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def streaming_csv(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def keyset_rows(queryset: QuerySet, *, organization_id: int, to_rows: Callable[[list], Iterable[Sequence[Any]]],
                batch_size: int | None = None) -> Iterator[Sequence[Any]]:
    """The rows ``to_rows`` makes of each batch of ``queryset``'s objects, in id order.

    ``to_rows`` runs inside the batch's tenant context, so it may read more for the batch (one query
    per batch for the people's consents, say), never one per object."""
    size = batch_size or BATCH_SIZE
    last_id = None
    while True:
        page = queryset.order_by("id")
        if last_id is not None:
            page = page.filter(id__gt=last_id)
        with tenancy.tenant_context(organization_id):
            objects = list(page[:size])
            rows = list(to_rows(objects)) if objects else []
        yield from rows
        if len(objects) < size:
            return
        last_id = objects[-1].pk
