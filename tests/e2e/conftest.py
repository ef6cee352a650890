from __future__ import annotations

import importlib
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
from fastapi import FastAPI

from callcenter_shared.clock import SystemClock
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.testing import NatsServer, TestDatabases, running

SERVICES = ("scheduling", "performance", "recognition", "escalation")


class Stack:
    """The four services running together over one real NATS server."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.apps = apps

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


@pytest.fixture
async def stack(build_service: Callable[..., Any]) -> AsyncIterator[Stack]:
    async with AsyncExitStack() as exits:
        apps = {}
        for service in SERVICES:
            app = await build_service(service)
            await exits.enter_async_context(running(app))
            apps[service] = app
        for app in apps.values():
            if app.state.subscriptions:
                await app.state.consumer.ready.wait()
        yield Stack(apps)


def new_id() -> uuid.UUID:
    return uuid.uuid4()
