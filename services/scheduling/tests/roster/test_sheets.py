"""The roster as CSV/XLSX and shifts imported from a spreadsheet (ROS-1), all rows or none."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from openpyxl import load_workbook

from callcenter_shared.clock import FrozenClock
from callcenter_shared.spreadsheets import XLSX_MEDIA_TYPE

SHANGHAI = timezone(timedelta(hours=8))
CSV_HEADERS = {"Content-Type": "text/csv"}


@pytest.fixture(autouse=True)
def before_the_week(clock: FrozenClock) -> None:
    """The week of 2 November is still ahead: no shift is created in the past (ROS-4)."""
    clock.set(datetime(2026, 11, 1, 0, tzinfo=SHANGHAI))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def shifts_csv(*rows: str, header: str = "team_id,name,day,start_time,end_time,required_headcount") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")


async def export(floor: Any, who: Any, **params: str) -> Any:
    return await floor.client.get("/v1/exports/roster", params=params, headers=who.headers)


class TestRosterExport:
    async def test_a_week_lists_each_shift_with_who_works_it(self, floor: Any) -> None:
        # 2026-W45 is Monday 2 November to Sunday 8 November.
        shift_id, _ = await floor.on_shift(floor.a1, at(2, 8), headcount=2)
        await floor.assign(shift_id, floor.a2)
        await floor.on_shift(floor.b1, at(8, 22))
        await floor.on_shift(floor.a1, at(9, 8))  # next week
        response = await export(floor, floor.org.deputy, week="2026-W45")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert 'filename="roster-2026-W45.csv"' in response.headers["content-disposition"]
        rows = csv_rows(response.content)
        assert [(r["team"], r["day"], r["start_time"], r["end_time"]) for r in rows] == [
            ("Team A", "2026-11-02", "08:00", "16:00"),
            ("Team B", "2026-11-08", "22:00", "06:00"),
        ]
        assert rows[0]["employees"] == "Li Na; Wang Fang"
        assert rows[0]["staffed"] == "2"
        assert rows[1]["employees"] == "Zhang Wei"

    async def test_an_agent_sees_every_shift_but_only_their_own_name(self, floor: Any) -> None:
        shift_id, _ = await floor.on_shift(floor.a1, at(3, 8), headcount=2)
        await floor.assign(shift_id, floor.a2)
        rows = csv_rows((await export(floor, floor.a1, **{"from": "2026-11-03", "to": "2026-11-03"})).content)
        assert [(r["employees"], r["staffed"]) for r in rows] == [("Wang Fang", "2")]
        rows = csv_rows((await export(floor, floor.leader_b, week="2026-W45")).content)
        assert [(r["employees"], r["staffed"]) for r in rows] == [("", "2")]

    async def test_xlsx_by_accept_header_and_by_query(self, floor: Any) -> None:
        await floor.shift(floor.team_a, at(4, 8), name='=HYPERLINK("http://evil","早班")')
        by_header = await floor.client.get(
            "/v1/exports/roster",
            params={"week": "2026-W45", "team_id": str(floor.team_a)},
            headers={**floor.leader_a.headers, "Accept": XLSX_MEDIA_TYPE},
        )
        by_query = await export(floor, floor.leader_a, week="2026-W45", format="xlsx")
        for response in (by_header, by_query):
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == XLSX_MEDIA_TYPE
            sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
            name = sheet.cell(row=2, column=4)
            assert (name.value, name.data_type) == ('=HYPERLINK("http://evil","早班")', "s")
        csv_export = await export(floor, floor.leader_a, week="2026-W45")
        assert csv_rows(csv_export.content)[0]["name"] == '\'=HYPERLINK("http://evil","早班")'

    async def test_bad_periods_and_formats_are_refused(self, floor: Any) -> None:
        for params, status in [
            ({"week": "2026-45"}, 422),
            ({"week": "2026-W54"}, 422),
            ({"from": "2026-11-01"}, 422),
            ({"from": "2026-11-01", "to": "2026-12-15"}, 422),
            ({"week": "2026-W45", "format": "pdf"}, 422),
        ]:
            response = await export(floor, floor.a1, **params)
            assert response.status_code == status, (params, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        refused = await floor.client.get(
            "/v1/exports/roster", params={"week": "2026-W45"}, headers={**floor.a1.headers, "Accept": "image/png"}
        )
        assert refused.status_code == 406


class TestShiftImport:
    async def test_rows_become_shifts_like_post_shifts_ROS_1(self, floor: Any) -> None:
        body = shifts_csv(
            f"{floor.team_a},早班,2026-11-10,08:00,16:00,3",
            f"{floor.team_a},夜班,2026-11-10,22:00,06:00,2",
        )
        response = await floor.client.post("/v1/imports/shifts", content=body, headers={
            **floor.leader_a.headers, **CSV_HEADERS})  # fmt: skip
        assert response.status_code == 201, response.text
        assert response.json()["imported"] == 2
        night = await floor.client.get(f"/v1/shifts/{response.json()['shift_ids'][1]}", headers=floor.a1.headers)
        assert night.json()["name"] == "夜班"
        assert night.json()["ends_at_local"].startswith("2026-11-11T06:00")

    async def test_one_bad_row_imports_nothing_and_every_refusal_is_listed(self, floor: Any) -> None:
        body = shifts_csv(
            f"{floor.team_a},good,2026-11-10,08:00,16:00,3",
            f"{floor.team_a},zero,2026-11-10,08:00,16:00,0",
            f"{floor.team_a},=cmd|' /C calc'!A0,2026-11-10,08:00,16:00,1",
            f"{uuid.uuid4()},nowhere,2026-11-10,08:00,16:00,1",
            f"{floor.team_a},both,2026-11-10,08:00,,1",
        )
        response = await floor.client.post("/v1/imports/shifts", content=body, headers={
            **floor.org.deputy.headers, **CSV_HEADERS})  # fmt: skip
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert {(e["row"], e["column"], e["type"]) for e in errors} >= {
            (3, "required_headcount", "greater_than_equal"),
            (4, "name", "formula"),
            (5, "team_id", "invalid-input"),
        }
        assert {e["row"] for e in errors} == {3, 4, 5, 6}
        assert all(e["detail"] for e in errors)
        listed = await floor.client.get(
            "/v1/shifts",
            params={"from": "2026-11-09T00:00:00+08:00", "to": "2026-11-12T00:00:00+08:00"},
            headers=floor.a1.headers,
        )
        assert listed.json()["total"] == 0

    async def test_export_then_import_round_trips_chinese_names(self, floor: Any) -> None:
        await floor.shift(floor.team_a, at(2, 8), name="早班（周一）")
        exported = await export(floor, floor.leader_a, week="2026-W45", format="xlsx")
        imported = await floor.client.post(
            "/v1/imports/shifts", content=exported.content,
            headers={**floor.leader_a.headers, "Content-Type": XLSX_MEDIA_TYPE},
        )  # fmt: skip
        assert imported.status_code == 201, imported.text
        rows = csv_rows((await export(floor, floor.leader_a, week="2026-W45")).content)
        assert [r["name"] for r in rows] == ["早班（周一）", "早班（周一）"]
        again = await floor.client.post(
            "/v1/imports/shifts", content=(await export(floor, floor.leader_a, week="2026-W45")).content,
            headers={**floor.leader_a.headers, **CSV_HEADERS},
        )  # fmt: skip
        assert again.status_code == 201, again.text
        assert again.json()["imported"] == 2

    async def test_a_leader_may_not_import_another_teams_shifts(self, floor: Any) -> None:
        body = shifts_csv(
            f"{floor.team_a},mine,2026-11-10,08:00,16:00,1", f"{floor.team_b},theirs,2026-11-10,08:00,16:00,1"
        )
        response = await floor.client.post("/v1/imports/shifts", content=body, headers={
            **floor.leader_a.headers, **CSV_HEADERS})  # fmt: skip
        assert response.status_code == 403
        assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "team_id")]
        agent = await floor.client.post("/v1/imports/shifts", content=body, headers={**floor.a1.headers, **CSV_HEADERS})
        assert agent.status_code == 403

    async def test_hostile_files_get_problem_json_never_a_500(self, floor: Any, app: Any) -> None:
        headers = floor.leader_a.headers
        cases = [
            (b"PK\x03\x04 not really a zip", XLSX_MEDIA_TYPE, 400),
            (b"\x89PNG\r\n\x1a\n", XLSX_MEDIA_TYPE, 400),
            ("team_id,name\r\n1,早\r\n".encode("gb18030"), "text/csv", 400),
            (b"team_id,name\r\nx,y\r\n", "text/csv", 422),  # required_headcount missing
            (b"{}", "application/json", 415),
        ]
        for content, media, status in cases:
            response = await floor.client.post("/v1/imports/shifts", content=content, headers={
                **headers, "Content-Type": media})  # fmt: skip
            assert response.status_code == status, (content[:20], response.text)
            assert response.headers["content-type"] == "application/problem+json"
        app.state.settings.import_max_rows = 2
        rows = [f"{floor.team_a},s{n},2026-11-10,08:00,16:00,1" for n in range(3)]
        too_many = await floor.client.post("/v1/imports/shifts", content=shifts_csv(*rows), headers={
            **headers, **CSV_HEADERS})  # fmt: skip
        assert too_many.status_code == 413
        assert too_many.headers["content-type"] == "application/problem+json"
        app.state.settings.import_max_bytes = 1024
        too_big = await floor.client.post("/v1/imports/shifts", content=shifts_csv(*rows[:1]) + b" " * 2000, headers={
            **headers, **CSV_HEADERS})  # fmt: skip
        assert too_big.status_code == 413
