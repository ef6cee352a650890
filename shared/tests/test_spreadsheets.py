"""CSV and XLSX plumbing: formula-looking text stays text, Chinese survives, hostile files are refused cleanly."""

from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import quote

import pytest
from openpyxl import Workbook, load_workbook

from callcenter_shared.spreadsheets import (
    ImportRefused,
    Limits,
    MalformedSpreadsheet,
    NotAcceptable,
    Sheet,
    SheetFormat,
    SpreadsheetTooLarge,
    UnsupportedMediaType,
    attachment,
    export_format,
    formula_errors,
    import_format,
    read,
    write_csv,
    write_xlsx,
)

LIMITS = Limits(max_bytes=1_000_000, max_rows=100, max_unpacked_bytes=10_000_000)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _sheet() -> Sheet:
    return Sheet("people", ["name", "note", "count"], [["王芳", value, -3] for value in HOSTILE])


def test_csv_is_utf8_with_a_bom_and_neutralises_formulas() -> None:
    data = write_csv(_sheet())
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert header == ["name", "note", "count"]
    assert [row[1] for row in rows] == ["'" + value for value in HOSTILE]  # never a bare =, +, -, @, tab or CR
    assert {(row[0], row[2]) for row in rows} == {("王芳", "-3")}  # a number is a number, not text


def test_xlsx_stores_formula_looking_text_as_strings_never_formulas() -> None:
    data = write_xlsx(_sheet())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    notes = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(HOSTILE))]
    assert all(cell.data_type == "s" for cell in notes)
    assert [cell.value for cell in notes][:4] == HOSTILE[:4]
    assert sheet.cell(row=2, column=1).value == "王芳"
    assert sheet.cell(row=2, column=3).value == -3


@pytest.mark.parametrize("format_", list(SheetFormat))
def test_chinese_text_round_trips_and_formula_cells_are_flagged_on_the_way_back(format_: SheetFormat) -> None:
    data = write_xlsx(_sheet()) if format_ is SheetFormat.xlsx else write_csv(_sheet())
    rows = read(data, format_, required=["name", "note"], limits=LIMITS)
    assert [row.number for row in rows] == list(range(2, 2 + len(HOSTILE)))
    assert all(row.values["name"] == "王芳" for row in rows)
    assert all(row.values["count"] == "-3" for row in rows)
    flagged = [formula_errors(row) for row in rows]
    assert all(errors and errors[0]["column"] == "note" and errors[0]["type"] == "formula" for errors in flagged[:4])


def test_a_plain_apostrophe_and_plain_text_are_not_formulas() -> None:
    rows = read(b"name\r\n'quoted\r\nO'Brien\r\n", SheetFormat.csv, required=["name"], limits=LIMITS)
    assert [formula_errors(row) for row in rows] == [[], []]


def test_missing_or_duplicate_header_columns_are_a_422_naming_them() -> None:
    with pytest.raises(ImportRefused) as refused:
        read(b"name,name\r\nx,y\r\n", SheetFormat.csv, required=["name", "level"], limits=LIMITS)
    errors = refused.value.extensions["errors"]
    assert {(e["row"], e["column"], e["type"]) for e in errors} == {
        (1, "name", "duplicate_column"),
        (1, "level", "missing_column"),
    }


def test_empty_rows_are_skipped_and_numbers_follow_the_sheet() -> None:
    rows = read(b"name\r\na\r\n,\r\n\r\nb\r\n", SheetFormat.csv, required=["name"], limits=LIMITS)
    assert [(row.number, row.values) for row in rows] == [(2, {"name": "a"}), (5, {"name": "b"})]


@pytest.mark.parametrize(
    ("data", "format_"),
    [
        (b"not a zip at all", SheetFormat.xlsx),
        (b"PK\x03\x04 truncated zip", SheetFormat.xlsx),
        ("name\r\n王芳\r\n".encode("gb18030"), SheetFormat.csv),
        (b"name\r\na\x00b\r\n", SheetFormat.csv),
        (b'name\r\n"unterminated\r\n', SheetFormat.csv),
        (b"", SheetFormat.csv),
    ],
)
def test_malformed_files_are_refused_as_bad_requests(data: bytes, format_: SheetFormat) -> None:
    with pytest.raises(MalformedSpreadsheet):
        read(data, format_, required=["name"], limits=LIMITS)


def test_a_zip_that_is_no_workbook_is_malformed() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(MalformedSpreadsheet):
        read(buffer.getvalue(), SheetFormat.xlsx, required=["name"], limits=LIMITS)


def test_too_many_bytes_rows_or_unpacked_bytes_are_413() -> None:
    body = b"name\r\n" + b"x\r\n" * 101
    with pytest.raises(SpreadsheetTooLarge):
        read(body, SheetFormat.csv, required=["name"], limits=LIMITS)
    with pytest.raises(SpreadsheetTooLarge):
        read(body, SheetFormat.csv, required=["name"], limits=Limits(100, 1000, 10_000))
    # A bomb: a small file that unpacks far beyond the limit, refused before openpyxl parses it.
    workbook = Workbook()
    workbook.active.append(["name"])
    workbook.active.append(["x" * 30_000] * 10)  # a cell holds at most 32,767 characters
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 50_000
    with pytest.raises(SpreadsheetTooLarge):
        read(buffer.getvalue(), SheetFormat.xlsx, required=["name"], limits=Limits(1_000_000, 10, 100_000))


def test_the_format_is_the_query_then_the_header() -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert export_format(None, None) is SheetFormat.csv
    assert export_format(None, "*/*") is SheetFormat.csv
    assert export_format(None, xlsx) is SheetFormat.xlsx
    assert export_format(None, f"text/csv;q=0.5, {xlsx}") is SheetFormat.xlsx
    assert export_format(SheetFormat.csv, xlsx) is SheetFormat.csv
    with pytest.raises(NotAcceptable):
        export_format(None, "application/json")
    assert import_format(None, "text/csv; charset=utf-8") is SheetFormat.csv
    assert import_format(None, xlsx) is SheetFormat.xlsx
    assert import_format(SheetFormat.xlsx, "text/csv") is SheetFormat.xlsx
    with pytest.raises(UnsupportedMediaType):
        import_format(None, "application/json")


def test_a_file_named_after_a_callers_text_still_makes_a_header_a_client_can_read() -> None:
    title = "case-time-per-level-投诉\U0003733f"
    header = attachment(title, "csv")
    header.encode("latin-1")  # what an HTTP header must be
    assert 'filename="case-time-per-level.csv"' in header
    assert header.endswith("filename*=UTF-8''" + quote(title, safe="") + ".csv")
