"""Rotations (ROS-6): a team's repeating pattern generates its roster in one step, marks holidays, previews, and
runs again without duplicating a shift. The tests' clock stands at Monday 2026-11-02 17:00 in Shanghai."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from callcenter_shared.clock import FrozenClock

WEEKDAYS_EARLY_LATE = {
    "name": "Weekdays",
    "cycle": "weekly",
    "shifts": [
        {"day": d, "name": n, "start_time": s, "end_time": e, "required_headcount": 1}
        for d in range(1, 6)
        for n, s, e in (("Early", "08:00", "16:00"), ("Late", "16:00", "00:00"))
    ],
}


async def rotation(floor: Any, body: dict[str, Any], by: Any = None, team: uuid.UUID | None = None) -> str:
    response = await floor.client.post(
        f"/v1/teams/{team or floor.team_a}/rotations", json=body, headers=(by or floor.leader_a).headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def generate(floor: Any, rotation_id: str, first: str, last: str, **fields: Any) -> httpx.Response:
    return await floor.client.post(
        f"/v1/teams/{floor.team_a}/rotations/{rotation_id}/generate",
        json={"first_day": first, "last_day": last, **fields},
        headers=floor.leader_a.headers,
    )


async def generated(floor: Any, rotation_id: str, first: str, last: str, **fields: Any) -> dict[str, Any]:
    response = await generate(floor, rotation_id, first, last, **fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def team_shifts(floor: Any) -> list[dict[str, Any]]:
    response = await floor.client.get(
        "/v1/shifts",
        params={"from": "2026-11-01T00:00:00Z", "to": "2027-03-01T00:00:00Z", "team_id": str(floor.team_a),
                "limit": 200},
        headers=floor.a1.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def assignments(floor: Any) -> list[dict[str, Any]]:
    response = await floor.client.get(
        "/v1/assignments", params={"team_id": str(floor.team_a), "limit": 200}, headers=floor.manager.headers
    )
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestPattern:
    async def test_a_weekly_rotation_generates_a_week_of_shifts_in_one_step_ROS_6(self, floor: Any) -> None:
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE)
        read = await floor.client.get(f"/v1/teams/{floor.team_a}/rotations/{rotation_id}", headers=floor.a1.headers)
        assert read.status_code == 200
        assert len(read.json()["shifts"]) == 10
        run = await generated(floor, rotation_id, "2026-11-09", "2026-11-15")
        assert (run["created"], run["existing"], run["skipped"], run["preview"]) == (10, 0, 0, False)
        first, second = run["shifts"][:2]
        assert (first["day"], first["name"], first["starts_at_local"]) == (
            "2026-11-09", "Early", "2026-11-09T08:00:00+08:00"
        )  # fmt: skip
        assert second["ends_at_local"] == "2026-11-10T00:00:00+08:00"  # the late shift crosses midnight
        shifts = await team_shifts(floor)
        assert len(shifts) == 10
        assert {s["rotation_id"] for s in shifts} == {rotation_id}
        assert {s["id"] for s in shifts} == {s["shift_id"] for s in run["shifts"]}
        # Saturday and Sunday have no slot.
        assert {s["starts_at_local"][:10] for s in shifts} == {f"2026-11-{d:02d}" for d in range(9, 14)}

    async def test_an_n_day_cycle_counts_from_its_anchor_date_ROS_6(self, floor: Any) -> None:
        body = {
            "name": "Two on two off",
            "cycle": "days",
            "cycle_days": 4,
            "anchor_date": "2026-11-10",
            "shifts": [
                {"day": d, "name": "Night", "start_time": "22:00", "end_time": "06:00", "required_headcount": 1}
                for d in (1, 2)
            ],
        }
        run = await generated(floor, await rotation(floor, body), "2026-11-09", "2026-11-20")
        assert [s["day"] for s in run["shifts"]] == [
            "2026-11-10", "2026-11-11", "2026-11-14", "2026-11-15", "2026-11-18", "2026-11-19"
        ]  # fmt: skip

    async def test_the_pattern_is_checked_when_the_rotation_is_created_ROS_6(self, floor: Any) -> None:
        url = f"/v1/teams/{floor.team_a}/rotations"
        bad_day = {**WEEKDAYS_EARLY_LATE, "shifts": [{**WEEKDAYS_EARLY_LATE["shifts"][0], "day": 8}]}
        assert (await floor.client.post(url, json=bad_day, headers=floor.leader_a.headers)).status_code == 422
        no_anchor = {**WEEKDAYS_EARLY_LATE, "cycle": "days", "cycle_days": 7}
        assert (await floor.client.post(url, json=no_anchor, headers=floor.leader_a.headers)).status_code == 422
        same_times = {"day": 1, "name": "x", "start_time": "08:00", "end_time": "08:00", "required_headcount": 1}
        ambiguous = {**WEEKDAYS_EARLY_LATE, "shifts": [same_times]}
        assert (await floor.client.post(url, json=ambiguous, headers=floor.leader_a.headers)).status_code == 422
        skilled = {**WEEKDAYS_EARLY_LATE, "shifts": [{**WEEKDAYS_EARLY_LATE["shifts"][0], "required_skills": ["vip"]}]}
        unknown = await floor.client.post(url, json=skilled, headers=floor.leader_a.headers)
        assert unknown.status_code == 422
        assert "vip" in unknown.json()["detail"]
        await rotation(floor, WEEKDAYS_EARLY_LATE)
        twice = await floor.client.post(url, json=WEEKDAYS_EARLY_LATE, headers=floor.leader_a.headers)
        assert twice.status_code == 409

    async def test_the_teams_leader_and_level_3_run_rotations_everyone_reads_them_ROS_6(self, floor: Any) -> None:
        url = f"/v1/teams/{floor.team_a}/rotations"
        for person in (floor.a1, floor.leader_b):
            assert (await floor.client.post(url, json=WEEKDAYS_EARLY_LATE, headers=person.headers)).status_code == 403
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE, by=floor.manager)
        body = {"first_day": "2026-11-09", "last_day": "2026-11-09"}
        other = await floor.client.post(f"{url}/{rotation_id}/generate", json=body, headers=floor.leader_b.headers)
        assert other.status_code == 403
        listed = await floor.client.get(url, headers=floor.b1.headers)
        assert [r["id"] for r in listed.json()["items"]] == [rotation_id]
        elsewhere = f"/v1/teams/{floor.team_b}/rotations/{rotation_id}"
        assert (await floor.client.get(elsewhere, headers=floor.b1.headers)).status_code == 404


class TestRuns:
    async def test_a_re_run_creates_no_shift_twice_ROS_6(self, floor: Any) -> None:
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE)
        await generated(floor, rotation_id, "2026-11-09", "2026-11-15")
        again = await generated(floor, rotation_id, "2026-11-09", "2026-11-15")
        assert (again["created"], again["existing"]) == (0, 10)
        assert all(s["status"] == "existing" and s["shift_id"] for s in again["shifts"])
        longer = await generated(floor, rotation_id, "2026-11-09", "2026-11-22")
        assert (longer["created"], longer["existing"]) == (10, 10)
        assert len(await team_shifts(floor)) == 20

    async def test_a_preview_says_what_a_run_would_do_and_writes_nothing_ROS_6(self, floor: Any) -> None:
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE)
        preview = await generated(
            floor, rotation_id, "2026-11-09", "2026-11-10", preview=True, assign=[str(floor.a1.id), str(floor.a2.id)]
        )
        assert (preview["preview"], preview["created"], preview["assigned"]) == (True, 4, 4)
        assert all(s["shift_id"] is None for s in preview["shifts"])
        assert [s["assigned"][0]["employee_name"] for s in preview["shifts"]] == [
            "Wang Fang", "Li Na", "Wang Fang", "Li Na"
        ]  # fmt: skip
        assert await team_shifts(floor) == []
        assert await assignments(floor) == []
        run = await generated(
            floor, rotation_id, "2026-11-09", "2026-11-10", assign=[str(floor.a1.id), str(floor.a2.id)]
        )
        assert [s["assigned"] for s in run["shifts"]] == [s["assigned"] for s in preview["shifts"]]
        assert len(await assignments(floor)) == 4

    async def test_holidays_are_marked_or_left_out_ROS_3_ROS_6(self, floor: Any) -> None:
        holiday = await floor.client.post(
            "/v1/holidays", json={"day": "2026-11-11", "name": "Center day"}, headers=floor.manager.headers
        )
        assert holiday.status_code == 201, holiday.text
        worked = await generated(floor, await rotation(floor, WEEKDAYS_EARLY_LATE), "2026-11-10", "2026-11-11")
        # Tuesday's late shift ends at midnight, on the holiday, so counts as a holiday shift as a swap would.
        assert [(s["day"], s["name"], s["holiday"]) for s in worked["shifts"]] == [
            ("2026-11-10", "Early", None),
            ("2026-11-10", "Late", "Center day"),
            ("2026-11-11", "Early", "Center day"),
            ("2026-11-11", "Late", "Center day"),
        ]
        skipping = {**WEEKDAYS_EARLY_LATE, "name": "Office hours", "on_holidays": "skip"}
        skipped = await generated(floor, await rotation(floor, skipping), "2026-11-11", "2026-11-12")
        assert [(s["day"], s["status"], s["skipped_reason"]) for s in skipped["shifts"]] == [
            ("2026-11-11", "skipped", "holiday"),
            ("2026-11-11", "skipped", "holiday"),
            ("2026-11-12", "created", None),
            ("2026-11-12", "created", None),
        ]

    async def test_the_range_is_bounded_and_never_in_the_past_ROS_6(self, floor: Any, clock: FrozenClock) -> None:
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE)
        too_long = await generate(floor, rotation_id, "2026-11-09", "2027-02-09")  # 92 days is the most
        assert too_long.status_code == 422
        assert "92 days" in too_long.json()["detail"]
        backwards = await generate(floor, rotation_id, "2026-11-10", "2026-11-09")
        assert backwards.status_code == 422
        past = await generate(floor, rotation_id, "2026-11-01", "2026-11-03")
        assert past.status_code == 422
        assert past.json()["rule"] == "ROS-4"
        # Today at noon: the early shift has started, the late one is still ahead.
        clock.set(datetime(2026, 11, 2, 12, tzinfo=timezone(timedelta(hours=8))))
        today = await generated(floor, rotation_id, "2026-11-02", "2026-11-02")
        assert [(s["name"], s["status"], s["skipped_reason"]) for s in today["shifts"]] == [
            ("Early", "skipped", "in_the_past"),
            ("Late", "created", None),
        ]
        assert (await generate(floor, rotation_id, "2026-11-09", "2027-02-08", preview=True)).status_code == 200

    async def test_two_runs_at_once_create_each_shift_once_ROS_6(self, floor: Any) -> None:
        """On PostgreSQL (TEST_POSTGRES_URL) the rotation's row lock makes the second run wait for the first."""
        rotation_id = await rotation(floor, WEEKDAYS_EARLY_LATE)
        for first, last in (("2026-11-09", "2026-11-15"), ("2026-11-16", "2026-11-22"), ("2026-11-09", "2026-11-29")):
            runs = await asyncio.gather(
                generate(floor, rotation_id, first, last), generate(floor, rotation_id, first, last)
            )
            assert [r.status_code for r in runs] == [200, 200], [r.text for r in runs]
            expected = {"2026-11-15": 10, "2026-11-22": 10, "2026-11-29": 10}[last]
            assert sum(r.json()["created"] for r in runs) == expected
        shifts = await team_shifts(floor)
        assert len(shifts) == 30
        assert len({(s["starts_at"], s["name"]) for s in shifts}) == 30


class TestAssigningInTurn:
    async def test_members_take_the_new_shifts_in_turn_and_whoever_a_rule_refuses_is_reported_ROS_6(
        self, floor: Any
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a, name="Zhao Min")
        await floor.skill("english", floor.a1, floor.a2)
        body = {
            "name": "English mornings",
            "cycle": "weekly",
            "shifts": [
                {"day": d, "name": "English", "start_time": "08:00", "end_time": "16:00", "required_headcount": 1,
                 "required_skills": ["english"]}
                for d in (1, 2, 3)
            ],
        }  # fmt: skip
        rotation_id = await rotation(floor, body)
        order = [str(floor.a1.id), str(a3.id), str(floor.a2.id), str(floor.b1.id)]
        run = await generated(floor, rotation_id, "2026-11-09", "2026-11-11", assign=order)
        monday, tuesday, wednesday = run["shifts"]
        assert [p["employee_name"] for p in monday["assigned"]] == ["Wang Fang"]
        # Zhao Min's turn: she lacks the English line (ROS-5), so Li Na takes it; Zhao Min keeps her turn.
        assert [p["employee_name"] for p in tuesday["assigned"]] == ["Li Na"]
        assert [(p["employee_name"], p["rule"]) for p in tuesday["passed_over"]] == [("Zhao Min", "ROS-5")]
        assert "english" in tuesday["passed_over"][0]["reason"]
        # Zhao Min again, then Zhang Wei of team B (a leader does not roster another team's agent, ROS-4):
        # Wang Fang comes round again.
        assert [(p["employee_name"], p["rule"]) for p in wednesday["passed_over"]] == [
            ("Zhao Min", "ROS-5"), ("Zhang Wei", "ROS-4")
        ]  # fmt: skip
        assert [p["employee_name"] for p in wednesday["assigned"]] == ["Wang Fang"]
        assert (run["assigned"], run["open_places"]) == (3, 0)
        on_shifts = {(a["shift_id"], a["employee_id"]) for a in await assignments(floor)}
        assert on_shifts == {
            (monday["shift_id"], str(floor.a1.id)),
            (tuesday["shift_id"], str(floor.a2.id)),
            (wednesday["shift_id"], str(floor.a1.id)),
        }

    async def test_a_place_nobody_may_take_stays_open_and_a_re_run_assigns_nobody_twice_ROS_6(self, floor: Any) -> None:
        body = {
            "name": "Double early",
            "cycle": "weekly",
            "shifts": [
                {"day": 1, "name": "Early", "start_time": "08:00", "end_time": "16:00", "required_headcount": 2}
            ],
        }
        rotation_id = await rotation(floor, body)
        run = await generated(floor, rotation_id, "2026-11-09", "2026-11-09", assign=[str(floor.a1.id)])
        (shift,) = run["shifts"]
        assert [p["employee_name"] for p in shift["assigned"]] == ["Wang Fang"]
        assert (shift["open_places"], run["open_places"]) == (1, 1)
        again = await generated(floor, rotation_id, "2026-11-09", "2026-11-09", assign=[str(floor.a2.id)])
        assert (again["existing"], again["assigned"], again["shifts"][0]["open_places"]) == (1, 0, 1)
        unknown = await generate(floor, rotation_id, "2026-11-16", "2026-11-16", assign=[str(uuid.uuid4())])
        assert unknown.status_code == 422
