"""QA evaluations of a period as CSV/XLSX: the rows GET /v1/qa/evaluations shows the caller (QA-3)."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook

URL = "/v1/qa/exports/evaluations"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_evaluations_of_a_period_follow_the_list_visibility_QA_3(
    client: httpx.AsyncClient, org: Any, qa: Any
) -> None:
    team_a, team_b = await org.team(agents=1), await org.team(agents=1)
    a1, b1 = team_a.agents[0], team_b.agents[0]
    released = await qa.released(team_a.leader, a1)
    draft = await qa.evaluate(team_a.leader, a1, interaction_id='=HYPERLINK("http://x")')
    assert draft.status_code == 201, draft.text
    other = await qa.released(team_b.leader, b1)
    november = await qa.evaluate(team_b.leader, b1, interaction_date="2026-11-02")
    assert november.status_code == 201
    everyone = csv_rows(await client.get(URL, params=OCTOBER, headers=org.deputy.headers))
    assert {row["evaluation_id"] for row in everyone} == {released["id"], draft.json()["id"], other["id"]}
    hostile = next(row for row in everyone if row["evaluation_id"] == draft.json()["id"])
    assert hostile["interaction_id"] == '\'=HYPERLINK("http://x")'
    agent = csv_rows(await client.get(URL, params=OCTOBER, headers=a1.headers))
    assert [row["evaluation_id"] for row in agent] == [released["id"]]  # released only, their own
    leader = csv_rows(await client.get(URL, params={**OCTOBER, "status": "released"}, headers=team_b.leader.headers))
    assert [row["evaluation_id"] for row in leader] == [other["id"]]
    team = csv_rows(await client.get(URL, params={**OCTOBER, "team_id": str(team_b.id)}, headers=org.deputy.headers))
    assert [row["evaluation_id"] for row in team] == [other["id"]]
    xlsx = await client.get(URL, params={**OCTOBER, "format": "xlsx"}, headers=org.deputy.headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [sheet.cell(row=r, column=2) for r in range(2, 5)]
    formula = next(c for c in cells if str(c.value).startswith("="))
    assert formula.data_type == "s"


async def test_a_reversed_or_too_long_period_is_422(client: httpx.AsyncClient, org: Any) -> None:
    for params in ({"from": "2026-10-31", "to": "2026-10-01"}, {"from": "2025-01-01", "to": "2026-10-01"}, {}):
        response = await client.get(URL, params=params, headers=org.deputy.headers)
        assert response.status_code == 422, params
