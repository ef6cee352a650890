"""Spreadsheets in and out: CSV (UTF-8 with a BOM, so Excel shows Chinese text) and XLSX (openpyxl).

One convention for every service:

- The format is the `format` query parameter (`csv` or `xlsx`) when given; otherwise, for an export,
  the `Accept` header (`text/csv` or the XLSX media type; `*/*` or none means CSV), and for an import,
  the `Content-Type` of the request body. An export nobody can accept is 406, an import of another
  media type 415.
- Text that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return) is written as text: CSV prefixes it with `'`, XLSX stores it as a string cell.
  An import refuses such a cell (also with the `'` an export added): the row is listed in the
  422's `errors`, nothing is taken literally and nothing is evaluated.
- An import reads the first sheet; row 1 is the header (names as the export writes them, any
  order, unknown columns ignored); rows are numbered as the spreadsheet shows them, so row 2 is
  the first data row. Empty rows are skipped.
- Limits: bytes and rows (413 over either), and for XLSX the unpacked size of the zip (a small
  file that unpacks to gigabytes is refused before any XML is parsed). A file that is not what its
  format says (not a zip, not UTF-8, a missing header column) is 400/422, never a 500.
"""

from __future__ import annotations

from callcenter_shared.spreadsheets.formats import (
    CSV_MEDIA_TYPE,
    FORMAT_DESCRIPTION,
    FORMULA_TRIGGERS,
    XLSX_MEDIA_TYPE,
    ImportRefused,
    MalformedSpreadsheet,
    NotAcceptable,
    SheetFormat,
    SpreadsheetTooLarge,
    UnsupportedMediaType,
    looks_like_formula,
    row_error,
)
from callcenter_shared.spreadsheets.reading import (
    IMPORT_RESPONSES,
    Limits,
    SheetRow,
    body,
    formula_errors,
    import_body,
    import_format,
    parse,
    read,
    refusal,
    refuse_rows,
    validation_errors,
)
from callcenter_shared.spreadsheets.writing import (
    EXPORT_RESPONSES,
    Sheet,
    attachment,
    download,
    export_format,
    render,
    write_csv,
    write_xlsx,
)

__all__ = [
    "CSV_MEDIA_TYPE",
    "EXPORT_RESPONSES",
    "FORMAT_DESCRIPTION",
    "FORMULA_TRIGGERS",
    "IMPORT_RESPONSES",
    "XLSX_MEDIA_TYPE",
    "ImportRefused",
    "Limits",
    "MalformedSpreadsheet",
    "NotAcceptable",
    "Sheet",
    "SheetFormat",
    "SheetRow",
    "SpreadsheetTooLarge",
    "UnsupportedMediaType",
    "attachment",
    "body",
    "download",
    "export_format",
    "formula_errors",
    "import_body",
    "import_format",
    "looks_like_formula",
    "parse",
    "read",
    "refusal",
    "refuse_rows",
    "render",
    "row_error",
    "validation_errors",
    "write_csv",
    "write_xlsx",
]
