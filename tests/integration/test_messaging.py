"""The event backbone under faults: outbox through a NATS outage, duplicates, poison messages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import nats
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.broker import Broker
from callcenter_shared.clock import SystemClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import EventConsumer
from callcenter_shared.org import org_employee
from callcenter_shared.streams import DEAD_LETTER_STREAM, dead_letter_subject, ensure_stream
from callcenter_shared.tables import deadline as deadline_table
from callcenter_shared.tables import inbox
from callcenter_shared.tables import outbox as outbox_table
from callcenter_testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    consumer_caught_up,
    eventually,
    http_client,
    running,
    service_bearer,
)
from scheduling.main import create_app as create_scheduling
from scheduling.settings import Settings as SchedulingSettings


def employee_event(name: str = "someone", version: int = 1, employee_id: uuid.UUID | None = None) -> EmployeeUpsertedV1:
    return EmployeeUpsertedV1(employee_id=employee_id or uuid.uuid4(), name=name, level=5, version=version)


async def publish_envelope(nats_url: str, envelope: Envelope, msg_id: str | None = None) -> None:
    client = await nats.connect(nats_url)
    js = client.jetstream()
    await ensure_stream(js, "scheduling")
    await js.publish(envelope.type, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": msg_id or envelope.id})
    await client.close()


async def test_outbox_survives_a_nats_outage_and_every_event_arrives_exactly_once(
    producer_and_consumer: tuple[FastAPI, FastAPI], nats_server: NatsServer
) -> None:
    producer, consumer = producer_and_consumer
    admin = service_bearer(producer.state.settings, HR_SYSTEM)
    async with running(producer), running(consumer), http_client(producer) as client:
        await consumer.state.consumer.ready.wait()
        assert (
            await client.post("/v1/employees", json={"name": "before", "level": 5}, headers=admin)
        ).status_code == 201

        nats_server.stop()
        for index in range(20):
            response = await client.post("/v1/employees", json={"name": f"during-{index}", "level": 5}, headers=admin)
            assert response.status_code == 201, "HTTP keeps working while NATS is down"
        async with producer.state.session_factory() as session:
            assert await outbox.backlog(session) >= 20

        async def relay_cut_off() -> bool:
            return not producer.state.broker.is_connected

        await eventually(relay_cut_off)
        nats_server.start()

        async def all_arrived() -> bool:
            async with consumer.state.session_factory() as session:
                return await session.scalar(select(func.count()).select_from(org_employee)) == 21

        async def nothing_left_to_redeliver() -> bool:
            return await consumer_caught_up(nats_server.url, "performance", EmployeeUpsertedV1)

        await eventually(all_arrived, timeout=30)
        await eventually(nothing_left_to_redeliver, timeout=60)  # any duplicate has been delivered by now
        async with consumer.state.session_factory() as session:
            assert await session.scalar(select(func.count()).select_from(inbox)) == 21
        async with producer.state.session_factory() as session:
            assert await outbox.backlog(session) == 0

    client_ = await nats.connect(nats_server.url)
    info = await client_.jetstream().stream_info("CALLCENTER_SCHEDULING")
    await client_.close()
    assert info.state.messages == 21, "no event was published twice"


@pytest.fixture
async def performance_session_factory(test_databases: TestDatabases) -> AsyncIterator[Any]:
    engine = create_engine(await test_databases.fresh("performance"))
    yield create_session_factory(engine)
    await engine.dispose()


async def count_rows(factory: Any, table: Any) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_same_event_delivered_twice_changes_state_once(
    nats_server: NatsServer, performance_session_factory: Any, event_consumer: Any
) -> None:
    async def count_a_side_effect(session: AsyncSession, event: EmployeeUpsertedV1, _envelope: Envelope) -> None:
        # Not idempotent on its own: every run adds a row.
        await deadlines.schedule(
            session, kind="seen", ref_id=event.employee_id, due_at=datetime.now(UTC), now=datetime.now(UTC)
        )

    async with event_consumer(performance_session_factory, EmployeeUpsertedV1, count_a_side_effect):
        envelope = Envelope.wrap(employee_event(), time=datetime.now(UTC))
        # Two different message ids, so JetStream's duplicate window cannot help: only the inbox can.
        await publish_envelope(nats_server.url, envelope, msg_id="first")
        await publish_envelope(nats_server.url, envelope, msg_id="second")
        client = await nats.connect(nats_server.url)

        async def both_delivered() -> bool:
            info = await client.jetstream().consumer_info(
                "CALLCENTER_SCHEDULING", "performance__scheduling_employee_upserted_v1"
            )
            return info.ack_floor.stream_seq == 2

        await eventually(both_delivered)
        await client.close()
    assert await count_rows(performance_session_factory, deadline_table) == 1
    assert await count_rows(performance_session_factory, inbox) == 1


async def dead_letters(nats_url: str) -> int:
    client = await nats.connect(nats_url)
    try:
        return int((await client.jetstream().stream_info(DEAD_LETTER_STREAM)).state.messages)
    except Exception:
        return 0
    finally:
        await client.close()


async def test_poisoned_event_goes_to_dead_letter_and_others_still_flow(
    nats_server: NatsServer, performance_session_factory: Any, event_consumer: Any
) -> None:
    poison_id = uuid.uuid4()

    async def fails_for_one(session: AsyncSession, event: EmployeeUpsertedV1, envelope: Envelope) -> None:
        if event.employee_id == poison_id:
            raise RuntimeError("cannot handle this employee")
        now = datetime.now(UTC)
        await deadlines.schedule(session, kind="seen", ref_id=event.employee_id, due_at=now, now=now)

    options = {"max_deliveries": 3, "retry_delay_seconds": 0.05}
    async with event_consumer(performance_session_factory, EmployeeUpsertedV1, fails_for_one, **options):
        poison = Envelope.wrap(employee_event("poison", employee_id=poison_id), time=datetime.now(UTC))
        await publish_envelope(nats_server.url, poison)
        for index in range(5):
            await publish_envelope(
                nats_server.url, Envelope.wrap(employee_event(f"ok-{index}"), time=datetime.now(UTC))
            )

        async def others_applied() -> bool:
            return await count_rows(performance_session_factory, deadline_table) == 5

        async def dead_lettered() -> bool:
            return await dead_letters(nats_server.url) == 1

        await eventually(others_applied)
        await eventually(dead_lettered)

    client = await nats.connect(nats_server.url)
    letter = await client.jetstream().get_last_msg(DEAD_LETTER_STREAM, dead_letter_subject("performance"))
    await client.close()
    assert letter.headers is not None
    assert letter.headers["Callcenter-Original-Subject"] == EmployeeUpsertedV1.subject
    assert "cannot handle this employee" in letter.headers["Callcenter-Error"]
    assert letter.headers["Callcenter-Deliveries"] == "3"
    assert json.loads(letter.data or b"{}")["data"]["employee_id"] == str(poison_id)
    assert await count_rows(performance_session_factory, inbox) == 5, "the poisoned event left no inbox row"


async def test_event_that_breaks_its_contract_is_dead_lettered_at_once(
    nats_server: NatsServer, performance_session_factory: Any, event_consumer: Any
) -> None:
    async def never_called(session: AsyncSession, event: Any, envelope: Envelope) -> None:
        raise AssertionError("a malformed event must not reach the handler")

    async with event_consumer(performance_session_factory, EmployeeUpsertedV1, never_called):
        bad = Envelope(
            id=str(uuid.uuid4()),
            source="/x",
            type=EmployeeUpsertedV1.subject,
            time=datetime.now(UTC),
            data={"level": 9},
        )
        await publish_envelope(nats_server.url, bad)

        async def dead_lettered() -> bool:
            return await dead_letters(nats_server.url) == 1

        await eventually(dead_lettered)
    assert await count_rows(performance_session_factory, inbox) == 0


async def test_outbox_row_commits_with_the_business_change_or_not_at_all(test_databases: TestDatabases) -> None:
    app = create_scheduling(
        SchedulingSettings(database_url=await test_databases.fresh("scheduling"), env="test", relay_enabled=False)
    )
    admin = service_bearer(app.state.settings, HR_SYSTEM)
    async with http_client(app) as client:
        refused = await client.post("/v1/employees", json={"name": "x", "level": 4}, headers=admin)
        assert refused.status_code == 422
    async with app.state.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(outbox_table)) == 0
    await app.state.engine.dispose()


class LosesTheCancelWhileSubscribing(Broker):
    """A broker whose JetStream subscribes although the cancel of a stop came with the reply.

    That is what Python 3.11's `asyncio.wait_for`, which nats-py awaits every reply with,
    does when the reply and the cancel land in the same turn of the event loop.
    """

    def __init__(self, url: str) -> None:
        super().__init__(url, name="test")
        self.subscribing = asyncio.Event()

    @property
    def js(self) -> Any:
        js, subscribing = super().js, self.subscribing

        class Lossy:
            def __getattr__(self, name: str) -> Any:
                return getattr(js, name)

            async def pull_subscribe(self, *args: Any, **kwargs: Any) -> Any:
                subscribing.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.get_running_loop().create_future()
                return await js.pull_subscribe(*args, **kwargs)

        return Lossy()


def fetch_loops() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task.get_name().startswith("consume-") and not task.done()]


async def test_a_consumer_stopped_while_it_subscribes_stops_though_the_cancel_is_lost(
    nats_server: NatsServer, performance_session_factory: Any
) -> None:
    async def ignore(session: AsyncSession, event: EmployeeUpsertedV1, envelope: Envelope) -> None:
        pass

    broker = LosesTheCancelWhileSubscribing(nats_server.url)
    broker.start()
    consumer = EventConsumer(
        service="performance",
        session_factory=performance_session_factory,
        broker=broker,
        subscriptions={EmployeeUpsertedV1: ignore},
        clock=SystemClock(),
    )
    consumer.start()
    await broker.subscribing.wait()
    stopping = asyncio.create_task(consumer.stop())
    try:
        await asyncio.wait([stopping], timeout=10)
        assert stopping.done(), "stop() waits for a fetch loop its cancel never reached"
        assert not fetch_loops(), "a fetch loop runs on after stop()"
    finally:
        left = [*fetch_loops(), stopping]
        for task in left:
            task.cancel()
        await asyncio.wait(left, timeout=10)
        await broker.close()
