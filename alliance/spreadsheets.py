"""Spreadsheets in and out (CSV and XLSX, through ``tablib`` and its ``openpyxl`` backend).

* ``read_table(uploaded, ...)`` recognizes the file by its bytes (an XLSX is a zip archive holding
  ``xl/workbook.xml``; a CSV is UTF-8 text without NUL bytes), whatever its name says; refuses a file
  over ``max_bytes`` or over ``max_rows`` rows, and an archive that would unpack to too much (a zip bomb
  is refused unread); returns the header names and the rows as text cells.
* ``table_bytes(headers, rows, fmt)`` writes a CSV or an XLSX whose text cells cannot run as formulas.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import tablib

from alliance.errors import ApplicationError
from alliance.exports import spreadsheet_safe

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ZIP_MAGIC = b"PK\x03\x04"
MAX_ARCHIVE_ENTRIES = 500
MAX_ARCHIVE_UNPACKED = 100 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    format: str
    headers: list[str]
    rows: list[list[str]]


def _refuse(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_bytes(uploaded, max_bytes: int, name: str, field: str) -> bytes:
    too_big = _refuse(f"“{name}” is larger than {max_bytes // (1024 * 1024)} MB; split it into smaller files.",
                      field)
    if getattr(uploaded, "size", None) is not None and uploaded.size > max_bytes:
        raise too_big
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    content = uploaded.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_big
    if not content:
        raise _refuse(f"“{name}” is empty.", field)
    return content


def _xlsx_dataset(content: bytes, name: str, field: str) -> tablib.Dataset:
    unreadable = _refuse(f"“{name}” is not a readable XLSX workbook.", field)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_ARCHIVE_UNPACKED:
                raise _refuse(f"“{name}” unpacks to too much to be a spreadsheet.", field)
            if "xl/workbook.xml" not in archive.namelist():
                raise unreadable
        return tablib.Dataset().load(io.BytesIO(content), format=XLSX, headers=False)
    except ApplicationError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook  # noqa: BLE001
        raise unreadable from error


def _csv_dataset(content: bytes, name: str, field: str) -> tablib.Dataset:
    not_csv = _refuse(f"“{name}” is not a CSV (UTF-8 text) or XLSX file, whatever its name says.", field)
    if b"\x00" in content:
        raise not_csv
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_csv from error
    try:
        return tablib.Dataset().load(text, format=CSV, headers=False)
    except Exception as error:  # the csv module's errors on a malformed file  # noqa: BLE001
        raise _refuse(f"“{name}” is not a readable CSV file.", field) from error


def read_table(uploaded, *, max_bytes: int, max_rows: int, field: str = "file") -> Table:
    """The file's header names and its rows (text cells, blank rows dropped), or ApplicationError."""
    name = (getattr(uploaded, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    content = _read_bytes(uploaded, max_bytes, name, field)
    if content.startswith(ZIP_MAGIC):
        dataset, fmt = _xlsx_dataset(content, name, field), XLSX
    else:
        dataset, fmt = _csv_dataset(content, name, field), CSV
    raw = [[_text(cell) for cell in row] for row in dataset]
    if not raw:
        raise _refuse(f"“{name}” has no header row.", field)
    headers, body = raw[0], raw[1:]
    # A row number is the spreadsheet's (the header is row 1); blank rows are kept as blanks to keep them.
    if sum(1 for row in body if any(row)) > max_rows:
        raise _refuse(f"“{name}” has more than {max_rows:,} rows; split it into smaller files.", field)
    return Table(format=fmt, headers=headers, rows=body)


def read_import_rows(uploaded, *, aliases: Mapping[str, str], required: Mapping[str, str], bounds: Mapping[str, int],
                     empty: str, max_bytes: int, max_rows: int,
                     unknown_shown: int) -> tuple[str, list[dict], list[str]]:
    """An import file's format, its rows as ``{"row": number, key: text, …}`` and its unknown columns.

    Headers are matched to keys through ``aliases`` (case, spaces, dashes and underscores ignored); each
    cell is cut just past its key's bound in ``bounds``, long enough for the preview to say it is too
    long, no longer. Refused: a column twice, a ``required`` column missing (key → its label), a file
    with no rows (``empty`` says so)."""
    table = read_table(uploaded, max_bytes=max_bytes, max_rows=max_rows)
    keys: list[str | None] = []
    unknown = []
    for header in table.headers:
        name = header.strip()
        key = aliases.get(re.sub(r"[\s_\-]+", " ", name.lower()).strip()) if name else None
        if key is None and name:
            unknown.append(name[:100])
        if key is not None and key in keys:
            raise _refuse(f"The column “{header}” appears twice.", "file")
        keys.append(key)
    for key, label in required.items():
        if key not in keys:
            raise _refuse(f"The file needs a “{label}” column (download the template to see every column).", "file")
    rows = []
    for number, cells in enumerate(table.rows, start=2):  # row 1 is the header
        if any(cells):
            rows.append({"row": number, **{key: (cells[index][:bounds[key] + 1] if index < len(cells) else "")
                                          for index, key in enumerate(keys) if key}})
    if not rows:
        raise _refuse(empty, "file")
    return table.format, rows, unknown[:unknown_shown]


def table_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], fmt: str, *, title: str = "People") -> bytes:
    """A CSV (UTF-8) or XLSX of ``rows`` under ``headers``, every text cell formula-safe."""
    dataset = tablib.Dataset(headers=list(headers), title=title[:31])
    for row in rows:
        dataset.append([spreadsheet_safe("" if cell is None else cell) for cell in row])
    if fmt == XLSX:
        return dataset.export(XLSX)
    return dataset.export(CSV).encode("utf-8")
