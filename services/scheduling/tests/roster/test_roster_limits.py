"""A direct assignment obeys every limit a swap obeys, and a shift is neither past nor ambiguous (ROS-4, ORG-3)."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from callcenter_shared.clock import FrozenClock

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def assign(floor: Any, shift_id: uuid.UUID, person: Any, by: Any) -> httpx.Response:
    return await floor.client.post(
        f"/v1/shifts/{shift_id}/assignments", json={"employee_id": str(person.id)}, headers=by.headers
    )


def refused(response: httpx.Response, rule: str, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["rule"] == rule
    for word in words:
        assert word in body["detail"], body["detail"]


class TestSwapLimits:
    async def test_an_overlapping_shift_is_refused_ROS_4(self, floor: Any) -> None:
        await floor.on_shift(floor.a1, at(5, 8))
        later = await floor.shift(floor.team_a, at(5, 12))
        refused(await assign(floor, later, floor.a1, floor.leader_a), "ROS-4", "overlapping", "Wang Fang")

    async def test_too_little_rest_between_shifts_is_refused_and_enough_is_allowed_ROS_4(self, floor: Any) -> None:
        await floor.on_shift(floor.a1, at(5, 8))  # until 16:00
        short_rest = await floor.shift(floor.team_a, at(5, 20))  # 4 h later
        refused(await assign(floor, short_rest, floor.a1, floor.leader_a), "ROS-4", "rest only 4 h", "minimum is 8 h")
        rested = await floor.shift(floor.team_a, at(6, 0))  # 8 h later
        assert (await assign(floor, rested, floor.a1, floor.leader_a)).status_code == 201

    async def test_an_agent_without_agent_number_is_refused_on_call_taking_shifts_only_ORG_3(self, floor: Any) -> None:
        no_number = await floor.org.agent(floor.team_a, floor.leader_a, certified=True, agent_number=None)
        calls = await floor.shift(floor.team_a, at(5, 8))
        refused(await assign(floor, calls, no_number, floor.leader_a), "ORG-3", "agent number")
        training = await floor.shift(floor.team_a, at(6, 8), call_taking=False)
        assert (await assign(floor, training, no_number, floor.leader_a)).status_code == 201

    async def test_a_leader_may_not_roster_another_teams_agent_but_a_manager_may_lend_ROS_4(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8), headcount=2)
        refused(await assign(floor, shift, floor.b1, floor.leader_a), "ROS-4", "Zhang Wei", "department head")
        assert (await assign(floor, shift, floor.b1, floor.org.deputy)).status_code == 201


class TestHeadcount:
    async def test_no_more_people_than_the_head_count_unless_the_duty_manager_adds_them_ROS_4(self, floor: Any) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8), headcount=1, duty_manager_id=str(floor.org.gm.id))
        assert (await assign(floor, shift, floor.a1, floor.leader_a)).status_code == 201
        refused(await assign(floor, shift, floor.a2, floor.leader_a), "ROS-4", "head-count of 1")
        refused(await assign(floor, shift, floor.a2, floor.org.deputy), "ROS-4", "head-count of 1")
        added = await assign(floor, shift, floor.a2, floor.org.gm)
        assert added.status_code == 201, added.text
        read = await floor.client.get(f"/v1/shifts/{shift}", headers=floor.leader_a.headers)
        assert read.json()["staffed"] == 2

    @pytest.mark.postgres_only
    @pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
    async def test_two_assignments_to_the_last_place_at_once_exactly_one_wins_ROS_4(self, floor: Any) -> None:
        for _ in range(5):
            shift = await floor.shift(floor.team_a, at(5, 8), headcount=1)
            responses = await asyncio.gather(
                assign(floor, shift, floor.a1, floor.leader_a), assign(floor, shift, floor.a2, floor.leader_a)
            )
            codes = sorted(r.status_code for r in responses)
            assert codes == [201, 422], [r.text for r in responses]
            loser = next(r for r in responses if r.status_code == 422)
            assert loser.json()["rule"] == "ROS-4"
            listed = await floor.client.get(f"/v1/assignments?shift_id={shift}", headers=floor.org.deputy.headers)
            assert listed.json()["total"] == 1
            # Free both for the next round's shift at the same time.
            winner = next(r for r in responses if r.status_code == 201).json()
            change = await floor.client.post(
                f"/v1/shifts/{shift}/staffing-changes",
                json={"kind": "remove_assignment", "assignment_id": winner["id"], "reason": "next round"},
                headers=floor.leader_a.headers,
            )
            approved = await floor.client.post(
                f"/v1/staffing-changes/{change.json()['id']}/approve", json={}, headers=floor.org.deputy.headers
            )
            assert approved.status_code == 200, approved.text


class TestShiftTimes:
    async def test_a_shift_cannot_be_created_in_the_past_ROS_4(self, floor: Any, clock: FrozenClock) -> None:
        body = {
            "team_id": str(floor.team_a),
            "name": "Yesterday",
            "starts_at": (clock.now() - timedelta(days=1)).isoformat(),
            "ends_at": (clock.now() - timedelta(hours=16)).isoformat(),
            "required_headcount": 1,
        }
        refused(await floor.client.post("/v1/shifts", json=body, headers=floor.leader_a.headers), "ROS-4", "past")

    async def test_nobody_is_added_to_a_shift_that_has_ended_ROS_4(self, floor: Any, clock: FrozenClock) -> None:
        shift = await floor.shift(floor.team_a, at(5, 8))
        clock.set(at(5, 17))
        refused(await assign(floor, shift, floor.a1, floor.leader_a), "ROS-4", "ended")

    async def test_a_start_equal_to_the_end_needs_full_day_ROS_4(self, floor: Any) -> None:
        body: dict[str, object] = {
            "team_id": str(floor.team_a),
            "name": "Round the clock",
            "day": "2026-11-05",
            "start_time": "08:00",
            "end_time": "08:00",
            "required_headcount": 1,
        }
        response = await floor.client.post("/v1/shifts", json=body, headers=floor.leader_a.headers)
        refused(response, "ROS-4", "full_day")
        response = await floor.client.post(
            "/v1/shifts", json={**body, "full_day": True}, headers=floor.leader_a.headers
        )
        assert response.status_code == 201, response.text
        assert (response.json()["starts_at_local"], response.json()["ends_at_local"]) == (
            "2026-11-05T08:00:00+08:00",
            "2026-11-06T08:00:00+08:00",
        )
        same = {**body, "day": None, "start_time": None, "end_time": None}
        absolute = {k: v for k, v in same.items() if v is not None}
        absolute |= {"starts_at": at(7, 8).isoformat(), "ends_at": at(7, 8).isoformat()}
        refused(await floor.client.post("/v1/shifts", json=absolute, headers=floor.leader_a.headers), "ROS-4")
        not_a_day = {**body, "end_time": "16:00", "full_day": True}
        response = await floor.client.post("/v1/shifts", json=not_a_day, headers=floor.leader_a.headers)
        assert response.status_code == 422
        assert "full_day" in response.text
