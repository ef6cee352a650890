"""Writing spreadsheets: the export's format from Accept, the CSV and XLSX writers, the download."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote

from anyio import to_thread
from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from callcenter_shared.errors import PROBLEM_RESPONSES
from callcenter_shared.i18n import t
from callcenter_shared.spreadsheets.formats import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    NotAcceptable,
    SheetFormat,
    looks_like_formula,
)

# An XLSX sheet name: at most 31 characters, none of these.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def export_format(format_: SheetFormat | None, accept: str | None) -> SheetFormat:
    """The `format` parameter, else the most preferred acceptable media type; CSV when anything goes."""
    if format_ is not None:
        return format_
    if not accept or not accept.strip():
        return SheetFormat.csv
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *parameters = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranges.append((-quality, position, media))
    for _, _, media in sorted(ranges):
        if media == XLSX_MEDIA_TYPE:
            return SheetFormat.xlsx
        if media in (CSV_MEDIA_TYPE, "text/*", "*/*"):
            return SheetFormat.csv
        if media == "application/*":
            return SheetFormat.xlsx
    raise NotAcceptable(
        t(
            "This export is {CSV_MEDIA_TYPE} or {XLSX_MEDIA_TYPE}; ask with Accept or format=csv|xlsx.",
            CSV_MEDIA_TYPE=CSV_MEDIA_TYPE,
            XLSX_MEDIA_TYPE=XLSX_MEDIA_TYPE,
        )
    )


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The spreadsheet, as an attachment",
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    406: {**PROBLEM_RESPONSES[400], "description": "Neither CSV nor XLSX is acceptable (Accept)"},
}


def attachment(title: str, extension: str) -> str:
    """A Content-Disposition for a file named after `title`, which may hold a caller's text (a category, a
    Chinese team name): an ASCII `filename` with anything else replaced, and the exact name in
    `filename*` (RFC 6266), so the header always encodes."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-") or "export"
    return f"attachment; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{quote(title, safe='')}.{extension}"


async def download(sheet: Sheet, format_: SheetFormat) -> Response:
    """The sheet as an attachment named after its title."""
    return Response(
        await render(sheet, format_),
        media_type=format_.media_type,
        headers={"Content-Disposition": attachment(sheet.title, format_.value)},
    )


@dataclass
class Sheet:
    """What an export writes: a title (the XLSX sheet name, the file's stem), a header and rows."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)


def _text(value: Any) -> Any:
    """A cell value: numbers stay numbers; everything else becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _csv_cell(value: Any) -> Any:
    cell = _text(value)
    return "'" + cell if isinstance(cell, str) and looks_like_formula(cell) else cell


def write_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(name) for name in sheet.header])
    writer.writerows([_csv_cell(value) for value in row] for row in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(worksheet: Any, value: Any) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(worksheet, value=None)
    cell_value = _text(value)
    if isinstance(cell_value, str):
        cell_value = ILLEGAL_CHARACTERS_RE.sub("", cell_value)
    cell = WriteOnlyCell(worksheet, value=cell_value)
    if isinstance(cell_value, str):
        cell.data_type = "s"  # never "f": text that looks like a formula stays text
    return cell


def _sheet_name(title: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("-", title)[:31] or "Sheet"


def write_xlsx(sheet: Sheet) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(_sheet_name(sheet.title))
    for row in (sheet.header, *sheet.rows):
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def render(sheet: Sheet, format_: SheetFormat) -> bytes:
    """The file's bytes, built off the event loop (a large XLSX takes a while)."""
    writer = write_xlsx if format_ is SheetFormat.xlsx else write_csv
    return await to_thread.run_sync(writer, sheet)
