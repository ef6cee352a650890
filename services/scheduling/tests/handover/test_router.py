"""Shift handover over HTTP: report, items, check-in, read-back and sign-off (HND-1..10)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.envelope import Envelope
from callcenter_testing import PHONE_SYSTEM, service_bearer
from scheduling.handover.handlers import on_case_resolved

SHANGHAI = timezone(timedelta(hours=8))
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


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

    async def post(self, path: str, person: Any, body: dict[str, Any] | None = None) -> Any:
        return await self.floor.client.post(path, json=body, headers=person.headers)

    async def item(self, **fields: Any) -> Any:
        body = {
            "title": "Double charge",
            "progress": "Refund filed at 15:20",
            "contacts": "Customer 138****0000",
            "receiver_id": str(self.incoming.id),
            **fields,
        }
        return await self.post(f"/v1/handovers/{self.handover_id}/items", self.outgoing, body)

    async def read(self) -> dict[str, Any]:
        response = await self.floor.client.get(f"/v1/handovers/{self.handover_id}", headers=self.leader.headers)
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def boundary(floor: Any) -> Boundary:
    """Team A: a1 works the day shift (08-16 on the 5th), a2 the evening shift that follows."""
    day, _ = await floor.on_shift(floor.a1, at(5, 8))
    evening, _ = await floor.on_shift(floor.a2, at(5, 16))
    response = await floor.client.post(
        "/v1/handovers",
        json={"team_id": str(floor.team_a), "outgoing_shift_id": str(day), "incoming_shift_id": str(evening)},
        headers=floor.leader_a.headers,
    )
    assert response.status_code == 201, response.text
    return Boundary(floor, response.json()["id"], floor.a1, floor.a2, floor.leader_a)


async def ready_to_complete(b: Boundary, clock: FrozenClock) -> str:
    """Report published, one item acknowledged, incoming checked in on time; returns the item id."""
    await b.floor.client.put(f"/v1/handovers/{b.handover_id}/report", json=REPORT, headers=b.leader.headers)
    item_id = (await b.item()).json()["id"]
    clock.set(at(5, 15, 40))
    assert (await b.post(f"/v1/handovers/{b.handover_id}/check-ins", b.incoming)).status_code == 201
    ack = await b.post(
        f"/v1/handover-items/{item_id}/acknowledge", b.incoming, {"read_back": "I will ring finance at 17:00."}
    )
    assert ack.status_code == 200, ack.text
    return str(item_id)


class TestCheckIn:
    async def test_late_check_in_emits_handover_late_with_minutes_HND_1(
        self, boundary: Boundary, clock: FrozenClock, events: Events
    ) -> None:
        clock.set(at(5, 15, 52))  # the latest on-time check-in is 15:45
        response = await boundary.post(f"/v1/handovers/{boundary.handover_id}/check-ins", boundary.incoming)
        assert response.status_code == 201
        assert response.json()["incoming"][0]["minutes_late"] == 7
        late = await events("callcenter.scheduling.handover.late.v1")
        assert len(late) == 1
        assert late[0]["employee_id"] == str(boundary.incoming.id)
        assert late[0]["minutes_late"] == 7

    async def test_on_time_check_in_emits_nothing_HND_1(
        self, boundary: Boundary, clock: FrozenClock, events: Events
    ) -> None:
        clock.set(at(5, 15, 45))
        response = await boundary.post(f"/v1/handovers/{boundary.handover_id}/check-ins", boundary.incoming)
        assert response.json()["incoming"][0]["minutes_late"] == 0
        assert await events("callcenter.scheduling.handover.late.v1") == []

    async def test_only_incoming_staff_check_in(self, boundary: Boundary) -> None:
        response = await boundary.post(f"/v1/handovers/{boundary.handover_id}/check-ins", boundary.outgoing)
        assert response.status_code == 403


class TestCompletion:
    async def test_outgoing_stays_on_duty_until_incoming_checked_in_HND_2(self, boundary: Boundary) -> None:
        await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=REPORT, headers=boundary.leader.headers
        )
        response = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert response.status_code == 422
        assert response.json()["rule"] == "HND-2"
        outgoing = (await boundary.read())["outgoing"][0]
        assert outgoing["on_duty"] is True
        assert outgoing["released_at"] is None

    async def test_no_handover_while_the_outgoing_agent_serves_a_customer_HND_3(
        self, boundary: Boundary, clock: FrozenClock
    ) -> None:
        await ready_to_complete(boundary, clock)
        call = {"external_id": "call-1", "employee_id": str(boundary.outgoing.id), "state": "in_progress"}
        # The phone system calls with its service account (scope interactions:write).
        phone = SimpleNamespace(headers=service_bearer(boundary.floor.org.settings, PHONE_SYSTEM))
        assert (await boundary.post("/v1/interactions", phone, call)).status_code == 200
        assert (await boundary.read())["outgoing"][0]["interaction_in_progress"] is True
        refused = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert refused.json()["rule"] == "HND-3"
        await boundary.post("/v1/interactions", phone, {**call, "state": "ended"})
        done = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert done.json()["status"] == "completed"

    async def test_report_must_be_published_and_questions_answered_HND_4(
        self, boundary: Boundary, clock: FrozenClock
    ) -> None:
        clock.set(at(5, 15, 30))
        await boundary.post(f"/v1/handovers/{boundary.handover_id}/check-ins", boundary.incoming)
        no_report = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert no_report.json()["rule"] == "HND-4"
        agent_report = await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=REPORT, headers=boundary.outgoing.headers
        )
        assert agent_report.status_code == 403
        await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=REPORT, headers=boundary.leader.headers
        )
        question = await boundary.post(
            f"/v1/handovers/{boundary.handover_id}/questions", boundary.incoming, {"question": "Is district 3 back?"}
        )
        assert question.status_code == 201
        unanswered = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert unanswered.json()["rule"] == "HND-4"
        await boundary.post(
            f"/v1/handover-questions/{question.json()['id']}/answer", boundary.outgoing, {"answer": "Yes, at 15:10."}
        )
        done = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert done.json()["status"] == "completed"
        assert done.json()["questions"][0]["answer"] == "Yes, at 15:10."
        assert done.json()["reusable_resolutions"] == REPORT["reusable_resolutions"]  # HND-7

    async def test_unacknowledged_item_blocks_completion_HND_9(
        self, boundary: Boundary, clock: FrozenClock, events: Events
    ) -> None:
        await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=REPORT, headers=boundary.leader.headers
        )
        item_id = (await boundary.item()).json()["id"]
        clock.set(at(5, 15, 40))
        await boundary.post(f"/v1/handovers/{boundary.handover_id}/check-ins", boundary.incoming)
        refused = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "HND-9"
        assert refused.json()["item_ids"] == [item_id]
        assert (await boundary.read())["outgoing"][0]["released_at"] is None
        await boundary.post(
            f"/v1/handover-items/{item_id}/acknowledge", boundary.incoming, {"read_back": "I call finance at 17:00."}
        )
        agent = await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.outgoing)
        assert agent.status_code == 403
        clock.set(at(5, 16, 5))
        done = (await boundary.post(f"/v1/handovers/{boundary.handover_id}/complete", boundary.leader)).json()
        assert done["status"] == "completed"
        assert done["signed_off_by"] == str(boundary.leader.id)
        assert done["outgoing"][0]["released_at"].startswith("2026-11-05T08:05:00")
        assert done["outgoing"][0]["on_duty"] is False
        completed = await events("callcenter.scheduling.handover.completed.v1")
        assert completed[0]["handover_id"] == boundary.handover_id


class TestItems:
    async def test_item_needs_progress_contacts_and_an_incoming_receiver_HND_5(self, boundary: Boundary) -> None:
        missing = await boundary.item(progress="", contacts="")
        assert missing.status_code == 422
        assert {e["path"] for e in missing.json()["errors"]} == {"body.progress", "body.contacts"}
        wrong = await boundary.item(receiver_id=str(boundary.floor.b1.id))
        assert wrong.json()["rule"] == "HND-5"

    async def test_receiver_owns_the_item_and_records_its_resolution_HND_6(
        self, boundary: Boundary, clock: FrozenClock, events: Events
    ) -> None:
        item_id = await ready_to_complete(boundary, clock)
        item = (await boundary.read())["items"][0]
        assert item["owner_id"] == str(boundary.incoming.id)
        assert item["read_back"] == "I will ring finance at 17:00."
        former = await boundary.post(f"/v1/handover-items/{item_id}/resolve", boundary.outgoing, {"resolution": "x"})
        assert former.json()["rule"] == "HND-6"
        resolved = await boundary.post(
            f"/v1/handover-items/{item_id}/resolve", boundary.incoming, {"resolution": "Refund paid at 18:10."}
        )
        assert resolved.json()["status"] == "resolved"
        assert resolved.json()["resolution"] == "Refund paid at 18:10."
        assert (await events("callcenter.scheduling.handover_item.resolved.v1"))[0]["item_id"] == item_id

    async def test_read_back_must_be_in_the_receivers_own_words_HND_9(self, boundary: Boundary) -> None:
        item_id = (await boundary.item()).json()["id"]
        copied = await boundary.post(
            f"/v1/handover-items/{item_id}/acknowledge", boundary.incoming, {"read_back": "Refund filed at 15:20"}
        )
        assert copied.status_code == 422
        empty = await boundary.post(f"/v1/handover-items/{item_id}/acknowledge", boundary.incoming, {})
        assert empty.status_code == 422
        stranger = await boundary.post(
            f"/v1/handover-items/{item_id}/acknowledge", boundary.floor.b1, {"read_back": "I will do it tonight."}
        )
        assert stranger.status_code == 403

    async def test_damaged_equipment_is_reported_to_the_duty_manager_HND_10(
        self, boundary: Boundary, events: Events
    ) -> None:
        report = {**REPORT, "equipment_ok": False}
        undescribed = await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=report, headers=boundary.leader.headers
        )
        assert undescribed.status_code == 422
        report["equipment_damage"] = "Headset at seat 12 crackles."
        response = await boundary.floor.client.put(
            f"/v1/handovers/{boundary.handover_id}/report", json=report, headers=boundary.leader.headers
        )
        assert response.json()["equipment_damage"] == "Headset at seat 12 crackles."
        damaged = await events("callcenter.scheduling.handover.equipment_damaged.v1")
        assert damaged[0]["damage"] == "Headset at seat 12 crackles."


async def next_boundary(floor: Any, previous_incoming_shift_day: int, giver: Any, taker: Any) -> str:
    """A handover between two fresh shifts of team A, `giver` outgoing and `taker` incoming."""
    out, _ = await floor.on_shift(giver, at(previous_incoming_shift_day, 8))
    inc, _ = await floor.on_shift(taker, at(previous_incoming_shift_day, 16))
    response = await floor.client.post(
        "/v1/handovers",
        json={"team_id": str(floor.team_a), "outgoing_shift_id": str(out), "incoming_shift_id": str(inc)},
        headers=floor.leader_a.headers,
    )
    return str(response.json()["id"])


class TestEscalation:
    async def test_item_carried_a_third_time_becomes_an_escalation_request_HND_8(
        self, floor: Any, events: Events
    ) -> None:
        giver, taker = floor.a1, floor.a2
        carried_from: str | None = None
        for round_number, day in enumerate((5, 7, 9, 11)):
            handover_id = await next_boundary(floor, day, giver, taker)
            body: dict[str, Any] = {
                "title": "Difficult complaint",
                "progress": f"Round {round_number}: still waiting for the supplier",
                "contacts": "Customer 139****1111",
                "receiver_id": str(taker.id),
            }
            if carried_from:
                body["carried_from_item_id"] = carried_from
            response = await floor.client.post(f"/v1/handovers/{handover_id}/items", json=body, headers=giver.headers)
            if round_number < 3:
                assert response.status_code == 201, response.text
                assert response.json()["carry_count"] == round_number
                item_id = response.json()["id"]
                ack = await floor.client.post(
                    f"/v1/handover-items/{item_id}/acknowledge",
                    json={"read_back": f"I chase the supplier again, round {round_number}."},
                    headers=taker.headers,
                )
                assert ack.status_code == 200
                carried_from = item_id
                giver, taker = taker, giver
            else:
                assert response.status_code == 202
                assert response.json()["status"] == "escalated"
                assert response.json()["id"] == carried_from
        requested = await events("callcenter.scheduling.handover_item.escalation_requested.v1")
        assert len(requested) == 1
        assert requested[0]["item_id"] == carried_from
        assert requested[0]["carry_count"] == 2
        assert requested[0]["reason"] == "carried_too_often"
        assert requested[0]["owner_id"] == str(giver.id)

    async def test_item_past_its_due_time_is_escalated_by_the_worker_HND_8(
        self, boundary: Boundary, clock: FrozenClock, app: FastAPI, events: Events
    ) -> None:
        item_id = (await boundary.item(due_at=at(5, 20).isoformat())).json()["id"]
        clock.set(at(5, 19, 59))
        await app.state.worker.fire_due()
        assert await events("callcenter.scheduling.handover_item.escalation_requested.v1") == []
        clock.set(at(5, 20))
        await app.state.worker.fire_due()
        requested = await events("callcenter.scheduling.handover_item.escalation_requested.v1")
        assert [(r["item_id"], r["reason"]) for r in requested] == [(item_id, "past_due")]

    async def test_case_resolved_closes_the_escalated_item_with_its_resolution_HND_8(
        self, boundary: Boundary, app: FastAPI, clock: FrozenClock
    ) -> None:
        item_id = (await boundary.item(due_at=at(5, 20).isoformat())).json()["id"]
        clock.set(at(5, 20))
        await app.state.worker.fire_due()
        case_id = uuid.uuid4()
        event = CaseResolvedV1(
            case_id=case_id,
            number="C-2026-0001",
            resolution="Supplier refunded the customer.",
            resolved_by=boundary.floor.manager.id,
            resolved_at=at(6, 10),
            handover_item_id=uuid.UUID(item_id),
        )
        async with app.state.session_factory() as session, session.begin():
            await on_case_resolved(session, event, Envelope.wrap(event, time=at(6, 10)))
        item = (await boundary.read())["items"][0]
        assert item["status"] == "resolved"
        assert item["resolution"] == "Supplier refunded the customer."
        assert item["resolved_case_id"] == str(case_id)

    async def test_case_without_a_handover_item_changes_nothing(
        self, boundary: Boundary, app: FastAPI, clock: FrozenClock, events: Events
    ) -> None:
        item_id = (await boundary.item(due_at=at(5, 20).isoformat())).json()["id"]
        clock.set(at(5, 20))
        await app.state.worker.fire_due()
        escalated = (await boundary.read())["items"]
        assert [(i["id"], i["status"]) for i in escalated] == [(item_id, "escalated")]
        event = CaseResolvedV1(
            case_id=uuid.uuid4(), number="C-1", resolution="r", resolved_by=uuid.uuid4(), resolved_at=at(6, 10)
        )
        async with app.state.session_factory() as session, session.begin():
            await on_case_resolved(session, event, Envelope.wrap(event, time=at(6, 10)))
        assert (await boundary.read())["items"] == escalated, "the escalated item stays open, unresolved"
        assert await events("callcenter.scheduling.handover_item.resolved.v1") == []
