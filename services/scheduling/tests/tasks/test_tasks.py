"""`GET /v1/tasks/mine`: each step of a scheduling workflow waits on the right person, and only on them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi import FastAPI

from callcenter_testing import HR_SYSTEM, service_bearer

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


async def tasks(floor: Any, person: Any) -> list[dict[str, Any]]:
    response = await floor.client.get("/v1/tasks/mine", headers=person.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return body["items"]  # type: ignore[no-any-return]


async def kinds(floor: Any, person: Any) -> list[tuple[str, str]]:
    return [(t["kind"], t["object_id"]) for t in await tasks(floor, person)]


async def act(floor: Any, person: Any, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await floor.client.post(path, json=body, headers=person.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_swap_waits_on_the_counterpart_then_the_leader_then_the_manager(floor: Any) -> None:
    _, mine = await floor.on_shift(floor.a1, at(5, 8))
    _, theirs = await floor.on_shift(floor.a2, at(6, 8))
    body = {"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)}
    response = await floor.client.post("/v1/swaps", json=body, headers=floor.a1.headers)
    assert response.status_code == 201, response.text
    swap_id = response.json()["id"]
    everyone = (floor.a1, floor.a2, floor.b1, floor.leader_a, floor.leader_b, floor.manager)

    async def waiting() -> dict[str, list[tuple[str, str]]]:
        return {str(p.id): await kinds(floor, p) for p in everyone}

    seen = await waiting()
    assert seen.pop(str(floor.a2.id)) == [("swap.accept", swap_id)]
    assert all(found == [] for found in seen.values()), seen
    (task,) = await tasks(floor, floor.a2)
    assert task["link"] == f"/v1/swaps/{swap_id}"
    assert task["requested_by"] == {"id": str(floor.a1.id), "name": "Wang Fang"}
    assert task["service"] == "scheduling"
    assert datetime.fromisoformat(task["due_at"]) == at(5, 8)
    assert "Wang Fang" in task["title"]

    await act(floor, floor.a2, f"/v1/swaps/{swap_id}/accept")
    seen = await waiting()
    assert seen.pop(str(floor.leader_a.id)) == [("swap.sign", swap_id)]  # one leader for both: one signature
    assert all(found == [] for found in seen.values()), seen

    await act(floor, floor.leader_a, f"/v1/swaps/{swap_id}/sign")
    seen = await waiting()
    assert seen.pop(str(floor.manager.id)) == [("swap.approve", swap_id)]
    assert all(found == [] for found in seen.values()), seen

    await act(floor, floor.manager, f"/v1/swaps/{swap_id}/approve", {})
    assert all(found == [] for found in (await waiting()).values())


async def test_leave_waits_on_the_leader_then_the_department_head(floor: Any) -> None:
    body = {"leave_type": "annual", "starts_at": at(10, 0).isoformat(), "ends_at": at(11, 0).isoformat()}
    response = await floor.client.post("/v1/leave", json=body, headers=floor.a1.headers)
    assert response.status_code == 201, response.text
    leave_id = response.json()["id"]
    assert await kinds(floor, floor.leader_a) == [("leave.approve", leave_id)]
    for other in (floor.a1, floor.leader_b, floor.manager):
        assert await kinds(floor, other) == []
    await act(floor, floor.leader_a, f"/v1/leave/{leave_id}/approve", {})
    assert await kinds(floor, floor.leader_a) == []
    assert await kinds(floor, floor.manager) == [("leave.approve", leave_id)]
    await act(floor, floor.manager, f"/v1/leave/{leave_id}/reject", {"reason": "Peak week"})
    assert await kinds(floor, floor.manager) == []


async def test_a_staffing_reduction_waits_on_the_duty_manager_it_names(floor: Any) -> None:
    shift = await floor.shift(floor.team_a, at(9, 8), headcount=3, duty_manager_id=str(floor.manager.id))
    response = await floor.client.post(
        f"/v1/shifts/{shift}/staffing-changes",
        json={"kind": "reduce_headcount", "new_headcount": 2, "reason": "Quiet day"},
        headers=floor.leader_a.headers,
    )
    assert response.status_code == 201, response.text
    change_id = response.json()["id"]
    (task,) = await tasks(floor, floor.manager)
    assert (task["kind"], task["object_id"], task["link"]) == (
        "staffing_change.decide",
        change_id,
        f"/v1/shifts/{shift}",
    )
    assert await kinds(floor, floor.org.gm) == []  # the shift names its duty manager: not any manager
    await act(floor, floor.manager, f"/v1/staffing-changes/{change_id}/approve", {"note": "fine"})
    assert await kinds(floor, floor.manager) == []


async def test_handover_items_questions_and_sign_off_wait_on_their_people(floor: Any) -> None:
    outgoing, _ = await floor.on_shift(floor.a1, at(7, 8))
    incoming = await floor.shift(floor.team_a, at(7, 16))
    await floor.assign(incoming, floor.a2)
    body = {"team_id": str(floor.team_a), "outgoing_shift_id": str(outgoing), "incoming_shift_id": str(incoming)}
    response = await floor.client.post("/v1/handovers", json=body, headers=floor.leader_a.headers)
    assert response.status_code == 201, response.text
    handover_id = response.json()["id"]
    assert await kinds(floor, floor.leader_a) == [("handover.sign_off", handover_id)]
    item = {"title": "Refund", "progress": "waiting for billing", "contacts": "Ms. Li", "receiver_id": str(floor.a2.id)}
    response = await floor.client.post(f"/v1/handovers/{handover_id}/items", json=item, headers=floor.a1.headers)
    assert response.status_code == 201, response.text
    item_id = response.json()["id"]
    assert await kinds(floor, floor.a2) == [("handover.acknowledge", item_id)]
    assert await kinds(floor, floor.a1) == []
    question = {"question": "Is the refund approved?"}
    response = await floor.client.post(
        f"/v1/handovers/{handover_id}/questions", json=question, headers=floor.a2.headers
    )
    assert response.status_code == 201, response.text
    question_id = response.json()["id"]
    assert await kinds(floor, floor.a1) == [("handover.answer", question_id)]
    assert ("handover.answer", question_id) in await kinds(floor, floor.leader_a)
    assert await kinds(floor, floor.b1) == []
    assert await kinds(floor, floor.leader_b) == []

    await act(floor, floor.a1, f"/v1/handover-questions/{question_id}/answer", {"answer": "Yes, approved."})
    await act(floor, floor.a2, f"/v1/handover-items/{item_id}/acknowledge", {"read_back": "I call Ms. Li at ten."})
    assert await kinds(floor, floor.a1) == []
    assert await kinds(floor, floor.a2) == []
    assert await kinds(floor, floor.leader_a) == [("handover.sign_off", handover_id)]


async def test_soonest_deadline_first_and_paged_like_every_list(floor: Any) -> None:
    later = {"leave_type": "annual", "starts_at": at(20, 0).isoformat(), "ends_at": at(21, 0).isoformat()}
    sooner = {"leave_type": "annual", "starts_at": at(10, 0).isoformat(), "ends_at": at(11, 0).isoformat()}
    ids = []
    for body in (later, sooner):
        response = await floor.client.post("/v1/leave", json=body, headers=floor.a1.headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    assert [t["object_id"] for t in await tasks(floor, floor.leader_a)] == [ids[1], ids[0]]
    response = await floor.client.get("/v1/tasks/mine?limit=1&offset=1", headers=floor.leader_a.headers)
    page = response.json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [t["object_id"] for t in page["items"]] == [ids[0]]


async def test_a_service_account_waits_for_nothing_and_is_refused(app: FastAPI, floor: Any) -> None:
    headers = service_bearer(app.state.settings, HR_SYSTEM)
    for path in ("/v1/tasks/mine", "/v1/tasks/mine/stream"):
        assert (await floor.client.get(path, headers=headers)).status_code == 403
