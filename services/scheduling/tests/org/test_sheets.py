"""Employees imported from CSV/XLSX with the checks of POST /v1/employees (ORG-1..ORG-3), all rows or none."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from openpyxl import Workbook

from callcenter_shared.spreadsheets import XLSX_MEDIA_TYPE
from callcenter_testing import HR_SYSTEM, service_bearer

Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def as_csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def as_xlsx(*rows: list[Any]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def post(client: httpx.AsyncClient, headers: dict[str, str], content: bytes, media: str = "text/csv") -> Any:
    return await client.post("/v1/imports/employees", content=content, headers={**headers, "Content-Type": media})


class TestEmployeeSheetImport:
    async def test_a_team_by_name_and_superiors_by_login_within_the_file(
        self, org: Any, client: httpx.AsyncClient, events: Events
    ) -> None:
        await client.post("/v1/teams", json={"name": "热线一组"}, headers=org.admin.headers)
        # The leader reports to the deputy by id; the agent to the leader by login, a later row of the file.
        body = as_csv(
            "name,level,superior_id,superior_login,team,external_id,certified,agent_number,hire_date",
            "王芳,1,,li.lei@example.com,热线一组,wang.fang@example.com,true,A1001,2026-11-01",
            f"李雷,2,{org.deputy.id},,热线一组,li.lei@example.com,false,,2026-10-01",
        )
        response = await post(client, org.admin.headers, body)
        assert response.status_code == 201, response.text
        agent, leader = response.json()["employees"]
        assert (agent["name"], agent["superior_id"], agent["certified"]) == ("王芳", leader["id"], True)
        assert leader["external_id"] == "li.lei@example.com"
        published = {e["employee_id"] for e in await events("callcenter.scheduling.employee.upserted.v1")}
        assert {agent["id"], leader["id"]} <= published
        team_events = await events("callcenter.scheduling.team.upserted.v1")
        assert team_events[-1]["leader_id"] == leader["id"]

    async def test_one_bad_row_imports_nothing_and_names_row_column_and_rule_ORG_1_ORG_2_ORG_3(
        self, org: Any, client: httpx.AsyncClient
    ) -> None:
        team_id, leader = await org.team()
        body = as_xlsx(
            ["name", "level", "superior_id", "team_id", "agent_number", "certified", "external_id"],
            ["fine", 1, str(leader.id), str(team_id), None, None, "fine@example.com"],
            ["no team", 1, str(leader.id), None, None, None, None],
            ["wrong boss level", 3, str(leader.id), None, None, None, None],
            ["untrained", 1, str(leader.id), str(team_id), "A-9", False, None],
            ['=HYPERLINK("x")', 1, str(leader.id), str(team_id), None, None, None],
            ["taken login", 1, str(leader.id), str(team_id), None, None, "fine@example.com"],
            ["bad level", 9, str(leader.id), str(team_id), None, None, None],
        )
        response = await post(client, org.admin.headers, body, XLSX_MEDIA_TYPE)
        assert response.status_code == 422, response.text
        found = {(e["row"], e["column"], e["rule"]) for e in response.json()["errors"]}
        assert {
            (3, "team_id", "ORG-2"),
            (4, "superior_id", "ORG-1"),
            (5, "agent_number", "ORG-3"),
            (6, "name", None),
            (7, "external_id", None),
            (8, "level", None),
        } <= found
        assert {row for row, _, _ in found} == {3, 4, 5, 6, 7, 8}
        listing = await client.get("/v1/employees", params={"team_id": str(team_id)}, headers=org.admin.headers)
        assert [e["id"] for e in listing.json()["items"]] == [str(leader.id)]  # nothing was imported

    async def test_unknown_references_are_refused_by_column(self, org: Any, client: httpx.AsyncClient) -> None:
        body = as_csv("name,level,superior_login,team", "nobody,1,ghost@example.com,No Such Team")
        response = await post(client, org.admin.headers, body)
        assert response.status_code == 422
        assert {(e["row"], e["column"], e["type"]) for e in response.json()["errors"]} == {
            (2, "superior_login", "unknown_reference"),
            (2, "team", "unknown_reference"),
        }

    async def test_who_may_import(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        body = as_csv("name,level,superior_id,team_id", f"new agent,1,{leader.id},{team_id}")
        assert (await post(client, leader.headers, body)).status_code == 403
        hr = service_bearer(org.settings, HR_SYSTEM)
        assert (await post(client, hr, body)).status_code == 201

    async def test_malformed_and_oversized_files_are_problem_json(
        self, org: Any, client: httpx.AsyncClient, app: Any
    ) -> None:
        for content, media, status in [
            (b"not a workbook", XLSX_MEDIA_TYPE, 400),
            (b"name\r\n\xff\xfe\r\n", "text/csv", 400),
            (b"level\r\n1\r\n", "text/csv", 422),
        ]:
            response = await post(client, org.admin.headers, content, media)
            assert response.status_code == status, response.text
            assert response.headers["content-type"] == "application/problem+json"
        app.state.settings.import_max_rows = 1
        response = await post(client, org.admin.headers, as_csv("name,level", "a,5", "b,5"))
        assert response.status_code == 413
