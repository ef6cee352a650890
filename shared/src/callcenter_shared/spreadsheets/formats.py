"""The two formats, their media types, and the refusals an export or an import answers with."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from callcenter_shared.errors import DomainError, InvalidInput
from callcenter_shared.i18n import t

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class SheetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"

    @property
    def media_type(self) -> str:
        return f"{CSV_MEDIA_TYPE}; charset=utf-8" if self is SheetFormat.csv else XLSX_MEDIA_TYPE


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


FORMAT_DESCRIPTION = "csv or xlsx; overrides the Accept (export) or Content-Type (import) header"


# Refusals


class NotAcceptable(DomainError):
    status = 406
    title = t("Not acceptable")
    slug = "not-acceptable"


class UnsupportedMediaType(DomainError):
    status = 415
    title = t("Unsupported media type")
    slug = "unsupported-media-type"


class SpreadsheetTooLarge(DomainError):
    status = 413
    title = t("Request too large")
    slug = "too-large"


class MalformedSpreadsheet(DomainError):
    """Not a readable file of the format it claims: not a zip, not UTF-8, broken CSV quoting."""

    status = 400
    title = t("Malformed spreadsheet")
    slug = "malformed-spreadsheet"


class ImportRefused(InvalidInput):
    """All rows or none: nothing was imported; `errors` lists every refused row."""


def row_error(row: int, column: str | None, detail: str, *, rule: str | None = None, kind: str) -> dict[str, Any]:
    """One entry of an import refusal's `errors`: where (row as the spreadsheet numbers it, column), why."""
    return {"row": row, "column": column, "rule": rule, "type": kind, "detail": detail}
