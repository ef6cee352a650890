"""The case reports as CSV/XLSX: the same rows as the report endpoints, for level 3 and above."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from openpyxl import load_workbook

from callcenter_shared.spreadsheets import XLSX_MEDIA_TYPE

OpenCase = Callable[..., Awaitable[dict[str, Any]]]
EXPORTS = {
    "/v1/exports/case-time-per-level": "/v1/cases/reports/time-per-level",
    "/v1/exports/case-breaches": "/v1/cases/reports/breaches",
}


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_the_exports_hold_the_report_rows_ESC_3(
    app: Any, client: httpx.AsyncClient, clock: Any, org: Any, open_case: OpenCase
) -> None:
    case = await open_case(org.agent)
    clock.advance(minutes=60)
    await app.state.worker.fire_due()
    clock.advance(minutes=30)
    await client.post(f"/v1/cases/{case['id']}/resolve", json={"resolution": "ok"}, headers=org.leader.headers)
    for export, report in EXPORTS.items():
        items = (await client.get(report, headers=org.deputy.headers)).json()["items"]
        rows = csv_rows(await client.get(export, headers=org.deputy.headers))
        assert len(rows) == len(items) > 0
        assert [{k: str(v) for k, v in item.items()} for item in items] == rows
        xlsx = await client.get(export, params={"format": "xlsx"}, headers=org.deputy.headers)
        assert xlsx.headers["content-type"] == XLSX_MEDIA_TYPE
        sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
        assert sheet.max_row == len(items) + 1
    assert (
        csv_rows(await client.get(next(iter(EXPORTS)), params={"category": "nope"}, headers=org.deputy.headers)) == []
    )


async def test_only_level_3_and_above_export_the_reports(client: httpx.AsyncClient, org: Any) -> None:
    for export in EXPORTS:
        refused = await client.get(export, headers=org.leader.headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert (await client.get(export, headers=org.deputy.headers)).status_code == 200
