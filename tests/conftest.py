"""Fixtures for the tests that cross services or exercise the event backbone."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from callcenter_shared.broker import Broker
from callcenter_shared.clock import FrozenClock, SystemClock
from callcenter_shared.envelope import Event
from callcenter_shared.inbox import EventConsumer, Handler
from callcenter_shared.settings import ServiceSettings
from callcenter_testing import NatsServer, TestDatabases, running
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from scheduling.main import create_app as create_scheduling
from scheduling.settings import Settings as SchedulingSettings

# What runs for seconds (marker `slow`): the four services together, faults (NATS and consumers
# killed, the database cut off), the deployment checks, generated requests against a running
# service, metrics over two uvicorn workers, a headless browser. Parallel runs start these first.
SLOW_PATHS = (
    "e2e",
    "faults",
    "deploy",
    "browser",
    "hostile/test_schemathesis.py",
    "integration/test_metrics_workers.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    slow = [here / name for name in SLOW_PATHS]
    for item in items:
        if any(item.path.is_relative_to(path) for path in slow):
            item.add_marker(pytest.mark.slow)


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


SERVICES = ("scheduling", "performance", "recognition", "escalation")


class Stack:
    """The four services running together over one real NATS server."""

    def __init__(self, apps: dict[str, FastAPI], clock: Any = None) -> None:
        self.apps = apps
        self.clock = clock

    def settings(self, service: str) -> ServiceSettings:
        settings: ServiceSettings = self.apps[service].state.settings
        return settings

    def session(self, service: str) -> Any:
        return self.apps[service].state.session_factory()


@pytest.fixture
def build_service(test_databases: TestDatabases, nats_server: NatsServer) -> Callable[..., Any]:
    async def build(service: str, *, clock: Any = None, database_name: str = "", **overrides: Any) -> FastAPI:
        main = importlib.import_module(f"{service}.main")
        settings_module = importlib.import_module(f"{service}.settings")
        settings = settings_module.Settings(
            database_url=await test_databases.fresh(service, name=database_name),
            nats_url=nats_server.url,
            env="test",
            worker_poll_seconds=0.05,
            **overrides,
        )
        app: FastAPI = main.create_app(settings, clock=clock or SystemClock())
        return app

    return build


@asynccontextmanager
async def _running_stack(build_service: Callable[..., Any], clock: Any = None) -> AsyncIterator[Stack]:
    async with AsyncExitStack() as exits:
        apps = {}
        for service in SERVICES:
            app = await build_service(service, clock=clock)
            await exits.enter_async_context(running(app))
            apps[service] = app
        for app in apps.values():
            if app.state.subscriptions:
                await app.state.consumer.ready.wait()
        yield Stack(apps, clock)


@pytest.fixture
async def stack(build_service: Callable[..., Any]) -> AsyncIterator[Stack]:
    async with _running_stack(build_service) as running_stack:
        yield running_stack


@pytest.fixture
async def frozen_stack(build_service: Callable[..., Any]) -> AsyncIterator[Stack]:
    """The four services on one FrozenClock (`stack.clock`): time moves only when a test moves it."""
    async with _running_stack(build_service, FrozenClock()) as running_stack:
        yield running_stack
