"""Durability under faults: a broker outage while producing, a consumer killed mid-batch,
the database going away, two relays racing on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import nats
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from callcenter_shared import outbox
from callcenter_shared.broker import Broker
from callcenter_shared.clock import SystemClock
from callcenter_shared.contracts.scheduling import EmployeeUpsertedV1
from callcenter_shared.db import create_engine, create_session_factory
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import org_employee
from callcenter_shared.outbox import OutboxRelay
from callcenter_shared.streams import ensure_stream
from callcenter_shared.tables import inbox
from callcenter_testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    bearer,
    consumer_caught_up,
    eventually,
    free_port,
    http_client,
    running,
    service_bearer,
)
from scheduling.main import create_app as create_scheduling
from scheduling.org.models import Team
from scheduling.settings import Settings as SchedulingSettings


async def count(factory: Any, table: Any) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def stream_messages(nats_url: str, stream: str) -> int:
    client = await nats.connect(nats_url)
    info = await client.jetstream().stream_info(stream)
    await client.close()
    return int(info.state.messages)


async def test_nats_killed_while_producing_and_back_later_loses_and_doubles_nothing(
    producer_and_consumer: tuple[FastAPI, FastAPI], nats_server: NatsServer
) -> None:
    producer, consumer = producer_and_consumer
    admin = service_bearer(producer.state.settings, HR_SYSTEM)
    created: list[str] = []
    async with running(producer), running(consumer), http_client(producer) as client:
        await consumer.state.consumer.ready.wait()
        producing = True

        async def produce() -> None:
            while producing:
                response = await client.post(
                    "/v1/employees", json={"name": f"e{len(created)}", "level": 5}, headers=admin
                )
                assert response.status_code == 201
                created.append(response.json()["id"])
                await asyncio.sleep(0.02)  # a steady trickle of writes, not a burst

        async def created_at_least(count: int) -> bool:
            return len(created) >= count

        production = asyncio.create_task(produce())
        await eventually(lambda: created_at_least(20))
        nats_server.stop()

        async def outage_felt() -> bool:
            # The relay holds what was written while the broker was gone, well past one reconnect attempt.
            async with producer.state.session_factory() as session:
                return not producer.state.broker.is_connected and await outbox.backlog(session) >= 100

        await eventually(outage_felt, timeout=30)
        nats_server.start()
        during = len(created)
        await eventually(lambda: created_at_least(during + 20), timeout=30)
        producing = False
        await production

        async def all_arrived() -> bool:
            return await count(consumer.state.session_factory, org_employee) == len(created)

        async def nothing_left_to_redeliver() -> bool:
            return await consumer_caught_up(nats_server.url, "performance", EmployeeUpsertedV1)

        await eventually(all_arrived, timeout=30)
        await eventually(nothing_left_to_redeliver, timeout=60)
        assert await count(consumer.state.session_factory, inbox) == len(created)
        assert await count(consumer.state.session_factory, org_employee) == len(created)
    assert await stream_messages(nats_server.url, "CALLCENTER_SCHEDULING") == len(created)


async def publish_employees(nats_url: str, how_many: int) -> set[str]:
    client = await nats.connect(nats_url)
    js = client.jetstream()
    await ensure_stream(js, "scheduling")
    ids: set[str] = set()
    pending = []
    for index in range(how_many):
        event = EmployeeUpsertedV1(employee_id=uuid.uuid4(), name=f"p{index}", level=5, version=1)
        envelope = Envelope.wrap(event, time=datetime.now(UTC))
        ids.add(str(event.employee_id))
        pending.append(
            js.publish(event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id})
        )
        if len(pending) == 250:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    await client.close()
    return ids


def start_consumer_process(database_url: str, nats_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "ENV": "test",
        "CONSUMER_BATCH_SIZE": "50",
        # What the killed process held comes back after this long, not the default 30 s.
        "CONSUMER_ACK_WAIT_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "performance.main:create_app", "--factory", "--port", str(free_port()),
         "--log-level", "error"],
        env=env,
    )  # fmt: skip


async def test_consumer_killed_mid_batch_and_restarted_loses_and_doubles_nothing(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    url = await test_databases.fresh("performance")
    ids = await publish_employees(nats_server.url, 3000)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    process = start_consumer_process(url, nats_server.url)
    try:

        async def some_applied() -> bool:
            return await count(factory, inbox) > 0

        await eventually(some_applied, timeout=30, interval=0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        applied_before_restart = await count(factory, inbox)
        assert 0 < applied_before_restart < len(ids), "the kill landed mid-stream"

        process = start_consumer_process(url, nats_server.url)

        async def all_applied() -> bool:
            return await count(factory, inbox) == len(ids)

        async def nothing_left_to_redeliver() -> bool:
            return await consumer_caught_up(nats_server.url, "performance", EmployeeUpsertedV1)

        await eventually(all_applied, timeout=60)
        # What the killed process held unacknowledged comes back after the ack wait: wait for it too.
        await eventually(nothing_left_to_redeliver, timeout=60)
        async with factory() as session:
            stored = set(map(str, (await session.scalars(select(org_employee.c.id))).all()))
        assert stored == ids
        assert await count(factory, inbox) == len(ids)
    finally:
        process.kill()
        process.wait(timeout=10)
        await engine.dispose()


async def test_database_unreachable_gives_503_problem_and_readyz_says_so() -> None:
    dead = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere"
    app = create_scheduling(SchedulingSettings(database_url=dead, env="test", relay_enabled=False))
    # The HR system writes without a directory lookup; a person's read fails at the lookup itself.
    hr, person = service_bearer(app.state.settings, HR_SYSTEM), bearer(app.state.settings, uuid.uuid4())
    async with http_client(app) as client:
        write = await client.post("/v1/teams", json={"name": "A"}, headers=hr)
        read = await client.get("/v1/teams", headers=person)
        ready = await client.get("/readyz")
    for response in (write, read):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable")
    await app.state.engine.dispose()


class TcpProxy:
    """A loopback TCP proxy that can cut every connection, to take a database away mid-traffic."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update({writer, upstream_writer})

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


@pytest.fixture
async def proxied_postgres(test_databases: TestDatabases) -> AsyncIterator[tuple[str, TcpProxy]]:
    if not test_databases.on_postgres:
        pytest.skip("needs PostgreSQL (TEST_POSTGRES_URL)")
    url = await test_databases.fresh("scheduling")
    port = int(url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    proxy = TcpProxy(port)
    await proxy.start()
    yield url.replace(f":{port}/", f":{proxy.port}/"), proxy
    await proxy.cut()


async def test_database_lost_mid_traffic_answers_503_and_leaves_nothing_half_written(
    proxied_postgres: tuple[str, TcpProxy],
) -> None:
    url, proxy = proxied_postgres
    app = create_scheduling(
        SchedulingSettings(database_url=url, env="test", relay_enabled=False, consumer_enabled=False)
    )
    admin = service_bearer(app.state.settings, HR_SYSTEM)
    statuses: list[int] = []
    async with http_client(app) as client:
        for index in range(10):
            statuses.append(
                (await client.post("/v1/teams", json={"name": f"before-{index}"}, headers=admin)).status_code
            )
        await proxy.cut()
        for index in range(5):
            response = await client.post("/v1/teams", json={"name": f"during-{index}"}, headers=admin)
            assert response.status_code == 503, response.text
        assert (await client.get("/readyz")).status_code == 503
        await proxy.start()

        async def recovered() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await eventually(recovered, timeout=15)
        statuses.append((await client.post("/v1/teams", json={"name": "after"}, headers=admin)).status_code)
    assert statuses == [201] * 11
    # Read from the database itself: the HR system's account may write the directory but not read it.
    async with app.state.session_factory() as session:
        names = (await session.scalars(select(Team.name))).all()
        assert sorted(names) == sorted([f"before-{i}" for i in range(10)] + ["after"])
        assert await outbox.backlog(session) == 11, "one event per team that exists, none for refused writes"
    await app.state.engine.dispose()


async def test_two_relays_on_postgresql_publish_each_event_once_in_effect(
    test_databases: TestDatabases, nats_server: NatsServer
) -> None:
    if not test_databases.on_postgres:
        pytest.skip("needs PostgreSQL: on SQLite one relay runs per database by design")
    url = await test_databases.fresh("scheduling")
    engines = [create_engine(url), create_engine(url)]
    factories = [create_session_factory(engine) for engine in engines]
    now = datetime.now(UTC)
    async with factories[0]() as session, session.begin():
        for index in range(1000):
            await outbox.add(
                session, EmployeeUpsertedV1(employee_id=uuid.uuid4(), name=f"r{index}", level=5, version=1), at=now
            )
    brokers = [Broker(nats_server.url, name=f"relay-{n}") for n in range(2)]
    relays = []
    for broker, factory in zip(brokers, factories, strict=True):
        broker.start()
        await broker.wait_connected()
        relays.append(
            OutboxRelay(
                service="scheduling", session_factory=factory, broker=broker, clock=SystemClock(), batch_size=100
            )
        )
    await ensure_stream(brokers[0].js, "scheduling")

    async def drain(relay: OutboxRelay) -> None:
        while await relay.publish_pending():
            pass

    await asyncio.gather(*(drain(relay) for relay in relays))
    async with factories[0]() as session:
        assert await outbox.backlog(session) == 0
    assert await stream_messages(nats_server.url, "CALLCENTER_SCHEDULING") == 1000
    for broker in brokers:
        await broker.close()
    for engine in engines:
        await engine.dispose()
