"""Handover items that may not be carried again become cases at level 2; resolving one closes the item."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx
import nats
from fastapi import FastAPI
from sqlalchemy import func, select

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.contracts.scheduling import HandoverItemEscalationRequestedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.streams import ensure_stream, stream_name
from callcenter_testing import NatsServer, TestDatabases, eventually, http_client, running
from escalation.case.handlers import on_handover_item_escalation_requested
from escalation.case.models import Case
from escalation.main import create_app
from escalation.settings import Settings

Published = Callable[[str], Awaitable[list[dict[str, Any]]]]


def item_event(
    owner_id: uuid.UUID, now: datetime, item_id: uuid.UUID | None = None
) -> HandoverItemEscalationRequestedV1:
    return HandoverItemEscalationRequestedV1(
        item_id=item_id or uuid.uuid4(),
        handover_id=uuid.uuid4(),
        owner_id=owner_id,
        title="Customer 4471 waiting for a refund",
        description="Refund promised on Monday",
        progress="Finance contacted twice",
        contacts="Mr. Zhang 139 1111 2222",
        carry_count=3,
        reason="carried_too_often",
        requested_at=now,
    )


class TestFromHandover:
    async def test_item_becomes_a_case_at_L2_linked_to_the_item(
        self, app: FastAPI, client: httpx.AsyncClient, clock: FrozenClock, org: Any, published: Published
    ) -> None:
        event = item_event(org.agent.id, clock.now())
        async with app.state.session_factory() as s, s.begin():
            await on_handover_item_escalation_requested(s, event, Envelope.wrap(event, time=clock.now()))
        listed = (await client.get("/v1/cases/mine", headers=org.agent.headers)).json()["items"]
        assert len(listed) == 1
        case = listed[0]
        assert (case["level"], case["handler_id"], case["owner_id"]) == (2, str(org.leader.id), str(org.agent.id))
        assert (case["channel"], case["category"], case["handover_item_id"]) == (
            "handover_item",
            "handover_item",
            str(event.item_id),
        )
        assert case["customer_contact"] == "Mr. Zhang 139 1111 2222"
        opened = await published("callcenter.escalation.case.opened.v1")
        assert [o["handover_item_id"] for o in opened] == [str(event.item_id)]

    async def test_a_second_request_for_the_same_open_item_opens_no_second_case(
        self, app: FastAPI, clock: FrozenClock, org: Any
    ) -> None:
        item_id = uuid.uuid4()
        for _ in range(2):
            event = item_event(org.agent.id, clock.now(), item_id)
            async with app.state.session_factory() as s, s.begin():
                await on_handover_item_escalation_requested(s, event, Envelope.wrap(event, time=clock.now()))
        async with app.state.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(Case).where(Case.handover_item_id == item_id)) == 1


async def test_handover_request_over_nats_becomes_a_case_and_resolving_publishes_the_item_id(
    test_databases: TestDatabases, nats_server: NatsServer, clock: FrozenClock, org_seed: Any
) -> None:
    """Real NATS: scheduling's event in, a case opened, `case.resolved` with the item id on the stream."""
    settings = Settings(
        database_url=await test_databases.fresh("escalation"), nats_url=nats_server.url, env="test",
        worker_enabled=False,
    )  # fmt: skip
    app = create_app(settings, clock=clock)
    people = await org_seed(app)
    async with running(app):
        await app.state.consumer.ready.wait()
        connection = await nats.connect(nats_server.url)
        try:
            js = connection.jetstream()
            await ensure_stream(js, "scheduling")
            event = item_event(people.agent.id, clock.now())
            envelope = Envelope.wrap(event, time=clock.now())
            await js.publish(event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id})

            async def opened() -> Case | None:
                async with app.state.session_factory() as s:
                    found: Case | None = await s.scalar(select(Case).where(Case.handover_item_id == event.item_id))
                    return found

            case = await eventually(opened)
            assert (case.level, case.handler_id) == (2, people.leader.id)
            async with http_client(app) as client:
                response = await client.post(
                    f"/v1/cases/{case.id}/resolve", json={"resolution": "Refund paid"}, headers=people.leader.headers
                )
                assert response.status_code == 200, response.text

            async def resolved_on_stream() -> dict[str, Any] | None:
                try:
                    message = await js.get_last_msg(stream_name("escalation"), CaseResolvedV1.subject)
                except Exception:
                    return None
                body: dict[str, Any] = json.loads(message.data or b"{}")
                return body

            body = await eventually(resolved_on_stream)
            assert body["type"] == CaseResolvedV1.subject
            assert body["data"]["handover_item_id"] == str(event.item_id)
            assert body["data"]["case_id"] == str(case.id)
        finally:
            await connection.close()
    await app.state.engine.dispose()
