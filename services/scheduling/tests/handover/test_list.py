"""GET /v1/handovers: filters, the list convention, and the visibility of reading one handover."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def handover(floor: Any, team: uuid.UUID, day: int, *incoming_staff: Any) -> str:
    """A handover of `team` at 16:00 on `day`, the incoming shift staffed by `incoming_staff`."""
    leader = floor.leader_a if team == floor.team_a else floor.leader_b
    outgoing = await floor.shift(team, at(day, 8))
    incoming = await floor.shift(team, at(day, 16))
    for person in incoming_staff:
        await floor.assign(incoming, person)
    body = {"team_id": str(team), "outgoing_shift_id": str(outgoing), "incoming_shift_id": str(incoming)}
    response = await floor.client.post("/v1/handovers", json=body, headers=leader.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def listed(floor: Any, who: Any, **params: str) -> dict[str, Any]:
    response = await floor.client.get("/v1/handovers", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_filters_and_the_list_convention(floor: Any) -> None:
    a3 = await handover(floor, floor.team_a, 3)
    a5 = await handover(floor, floor.team_a, 5)
    b4 = await handover(floor, floor.team_b, 4)
    everyone = await listed(floor, floor.manager)
    assert set(everyone) == {"items", "limit", "offset", "total"}
    assert [h["id"] for h in everyone["items"]] == [a5, b4, a3]  # newest boundary first
    assert everyone["items"][0]["boundary_at_local"].startswith("2026-11-05T16:00")
    window = await listed(floor, floor.manager, **{"from": "2026-11-04", "to": "2026-11-05"})
    assert [h["id"] for h in window["items"]] == [a5, b4]
    team = await listed(floor, floor.manager, team_id=str(floor.team_a), status="open", limit="1", offset="1")
    assert ([h["id"] for h in team["items"]], team["total"], team["limit"], team["offset"]) == ([a3], 2, 1, 1)
    assert (await listed(floor, floor.manager, status="completed"))["total"] == 0


async def test_each_caller_sees_what_they_could_read_one_by_one(floor: Any) -> None:
    a_only = await handover(floor, floor.team_a, 3)
    b_staffed_by_a1 = await handover(floor, floor.team_b, 4)
    # B's incoming shift borrows A1 (a manager may roster anyone).
    shifts = await floor.client.get(f"/v1/handovers/{b_staffed_by_a1}", headers=floor.manager.headers)
    await floor.assign(uuid.UUID(shifts.json()["incoming_shift_id"]), floor.a1)
    b_only = await handover(floor, floor.team_b, 5)
    seen = {
        who: {h["id"] for h in (await listed(floor, person))["items"]}
        for who, person in {
            "a1": floor.a1,
            "leader_b": floor.leader_b,
            "b1": floor.b1,
            "manager": floor.manager,
        }.items()
    }
    assert seen["a1"] == {a_only, b_staffed_by_a1}
    assert seen["leader_b"] == {b_staffed_by_a1, b_only}
    assert seen["b1"] == {b_staffed_by_a1, b_only}
    assert seen["manager"] == {a_only, b_staffed_by_a1, b_only}
    for who, person in {"a1": floor.a1, "b1": floor.b1}.items():
        for handover_id in (a_only, b_staffed_by_a1, b_only):
            single = await floor.client.get(f"/v1/handovers/{handover_id}", headers=person.headers)
            assert (single.status_code == 200) == (handover_id in seen[who]), (who, handover_id)


async def test_bad_filters_are_422(floor: Any) -> None:
    for params in ({"from": "2026-13-01"}, {"status": "closed"}, {"team_id": "x"}):
        response = await floor.client.get("/v1/handovers", params=params, headers=floor.a1.headers)
        assert response.status_code == 422, params
