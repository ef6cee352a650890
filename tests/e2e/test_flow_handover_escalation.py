"""HND-8 → ESC → HND-6 across services: a handover item carried too often becomes an escalation case,
and the case's resolution closes the item in scheduling."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

from callcenter_testing import eventually, http_client

SHANGHAI = timezone(timedelta(hours=8))
RESOLUTION = "Finance refunded the double charge; the customer confirmed receipt by phone."


async def test_item_carried_too_often_is_escalated_and_closed_by_the_case_resolution_HND_8_HND_6(
    stack: Any, make_org: Callable[..., Any]
) -> None:
    org = await make_org(stack)
    a1 = await org.agent("Wang Fang")
    a2 = await org.agent("Li Na")
    await org.reached("escalation")

    async with http_client(stack.apps["scheduling"]) as client:

        async def post(path: str, person: Any, body: dict[str, Any] | None = None) -> Any:
            return await client.post(path, json=body, headers=person.headers(stack, "scheduling"))

        # Five consecutive 8-hour shifts of the team, a1 and a2 alternating; a handover at each boundary.
        # From tomorrow's midnight in the center: a shift is never created in the past (ROS-4).
        start = (datetime.now(SHANGHAI) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        shifts = []
        for i, person in enumerate((a1, a2, a1, a2, a1)):
            begins = start + timedelta(hours=8 * i)
            shift = await post(
                "/v1/shifts",
                org.leader,
                {"team_id": str(org.team_id), "name": f"S{i}", "starts_at": begins.isoformat(),
                 "ends_at": (begins + timedelta(hours=8)).isoformat(), "required_headcount": 1},
            )  # fmt: skip
            assert shift.status_code == 201, shift.text
            assigned = await post(
                f"/v1/shifts/{shift.json()['id']}/assignments", org.deputy, {"employee_id": str(person.id)}
            )
            assert assigned.status_code == 201, assigned.text
            shifts.append(shift.json()["id"])
        handovers = []
        for outgoing, incoming in pairwise(shifts):
            handover = await post(
                "/v1/handovers",
                org.leader,
                {"team_id": str(org.team_id), "outgoing_shift_id": outgoing, "incoming_shift_id": incoming},
            )
            assert handover.status_code == 201, handover.text
            handovers.append(handover.json()["id"])

        # The item is handed over and acknowledged at three boundaries (carried twice: the limit).
        item_body = {"title": "Customer 138****0000: double charge", "progress": "Refund form B-7 filed",
                     "contacts": "Customer 138****0000; finance ext. 4411"}  # fmt: skip
        carried_from: str | None = None
        holders = [(a1, a2), (a2, a1), (a1, a2)]
        for handover_id, (giver, receiver) in zip(handovers, holders, strict=False):
            body = {**item_body, "receiver_id": str(receiver.id)}
            if carried_from:
                body["carried_from_item_id"] = carried_from
            added = await post(f"/v1/handovers/{handover_id}/items", giver, body)
            assert added.status_code == 201, added.text
            ack = await post(
                f"/v1/handover-items/{added.json()['id']}/acknowledge",
                receiver,
                {"read_back": "I will ring finance and call the customer back tonight."},
            )
            assert ack.status_code == 200, ack.text
            carried_from = added.json()["id"]
        assert carried_from is not None

        # A third carry is refused: the item is escalated instead (HND-8).
        escalated = await post(
            f"/v1/handovers/{handovers[3]}/items",
            a2,
            {**item_body, "receiver_id": str(a1.id), "carried_from_item_id": carried_from},
        )
        assert escalated.status_code == 202, escalated.text
        assert escalated.json()["id"] == carried_from
        assert escalated.json()["status"] == "escalated"
        assert escalated.json()["carry_count"] == 2
        assert escalated.json()["escalation_reason"] == "carried_too_often"

    # Escalation opened a case at level 2, handled by the owner's team leader, linked to the item.
    leader_headers = org.leader.headers(stack, "escalation")
    async with http_client(stack.apps["escalation"]) as client:

        async def opened_case() -> dict[str, Any] | None:
            response = await client.get("/v1/cases", headers=leader_headers)
            assert response.status_code == 200, response.text
            return next((c for c in response.json()["items"] if c["handover_item_id"] == carried_from), None)

        case = await eventually(opened_case)
        assert case["level"] == 2
        assert case["handler_id"] == str(org.leader.id)
        assert case["owner_id"] == str(a2.id)
        assert case["status"] == "open"
        assert case["category"] == "handover_item"

        resolved = await client.post(
            f"/v1/cases/{case['id']}/resolve", json={"resolution": RESOLUTION}, headers=leader_headers
        )
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["status"] == "resolved"

    # case.resolved reached scheduling: the item is closed with the case's resolution (HND-6).
    async with http_client(stack.apps["scheduling"]) as client:

        async def closed_item() -> dict[str, Any] | None:
            response = await client.get(
                f"/v1/handovers/{handovers[2]}", headers=org.leader.headers(stack, "scheduling")
            )
            assert response.status_code == 200, response.text
            item = next(i for i in response.json()["items"] if i["id"] == carried_from)
            return item if item["status"] == "resolved" else None

        item = await eventually(closed_item)
        assert item["resolution"] == RESOLUTION
        assert item["resolved_case_id"] == case["id"]
        assert item["resolved_by"] == str(org.leader.id)
        assert item["resolved_at"] is not None
        assert uuid.UUID(item["owner_id"]) == a2.id
