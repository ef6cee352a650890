"""Fixtures for the tests that cross services or exercise the event backbone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI

from callcenter_shared.broker import Broker
from callcenter_shared.clock import SystemClock
from callcenter_shared.envelope import Event
from callcenter_shared.inbox import EventConsumer, Handler
from callcenter_shared.testing import NatsServer, TestDatabases
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from scheduling.main import create_app as create_scheduling
from scheduling.settings import Settings as SchedulingSettings


@pytest.fixture
async def producer_and_consumer(test_databases: TestDatabases, nats_server: NatsServer) -> tuple[FastAPI, FastAPI]:
    """Scheduling (publishes employee.upserted) and performance (consumes it), on one NATS."""
    producer = create_scheduling(
        SchedulingSettings(database_url=await test_databases.fresh("scheduling"), nats_url=nats_server.url, env="test")
    )
    consumer = create_performance(
        PerformanceSettings(
            database_url=await test_databases.fresh("performance"), nats_url=nats_server.url, env="test"
        )
    )
    return producer, consumer


@pytest.fixture
def event_consumer(nats_server: NatsServer) -> Callable[..., AbstractAsyncContextManager[EventConsumer]]:
    """A running EventConsumer for one event class and handler, stopped at the end of the block."""

    @asynccontextmanager
    async def start(
        session_factory: Any, event_class: type[Event], handler: Handler, **options: Any
    ) -> AsyncIterator[EventConsumer]:
        broker = Broker(nats_server.url, name="test")
        broker.start()
        consumer = EventConsumer(
            service="performance",
            session_factory=session_factory,
            broker=broker,
            subscriptions={event_class: handler},
            clock=SystemClock(),
            **options,
        )
        consumer.start()
        await consumer.ready.wait()
        try:
            yield consumer
        finally:
            await consumer.stop()
            await broker.close()

    return start
