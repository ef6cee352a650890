"""Reading spreadsheets: the import's format from Content-Type, the rows of a file, rows into request bodies."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

from anyio import to_thread
from openpyxl import load_workbook
from pydantic import ValidationError

from callcenter_shared.errors import PROBLEM_RESPONSES, DomainError
from callcenter_shared.i18n import t
from callcenter_shared.spreadsheets.formats import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    ImportRefused,
    MalformedSpreadsheet,
    SheetFormat,
    SpreadsheetTooLarge,
    UnsupportedMediaType,
    looks_like_formula,
    row_error,
)


def import_format(format_: SheetFormat | None, content_type: str | None) -> SheetFormat:
    """The `format` parameter, else the body's Content-Type."""
    if format_ is not None:
        return format_
    media = (content_type or "").split(";")[0].strip().lower()
    if media in (CSV_MEDIA_TYPE, "application/csv"):
        return SheetFormat.csv
    if media == XLSX_MEDIA_TYPE:
        return SheetFormat.xlsx
    raise UnsupportedMediaType(
        t(
            "Send the file as the request body with Content-Type {CSV_MEDIA_TYPE} or {XLSX_MEDIA_TYPE} "
            "(or add format=csv|xlsx).",
            CSV_MEDIA_TYPE=CSV_MEDIA_TYPE,
            XLSX_MEDIA_TYPE=XLSX_MEDIA_TYPE,
        )
    )


IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**PROBLEM_RESPONSES[400], "description": "Not a readable CSV (UTF-8) or XLSX file"},
    413: {**PROBLEM_RESPONSES[413], "description": "Over the size or row limit"},
    415: {**PROBLEM_RESPONSES[400], "description": "Neither text/csv nor XLSX"},
    422: {
        **PROBLEM_RESPONSES[422],
        "description": "Nothing imported: `errors` lists every refused row (row, column, rule, type, detail)",
    },
}


def import_body(csv_example: str) -> dict[str, Any]:
    """The request body of an import, for the OpenAPI document (the route reads the raw body)."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}, "example": csv_example},
                XLSX_MEDIA_TYPE: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(an XLSX workbook: the same header in row 1 of its first sheet, one row each below)",
                },
            },
        }
    }


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_unpacked_bytes: int


@dataclass(frozen=True)
class SheetRow:
    """A data row: its number as the spreadsheet shows it, and its non-empty cells by column name."""

    number: int
    values: dict[str, str]


def _cell_text(value: Any) -> str:
    """What a cell holds, as text: XLSX numbers, booleans, dates and times in their usual spelling."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) and value.tzinfo is None else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedSpreadsheet(
            t(
                "The CSV file is not UTF-8 text (byte {start}): save it as 'CSV UTF-8 (comma delimited)'.",
                start=exc.start,
            )
        ) from exc
    if "\x00" in text:
        raise MalformedSpreadsheet(t("The CSV file holds NUL characters: it is not a text file."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""), strict=True)
    except csv.Error as exc:
        raise MalformedSpreadsheet(t("The CSV file cannot be read: {exc}.", exc=exc)) from exc


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[list[Any]]:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise MalformedSpreadsheet(t("The file is not an XLSX workbook (an XLSX file is a zip archive)."))
    try:
        with zipfile.ZipFile(buffer) as archive:
            # The declared sizes bound what zipfile will unpack, so this check holds for the parse.
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise MalformedSpreadsheet(t("The XLSX file is a broken zip archive.")) from exc
    if unpacked > limits.max_unpacked_bytes:
        raise SpreadsheetTooLarge(
            t(
                "The workbook unpacks to {unpacked} bytes; at most {max_unpacked_bytes} are read.",
                unpacked=unpacked,
                max_unpacked_bytes=limits.max_unpacked_bytes,
            )
        )
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise MalformedSpreadsheet(t("The XLSX file is not a readable workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise MalformedSpreadsheet(t("The workbook has no sheet."))
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    except DomainError:
        raise
    except Exception as exc:
        raise MalformedSpreadsheet(t("The XLSX file's first sheet cannot be read.")) from exc
    finally:
        workbook.close()


def _rows(data: bytes, format_: SheetFormat, limits: Limits) -> Iterable[list[Any]]:
    return _xlsx_rows(data, limits) if format_ is SheetFormat.xlsx else _csv_rows(data)


def _header(cells: list[Any], required: Sequence[str]) -> list[str]:
    names = [_cell_text(cell).lower() for cell in cells]
    seen = [name for name in names if name]
    duplicates = sorted({name for name in seen if seen.count(name) > 1})
    errors = [
        row_error(1, name, t("The column {name} appears twice.", name=name), kind="duplicate_column")
        for name in duplicates
    ]
    errors += [
        row_error(1, name, t("The header row lacks the column {name}.", name=name), kind="missing_column")
        for name in required
        if name not in names
    ]
    if errors:
        raise ImportRefused(
            t("The header row (row 1) does not name the columns this import needs; nothing was imported."),
            errors=errors,
        )
    return names


def read(data: bytes, format_: SheetFormat, *, required: Sequence[str], limits: Limits) -> list[SheetRow]:
    """The data rows under the header; refuses an oversized, unreadable or header-less file."""
    if len(data) > limits.max_bytes:
        raise SpreadsheetTooLarge(
            t(
                "The file has {count} bytes; an import takes at most {max_bytes}.",
                count=len(data),
                max_bytes=limits.max_bytes,
            )
        )
    if not data:
        raise MalformedSpreadsheet(t("The request has no file: send the spreadsheet as the body."))
    rows = iter(_rows(data, format_, limits))
    first = next(rows, None)
    if first is None:
        raise ImportRefused(
            t("The file is empty: row 1 must be the header."),
            errors=[row_error(1, None, t("There is no header row."), kind="missing_header")],
        )
    header = _header(first, required)
    found: list[SheetRow] = []
    for number, cells in enumerate(rows, start=2):
        values = {
            name: text
            for name, text in zip(header, (_cell_text(cell) for cell in cells), strict=False)
            if name and text
        }
        if not values:
            continue
        if len(found) == limits.max_rows:
            raise SpreadsheetTooLarge(
                t("The file has more than {max_rows} rows; import it in parts.", max_rows=limits.max_rows)
            )
        found.append(SheetRow(number, values))
    return found


async def parse(data: bytes, format_: SheetFormat, *, required: Sequence[str], limits: Limits) -> list[SheetRow]:
    """`read`, off the event loop."""
    return await to_thread.run_sync(partial(read, data, format_, required=required, limits=limits))


def formula_errors(row: SheetRow) -> list[dict[str, Any]]:
    """The row's cells that a spreadsheet would run as a formula (also behind the `'` an export adds)."""
    return [
        row_error(
            row.number,
            column,
            t(
                "The cell starts with {character!r}: a spreadsheet would run it as a formula, so it is not "
                "imported. Remove the leading character.",
                character=text[:1],
            ),
            kind="formula",
        )
        for column, text in row.values.items()
        if looks_like_formula(text.removeprefix("'"))
    ]


# Turning rows into request bodies


def body(
    row: SheetRow,
    columns: Sequence[str],
    *,
    integers: Sequence[str] = (),
    booleans: Sequence[str] = (),
    lists: Sequence[str] = (),
) -> dict[str, Any]:
    """The row's cells of `columns` as a request body for the endpoint's own model.

    Whole numbers, `true`/`false` and `;`-separated lists are converted; anything else stays text for
    the model to accept or refuse, so a spreadsheet row passes exactly the checks a JSON body does.
    """
    values: dict[str, Any] = {}
    for column in columns:
        text = row.values.get(column)
        if text is None:
            continue
        if column in integers and re.fullmatch(r"\d{1,9}", text):
            values[column] = int(text)
        elif column in booleans and text.lower() in ("true", "false"):
            values[column] = text.lower() == "true"
        elif column in lists:
            values[column] = [part.strip() for part in text.split(";") if part.strip()]
        else:
            values[column] = text
    return values


def validation_errors(row: SheetRow, exc: ValidationError) -> list[dict[str, Any]]:
    """The model's refusals of a row, each with the column it names (none for a rule across columns)."""
    return [
        row_error(row.number, str(error["loc"][0]) if error["loc"] else None, error["msg"], kind=error["type"])
        for error in exc.errors()
    ]


def refusal(row: SheetRow, exc: DomainError, column: str | None = None) -> dict[str, Any]:
    """A service's refusal of a row: the rule it names, and the column its `errors` point at, else `column`."""
    paths = [str(error.get("path", "")) for error in exc.extensions.get("errors") or [] if isinstance(error, dict)]
    named = next((path.removeprefix("body.") for path in paths if path), None)
    return row_error(row.number, named or column, exc.detail, rule=getattr(exc, "rule_id", None), kind=exc.slug)


def refuse_rows(errors: list[dict[str, Any]], total: int) -> ImportRefused:
    rows = len({error["row"] for error in errors})
    return ImportRefused(
        t("{rows} of {total} rows were refused; nothing was imported.", rows=rows, total=total),
        errors=sorted(errors, key=lambda error: (error["row"], error["column"] or "")),
    )
