"""Swaps a team leader files on behalf of two members (SWP-8): recorded as such, each member consents, or the duty
manager approves it as an emergency with a reason; SWP-3's signatures and approval follow either way."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def file(floor: Any, filer: Any, mine: uuid.UUID, theirs: uuid.UUID) -> httpx.Response:
    body = {
        "requester_assignment_id": str(mine),
        "counterpart_assignment_id": str(theirs),
        "note": "Wang Fang phoned in from hospital",
        "on_behalf": True,
    }
    return await floor.client.post("/v1/swaps", json=body, headers=filer.headers)


async def post(floor: Any, person: Any, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return await floor.client.post(path, json=body, headers=person.headers)


async def task_kinds(floor: Any, person: Any) -> list[tuple[str, str]]:
    response = await floor.client.get("/v1/tasks/mine", headers=person.headers)
    assert response.status_code == 200, response.text
    return [(t["kind"], t["object_id"]) for t in response.json()["items"]]


async def two_shifts(floor: Any, **fields: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """a1 on the 5th, a2 on the 6th (team A), with the shifts' extra fields."""
    first = await floor.shift(floor.team_a, at(5, 8), **fields)
    second = await floor.shift(floor.team_a, at(6, 8), **fields)
    return await floor.assign(first, floor.a1), await floor.assign(second, floor.a2)


async def test_leader_files_on_behalf_and_each_member_consents_SWP_8(floor: Any, events: Events) -> None:
    mine, theirs = await two_shifts(floor)
    response = await file(floor, floor.leader_a, mine, theirs)
    assert response.status_code == 201, response.text
    swap = response.json()
    swap_id = swap["id"]
    assert (swap["requester_id"], swap["counterpart_id"]) == (str(floor.a1.id), str(floor.a2.id))
    assert swap["filed_by"] == str(floor.leader_a.id)
    assert swap["filed_by_name"].startswith("emp-")
    (first,) = swap["history"]
    assert (first["action"], first["actor_id"]) == ("filed_on_behalf", str(floor.leader_a.id))
    assert "on behalf of Wang Fang and Li Na" in first["reason"]
    assert swap["awaiting"] == {"step": "members", "employee_ids": [str(floor.a1.id), str(floor.a2.id)]}
    (requested,) = await events("callcenter.scheduling.swap.requested.v1")
    assert requested["filed_by"] == str(floor.leader_a.id)
    # Each member owes a consent: it is their task, and nobody else's yet.
    assert await task_kinds(floor, floor.a1) == [("swap.consent", swap_id)]
    assert await task_kinds(floor, floor.a2) == [("swap.consent", swap_id)]
    assert await task_kinds(floor, floor.leader_a) == []

    # The leaders cannot sign before both consented (SWP-3).
    early = await post(floor, floor.leader_a, f"/v1/swaps/{swap_id}/sign")
    assert early.json()["rule"] == "SWP-3"
    consented = (await post(floor, floor.a1, f"/v1/swaps/{swap_id}/accept")).json()
    assert consented["awaiting"] == {"step": "members", "employee_ids": [str(floor.a2.id)]}
    assert consented["requester_consented_at"] is not None
    assert (await post(floor, floor.a1, f"/v1/swaps/{swap_id}/accept")).status_code == 409
    assert (await post(floor, floor.b1, f"/v1/swaps/{swap_id}/accept")).status_code == 403
    assert await task_kinds(floor, floor.a1) == []
    accepted = (await post(floor, floor.a2, f"/v1/swaps/{swap_id}/accept")).json()
    assert accepted["status"] == "accepted"
    assert accepted["awaiting"] == {"step": "team_leaders", "employee_ids": [str(floor.leader_a.id)]}
    assert len(await events("callcenter.scheduling.swap.accepted.v1")) == 1

    await post(floor, floor.leader_a, f"/v1/swaps/{swap_id}/sign")
    approved = (await post(floor, floor.manager, f"/v1/swaps/{swap_id}/approve", {})).json()
    assert approved["status"] == "approved"
    actions = [step["action"] for step in approved["history"]]
    assert actions == ["filed_on_behalf", "consented", "consented", "signed", "approved"]


async def test_a_member_refuses_a_swap_filed_on_their_behalf_SWP_8(floor: Any, events: Events) -> None:
    mine, theirs = await two_shifts(floor)
    swap_id = (await file(floor, floor.leader_a, mine, theirs)).json()["id"]
    refused = await post(floor, floor.a1, f"/v1/swaps/{swap_id}/reject", {"reason": "I am back on my feet"})
    assert refused.json()["status"] == "rejected"
    (rejected,) = await events("callcenter.scheduling.swap.rejected.v1")
    assert (rejected["step"], rejected["rejected_by"]) == ("counterpart", str(floor.a1.id))


async def test_only_the_members_own_team_leader_files_on_their_behalf_SWP_8(floor: Any) -> None:
    mine, theirs = await two_shifts(floor)
    assert (await file(floor, floor.leader_b, mine, theirs)).status_code == 403
    assert (await file(floor, floor.a2, mine, theirs)).status_code == 403
    _, across = await floor.on_shift(floor.b1, at(7, 8))
    assert (await file(floor, floor.leader_a, mine, across)).status_code == 403  # b1 is not in team A
    # The leader may withdraw what they filed.
    swap_id = (await file(floor, floor.leader_a, mine, theirs)).json()["id"]
    withdrawn = await post(floor, floor.leader_a, f"/v1/swaps/{swap_id}/withdraw")
    assert withdrawn.json()["status"] == "cancelled"


async def test_duty_manager_approves_an_emergency_with_a_reason_SWP_8(floor: Any, events: Events) -> None:
    mine, theirs = await two_shifts(floor, duty_manager_id=str(floor.manager.id))
    swap_id = (await file(floor, floor.leader_a, mine, theirs)).json()["id"]
    path = f"/v1/swaps/{swap_id}/emergency-approve"
    assert (await post(floor, floor.manager, path, {})).status_code == 422  # the reason is required
    reason = {"reason": "Wang Fang is in hospital; Li Na agreed by phone"}
    assert (await post(floor, floor.org.gm, path, reason)).status_code == 403  # not the shifts' duty manager
    assert (await post(floor, floor.leader_a, path, reason)).status_code == 403
    response = await post(floor, floor.manager, path, reason)
    assert response.status_code == 200, response.text
    swap = response.json()
    assert swap["status"] == "accepted"
    assert (swap["emergency_approved_by"], swap["emergency_reason"]) == (str(floor.manager.id), reason["reason"])
    assert swap["emergency_approved_by_name"] is not None
    assert swap["requester_consented_at"] is None
    assert swap["awaiting"]["step"] == "team_leaders"
    assert swap["history"][-1]["action"] == "emergency_approved"
    # The consents are no longer owed; the leader signs and the manager approves as ever (SWP-3).
    assert await task_kinds(floor, floor.a1) == []
    assert await task_kinds(floor, floor.leader_a) == [("swap.sign", swap_id)]
    assert (await post(floor, floor.manager, path, reason)).json()["rule"] == "SWP-3"
    await post(floor, floor.leader_a, f"/v1/swaps/{swap_id}/sign")
    approved = await post(floor, floor.manager, f"/v1/swaps/{swap_id}/approve", {})
    assert approved.json()["status"] == "approved"
    (emergency,) = await events("callcenter.scheduling.swap.emergency_approved.v1")
    assert (emergency["approved_by"], emergency["reason"]) == (str(floor.manager.id), reason["reason"])


async def test_only_a_swap_filed_on_behalf_is_approved_as_an_emergency_SWP_8(floor: Any) -> None:
    mine, theirs = await two_shifts(floor, duty_manager_id=str(floor.manager.id))
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    swap_id = (await floor.client.post("/v1/swaps", json=body, headers=floor.a1.headers)).json()["id"]
    refused = await post(floor, floor.manager, f"/v1/swaps/{swap_id}/emergency-approve", {"reason": "urgent"})
    assert refused.status_code == 422
    assert refused.json()["rule"] == "SWP-8"


async def test_without_a_duty_manager_on_either_shift_a_level_3_manager_decides_SWP_8(floor: Any) -> None:
    mine, theirs = await two_shifts(floor)
    swap_id = (await file(floor, floor.leader_a, mine, theirs)).json()["id"]
    path = f"/v1/swaps/{swap_id}/emergency-approve"
    assert (await post(floor, floor.leader_b, path, {"reason": "urgent"})).status_code == 403
    assert (await post(floor, floor.org.gm, path, {"reason": "urgent"})).status_code == 200
