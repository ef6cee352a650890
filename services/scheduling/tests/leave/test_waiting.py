"""A team's cap on leave in the same shift and its waiting list, over HTTP (LEV-6)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from callcenter_shared.clock import FrozenClock

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]
WAITLISTED = "callcenter.scheduling.leave.waitlisted.v1"
PROMOTED = "callcenter.scheduling.leave.promoted.v1"


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def ask(floor: Any, person: Any, day: int = 10, leave_type: str = "personal") -> httpx.Response:
    body = {"leave_type": leave_type, "starts_at": at(day, 0).isoformat(), "ends_at": at(day + 1, 0).isoformat()}
    return await floor.client.post("/v1/leave", json=body, headers=person.headers)


async def set_cap(floor: Any, cap: int | None) -> None:
    response = await floor.client.patch(
        f"/v1/teams/{floor.team_a}", json={"leave_cap": cap}, headers=floor.org.admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["leave_cap"] == cap


async def team_day(floor: Any, *people: Any, day: int = 10) -> uuid.UUID:
    """One shift of team A on `day` with these people on it."""
    shift_id = await floor.shift(floor.team_a, at(day, 8), headcount=len(people))
    for person in people:
        await floor.assign(shift_id, person)
    return shift_id


async def queue(floor: Any, clock: FrozenClock, *people: Any) -> list[dict[str, Any]]:
    """Each person asks for leave on day 10, a minute apart (the waiting list keeps the order of request)."""
    made = []
    for person in people:
        response = await ask(floor, person)
        assert response.status_code == 201, response.text
        made.append(response.json())
        clock.advance(minutes=1)
    return made


async def read(floor: Any, leave: dict[str, Any]) -> dict[str, Any]:
    response = await floor.client.get(f"/v1/leave/{leave['id']}", headers=floor.manager.headers)
    body: dict[str, Any] = response.json()
    return body


async def kinds(floor: Any, person: Any) -> dict[str, set[str]]:
    items = (await floor.client.get("/v1/tasks/mine", headers=person.headers)).json()["items"]
    found: dict[str, set[str]] = {}
    for task in items:
        found.setdefault(task["kind"], set()).add(task["object_id"])
    return found


class TestCap:
    async def test_beyond_the_team_cap_a_request_waits_in_order_of_request_LEV_6(
        self, floor: Any, clock: FrozenClock, events: Events
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        shift_id = await team_day(floor, floor.a1, floor.a2, a3)
        await set_cap(floor, 1)
        first, second, third = await queue(floor, clock, floor.a1, floor.a2, a3)
        assert (first["status"], first["waiting_position"]) == ("requested", None)
        assert (second["status"], second["waiting_position"]) == ("waiting", 1)
        assert (third["status"], third["waiting_position"]) == ("waiting", 2)
        assert second["awaiting"] is None
        told = await events(WAITLISTED)
        assert [(e["leave_id"], e["position"]) for e in told] == [(second["id"], 1), (third["id"], 2)]
        assert told[0]["full_shift_ids"] == [str(shift_id)]
        early = await floor.client.post(f"/v1/leave/{second['id']}/approve", json={}, headers=floor.leader_a.headers)
        assert early.status_code == 409
        assert "LEV-6" in early.json()["detail"]
        waiting = await floor.client.get("/v1/leave", params={"status": "waiting"}, headers=floor.leader_a.headers)
        listed = sorted((item["waiting_position"], item["id"]) for item in waiting.json()["items"])
        assert listed == [(1, second["id"]), (2, third["id"])]

    async def test_the_center_default_applies_until_the_team_sets_its_own_LEV_6(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        await team_day(floor, floor.a1, floor.a2, a3)
        statuses = [leave["status"] for leave in await queue(floor, clock, floor.a1, floor.a2, a3)]
        assert statuses == ["requested", "requested", "waiting"]  # LEAVE_CAP_PER_SHIFT is 2
        await set_cap(floor, 3)
        await set_cap(floor, None)  # back to the center's

    async def test_leave_in_other_shifts_or_of_another_team_takes_no_place_LEV_6(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        await set_cap(floor, 1)
        await team_day(floor, floor.a1, day=10)
        await team_day(floor, floor.a2, day=11)
        assert (await ask(floor, floor.a1, day=10)).json()["status"] == "requested"
        assert (await ask(floor, floor.a2, day=11)).json()["status"] == "requested"
        assert (await ask(floor, floor.b1, day=10)).json()["status"] == "requested"


class TestFreedPlace:
    async def test_a_withdrawal_gives_the_place_to_the_first_waiting_who_is_told_LEV_6(
        self, floor: Any, clock: FrozenClock, events: Events
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        await team_day(floor, floor.a1, floor.a2, a3)
        await set_cap(floor, 1)
        first, second, third = await queue(floor, clock, floor.a1, floor.a2, a3)
        withdrawn = await floor.client.post(f"/v1/leave/{first['id']}/withdraw", headers=floor.a1.headers)
        assert withdrawn.status_code == 200, withdrawn.text
        promoted = await read(floor, second)
        assert (promoted["status"], promoted["waiting_position"]) == ("requested", None)
        assert promoted["promoted_at"] is not None
        assert promoted["awaiting"] == str(floor.leader_a.id)
        assert (await read(floor, third))["waiting_position"] == 1
        told = await events(PROMOTED)
        assert [(e["leave_id"], e["freed_by_leave_id"], e["awaiting"]) for e in told] == [
            (second["id"], first["id"], str(floor.leader_a.id))
        ]
        assert second["id"] in (await kinds(floor, floor.a2)).get("leave.promoted", set())
        assert second["id"] in (await kinds(floor, floor.leader_a))["leave.approve"]
        assert "leave.promoted" not in await kinds(floor, a3)

    async def test_a_rejection_and_a_cancellation_free_places_too_LEV_6(
        self, floor: Any, clock: FrozenClock, events: Events
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        await team_day(floor, floor.a1, floor.a2, a3)
        await set_cap(floor, 1)
        first, second, third = await queue(floor, clock, floor.a1, floor.a2, a3)
        for approver in (floor.leader_a, floor.manager):
            response = await floor.client.post(f"/v1/leave/{first['id']}/approve", json={}, headers=approver.headers)
            assert response.status_code == 200, response.text
        assert (await read(floor, second))["status"] == "waiting"  # an approved leave keeps its place
        cancelled = await floor.client.post(
            f"/v1/leave/{first['id']}/cancel", json={"reason": "Plans changed"}, headers=floor.manager.headers
        )
        assert cancelled.status_code == 200, cancelled.text
        assert (await read(floor, second))["status"] == "requested"
        rejected = await floor.client.post(
            f"/v1/leave/{second['id']}/reject", json={"reason": "Peak week"}, headers=floor.leader_a.headers
        )
        assert rejected.status_code == 200, rejected.text
        assert (await read(floor, third))["status"] == "requested"
        assert [e["leave_id"] for e in await events(PROMOTED)] == [second["id"], third["id"]]
        # Once decided, the requester is no longer told.
        assert second["id"] not in (await kinds(floor, floor.a2)).get("leave.promoted", set())

    async def test_withdrawing_a_waiting_request_moves_the_others_up_LEV_6(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        await team_day(floor, floor.a1, floor.a2, a3)
        await set_cap(floor, 1)
        first, second, third = await queue(floor, clock, floor.a1, floor.a2, a3)
        response = await floor.client.post(f"/v1/leave/{second['id']}/withdraw", headers=floor.a2.headers)
        assert response.json()["status"] == "cancelled"
        assert (await read(floor, third))["waiting_position"] == 1
        assert (await read(floor, first))["status"] == "requested"

    async def test_approval_refuses_a_shift_taken_on_since_the_request_when_its_places_are_full_LEV_6(
        self, floor: Any
    ) -> None:
        await set_cap(floor, 1)
        shift_id = await team_day(floor, floor.a2, day=12)
        holder = (await ask(floor, floor.a2, day=12)).json()
        mine = (await ask(floor, floor.a1, day=12)).json()  # a1 works no shift that day yet: no place needed
        assert (holder["status"], mine["status"]) == ("requested", "requested")
        await floor.client.patch(
            f"/v1/shifts/{shift_id}", json={"required_headcount": 2}, headers=floor.manager.headers
        )
        await floor.assign(shift_id, floor.a1)  # since the request, a1 works the shift a2 holds the place in
        step = await floor.client.post(f"/v1/leave/{mine['id']}/approve", json={}, headers=floor.leader_a.headers)
        assert step.status_code == 200, step.text
        final = await floor.client.post(f"/v1/leave/{mine['id']}/approve", json={}, headers=floor.manager.headers)
        assert final.status_code == 422
        assert final.json()["rule"] == "LEV-6"
        await floor.client.post(f"/v1/leave/{holder['id']}/withdraw", headers=floor.a2.headers)
        again = await floor.client.post(f"/v1/leave/{mine['id']}/approve", json={}, headers=floor.manager.headers)
        assert again.status_code == 200, again.text


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
class TestLastPlaceConcurrently:
    """On PostgreSQL the pool runs the requests side by side; the team's row lock decides one after the other."""

    async def test_two_requests_for_the_last_place_exactly_one_gets_it_LEV_6(self, floor: Any, events: Events) -> None:
        await set_cap(floor, 1)
        waiting_ids = []
        for day in range(10, 16):  # a race needs a few tries to show
            await team_day(floor, floor.a1, floor.a2, day=day)
            answers = await asyncio.gather(ask(floor, floor.a1, day=day), ask(floor, floor.a2, day=day))
            assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
            assert sorted(a.json()["status"] for a in answers) == ["requested", "waiting"], day
            waiting = next(a.json() for a in answers if a.json()["status"] == "waiting")
            assert waiting["waiting_position"] == 1
            waiting_ids.append(waiting["id"])
        assert [e["leave_id"] for e in await events(WAITLISTED)] == waiting_ids

    async def test_a_freed_place_and_a_new_request_race_the_waiting_one_keeps_its_turn_LEV_6(
        self, floor: Any, clock: FrozenClock
    ) -> None:
        a3 = await floor.org.agent(floor.team_a, floor.leader_a)
        await team_day(floor, floor.a1, floor.a2, a3)
        await set_cap(floor, 1)
        first, second = await queue(floor, clock, floor.a1, floor.a2)
        withdrawn, late = await asyncio.gather(
            floor.client.post(f"/v1/leave/{first['id']}/withdraw", headers=floor.a1.headers), ask(floor, a3)
        )
        assert (withdrawn.status_code, late.status_code) == (200, 201), (withdrawn.text, late.text)
        # Whichever went first, the freed place went to the request that waited, not the newcomer.
        assert (await read(floor, second))["status"] == "requested"
        assert (await read(floor, late.json()))["status"] == "waiting"
