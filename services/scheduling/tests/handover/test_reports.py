"""What the handover report carries to the next shift and to the duty manager (HND-7, HND-10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

Events = Callable[[str], Awaitable[list[dict[str, Any]]]]
SHANGHAI = timezone(timedelta(hours=8))
REPORT = {
    "instructions": "Call back every billing complaint today.",
    "major_events": "Outage in district 3, 14:00-15:10.",
    "equipment_ok": True,
    "reusable_resolutions": "Double charge: refund form B-7.",
}


@dataclass
class Boundary:
    floor: Any
    handover_id: str
    outgoing: Any
    incoming: Any
    leader: Any

    async def post(self, path: str, person: Any) -> Any:
        return await self.floor.client.post(path, headers=person.headers)

    async def read(self) -> dict[str, Any]:
        response = await self.floor.client.get(f"/v1/handovers/{self.handover_id}", headers=self.leader.headers)
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def boundary(floor: Any) -> Boundary:
    """Team A: a1 works the day shift (08-16 on the 5th), a2 the evening shift that follows."""
    day, _ = await floor.on_shift(floor.a1, datetime(2026, 11, 5, 8, tzinfo=SHANGHAI))
    evening, _ = await floor.on_shift(floor.a2, datetime(2026, 11, 5, 16, tzinfo=SHANGHAI))
    response = await floor.client.post(
        "/v1/handovers",
        json={"team_id": str(floor.team_a), "outgoing_shift_id": str(day), "incoming_shift_id": str(evening)},
        headers=floor.leader_a.headers,
    )
    assert response.status_code == 201, response.text
    return Boundary(floor, response.json()["id"], floor.a1, floor.a2, floor.leader_a)


async def tasks_of(boundary: Boundary, person: Any) -> list[dict[str, Any]]:
    response = await boundary.floor.client.get("/v1/tasks/mine", headers=person.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def damage_tasks(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in tasks if t["kind"] == "handover.damage_acknowledge"]


async def test_the_report_notes_the_shifts_reusable_resolutions_for_the_incoming_staff_HND_7(
    boundary: Boundary,
) -> None:
    resolutions = "Double charge: refund form B-7, approved within 1 h. Lost SIM: block first, then re-issue."
    published = await boundary.floor.client.put(
        f"/v1/handovers/{boundary.handover_id}/report",
        json={**REPORT, "reusable_resolutions": resolutions},
        headers=boundary.leader.headers,
    )
    assert published.status_code == 200, published.text
    assert published.json()["reusable_resolutions"] == resolutions
    # The incoming agent reads the same report through the API.
    read = await boundary.floor.client.get(f"/v1/handovers/{boundary.handover_id}", headers=boundary.incoming.headers)
    assert read.status_code == 200
    assert read.json()["reusable_resolutions"] == resolutions
    assert read.json()["report_published_by"] == str(boundary.leader.id)


async def test_damage_reaches_exactly_the_duty_manager_on_shift_who_takes_it_in_HND_10(
    boundary: Boundary, events: Events
) -> None:
    floor = boundary.floor
    duty = await floor.org.employee(level=3, superior_id=floor.org.gm.id, name="Duty Manager Zhou")
    handover = await boundary.read()
    patched = await floor.client.patch(
        f"/v1/shifts/{handover['outgoing_shift_id']}",
        json={"duty_manager_id": str(duty.id)},
        headers=floor.leader_a.headers,
    )
    assert patched.status_code == 200, patched.text
    damage = "Headset at seat 12 crackles."
    published = await floor.client.put(
        f"/v1/handovers/{boundary.handover_id}/report",
        json={**REPORT, "equipment_ok": False, "equipment_damage": damage},
        headers=boundary.leader.headers,
    )
    assert published.status_code == 200, published.text
    assert published.json()["damage_reported_to"] == str(duty.id)
    sent = await events("callcenter.scheduling.handover.equipment_damaged.v1")
    assert [(e["duty_manager_id"], e["damage"]) for e in sent] == [(str(duty.id), damage)]

    waiting = damage_tasks(await tasks_of(boundary, duty))
    assert [(t["object_id"], t["link"]) for t in waiting] == [
        (boundary.handover_id, f"/v1/handovers/{boundary.handover_id}")
    ]
    assert damage in waiting[0]["title"]
    assert waiting[0]["requested_by"]["id"] == str(boundary.leader.id)
    # Nobody else: not another level 3 manager, not the leader, not the staff.
    for other in (floor.org.deputy, floor.org.gm, boundary.leader, boundary.outgoing, boundary.incoming):
        assert damage_tasks(await tasks_of(boundary, other)) == []

    path = f"/v1/handovers/{boundary.handover_id}/damage-report/acknowledge"
    assert (await boundary.post(path, floor.org.deputy)).status_code == 403
    taken = await boundary.post(path, duty)
    assert taken.status_code == 200, taken.text
    assert taken.json()["damage_acknowledged_by"] == str(duty.id)
    assert damage_tasks(await tasks_of(boundary, duty)) == []
    assert (await boundary.post(path, duty)).status_code == 409


async def test_without_a_named_duty_manager_a_level_3_manager_receives_the_damage_HND_10(
    boundary: Boundary,
) -> None:
    floor = boundary.floor
    await floor.client.put(
        f"/v1/handovers/{boundary.handover_id}/report",
        json={**REPORT, "equipment_ok": False, "equipment_damage": "Seat 4 monitor dead."},
        headers=boundary.leader.headers,
    )
    assert len(damage_tasks(await tasks_of(boundary, floor.org.deputy))) == 1
    assert damage_tasks(await tasks_of(boundary, boundary.leader)) == []


async def test_a_report_without_damage_has_nothing_to_take_in_HND_10(boundary: Boundary) -> None:
    await boundary.floor.client.put(
        f"/v1/handovers/{boundary.handover_id}/report", json=REPORT, headers=boundary.leader.headers
    )
    response = await boundary.post(
        f"/v1/handovers/{boundary.handover_id}/damage-report/acknowledge", boundary.floor.org.deputy
    )
    assert response.status_code == 409
