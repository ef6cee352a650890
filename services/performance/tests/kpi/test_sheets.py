"""A KPI period's scorecards as CSV/XLSX: the rows the list shows the caller, a column pair per KPI."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from callcenter_shared.spreadsheets import XLSX_MEDIA_TYPE
from callcenter_testing import METRICS_FEED, service_bearer


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def closed_october(client: httpx.AsyncClient, org: Any) -> tuple[str, Any, Any]:
    """Two teams with one agent each, scored on first-call resolution, in a closed October."""
    team_a, team_b = await org.team(agents=1, name="王芳"), await org.team(agents=1)
    a1, b1 = team_a.agents[0], team_b.agents[0]
    batch = {"source": "acd", "batch_id": "oct", "rows": [
        {"agent_id": str(agent.id), "day": "2026-10-05", "metric": metric, "value": value}
        for agent, resolved in ((a1, 45), (b1, 30))
        for metric, value in (("fcr_resolved", resolved), ("fcr_eligible", 50), ("calls_handled", 50))
    ]}  # fmt: skip
    sent = await client.post("/v1/metrics/batches", json=batch, headers=service_bearer(org.settings, METRICS_FEED))
    assert sent.status_code == 200, sent.text
    period = await client.post("/v1/periods", json={"month": "2026-10"}, headers=org.deputy.headers)
    closed = await client.post(f"/v1/periods/{period.json()['id']}/close", headers=org.deputy.headers)
    assert closed.status_code == 200, closed.text
    return period.json()["id"], a1, b1


async def test_the_export_holds_the_scorecards_the_caller_may_see(client: httpx.AsyncClient, org: Any) -> None:
    period_id, a1, b1 = await closed_october(client, org)
    url = "/v1/exports/scorecards"
    everyone = csv_rows(await client.get(url, params={"period_id": period_id}, headers=org.deputy.headers))
    assert [row["agent_id"] for row in everyone] == [str(a1.id), str(b1.id)]  # best first
    assert everyone[0]["agent"] == "王芳"
    assert everyone[0]["fcr_value"] == "90.0"
    assert float(everyone[0]["fcr_attainment"]) == pytest.approx(90 / 80)
    assert everyone[0]["period"] == "2026-10-01..2026-10-31"
    mine = csv_rows(await client.get(url, params={"period_id": period_id}, headers=b1.headers))
    assert [row["agent_id"] for row in mine] == [str(b1.id)]
    team = csv_rows(await client.get(url, params={"period_id": period_id, "team_id": str(b1.team_id)},
                                     headers=org.deputy.headers))  # fmt: skip
    assert [row["agent_id"] for row in team] == [str(b1.id)]
    xlsx = await client.get(url, params={"period_id": period_id}, headers={**org.deputy.headers,
                                                                           "Accept": XLSX_MEDIA_TYPE})  # fmt: skip
    assert xlsx.headers["content-type"] == XLSX_MEDIA_TYPE
    assert 'filename="scorecards-2026-10-01.xlsx"' in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.cell(row=2, column=3).value == "王芳"
    missing = await client.get(url, params={"period_id": str(org.admin.id)}, headers=org.deputy.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
