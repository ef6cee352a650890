"""Scheduling over a real NATS server: swap events reach JetStream, `case.resolved` closes a handover item."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import nats
import pytest
from fastapi import FastAPI
from nats.js.errors import NotFoundError

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.envelope import Envelope
from callcenter_testing import NatsServer, TestDatabases, eventually, running
from scheduling.main import create_app
from scheduling.settings import Settings

SHANGHAI = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
async def app(
    test_databases: TestDatabases,
    clock: FrozenClock,
    settings_factory: Callable[..., Settings],
    nats_server: NatsServer,
) -> AsyncIterator[FastAPI]:
    """The app with its relay and consumer on (the worker is driven by hand)."""
    settings = settings_factory(
        await test_databases.fresh("scheduling"), nats_url=nats_server.url, relay_enabled=True, consumer_enabled=True
    )
    application = create_app(settings, clock=clock)
    async with running(application):
        await application.state.consumer.ready.wait()
        yield application


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[Any]:
    connection = await nats.connect(nats_server.url)
    yield connection.jetstream()
    await connection.close()


async def last_event(js: Any, subject: str) -> dict[str, Any] | None:
    try:
        message = await js.get_last_msg("CALLCENTER_SCHEDULING", subject)
    except NotFoundError:
        return None
    envelope: dict[str, Any] = json.loads(message.data)
    return envelope


async def test_full_swap_over_http_publishes_every_step_on_nats_SWP_3(floor: Any, js: Any) -> None:
    _, mine = await floor.on_shift(floor.a1, at(5, 8))
    _, theirs = await floor.on_shift(floor.b1, at(6, 8))
    client = floor.client
    response = await client.post(
        "/v1/swaps",
        json={"requester_assignment_id": str(mine), "counterpart_assignment_id": str(theirs)},
        headers=floor.a1.headers,
    )
    swap_id = response.json()["id"]
    for person, action in ((floor.b1, "accept"), (floor.leader_a, "sign"), (floor.leader_b, "sign")):
        assert (await client.post(f"/v1/swaps/{swap_id}/{action}", headers=person.headers)).status_code == 200
    approved = await client.post(f"/v1/swaps/{swap_id}/approve", json={}, headers=floor.manager.headers)
    assert approved.json()["status"] == "approved"

    for verb in ("requested", "accepted", "signed", "approved"):
        subject = f"callcenter.scheduling.swap.{verb}.v1"

        async def arrived(subject: str = subject) -> dict[str, Any] | None:
            return await last_event(js, subject)

        envelope = await eventually(arrived)
        assert envelope["type"] == subject
        assert envelope["subject"] == swap_id
    envelope = await last_event(js, "callcenter.scheduling.swap.approved.v1")
    assert envelope is not None
    assert envelope["data"]["requester_id"] == str(floor.a1.id)
    assert envelope["data"]["approved_by"] == str(floor.manager.id)


async def test_case_resolved_from_nats_closes_the_escalated_item_HND_8(
    floor: Any, js: Any, app: FastAPI, clock: FrozenClock
) -> None:
    day, _ = await floor.on_shift(floor.a1, at(5, 8))
    evening, _ = await floor.on_shift(floor.a2, at(5, 16))
    handover = await floor.client.post(
        "/v1/handovers",
        json={"team_id": str(floor.team_a), "outgoing_shift_id": str(day), "incoming_shift_id": str(evening)},
        headers=floor.leader_a.headers,
    )
    item = await floor.client.post(
        f"/v1/handovers/{handover.json()['id']}/items",
        json={
            "title": "Supplier refund",
            "progress": "Waiting for the supplier",
            "contacts": "Customer 139****1111",
            "receiver_id": str(floor.a2.id),
            "due_at": at(5, 20).isoformat(),
        },
        headers=floor.a1.headers,
    )
    item_id = item.json()["id"]
    clock.set(at(5, 20))
    await app.state.worker.fire_due()

    async def escalation_published() -> dict[str, Any] | None:
        return await last_event(js, "callcenter.scheduling.handover_item.escalation_requested.v1")

    assert (await eventually(escalation_published))["data"]["item_id"] == item_id

    event = CaseResolvedV1(
        case_id=uuid.uuid4(),
        number="C-2026-0042",
        resolution="Supplier paid the refund; customer called back.",
        resolved_by=floor.manager.id,
        resolved_at=at(6, 9),
        handover_item_id=uuid.UUID(item_id),
    )
    envelope = Envelope.wrap(event, time=at(6, 9))
    await js.publish(event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id})

    async def closed() -> dict[str, Any] | None:
        body = (await floor.client.get(f"/v1/handovers/{handover.json()['id']}", headers=floor.leader_a.headers)).json()
        found: dict[str, Any] = body["items"][0]
        return found if found["status"] == "resolved" else None

    resolved = await eventually(closed)
    assert resolved["resolution"] == "Supplier paid the refund; customer called back."
    assert resolved["resolved_case_id"] == str(event.case_id)
