from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.clock import FrozenClock, SystemClock
from callcenter_shared.org import org_employee
from callcenter_shared.settings import ServiceSettings
from callcenter_shared.testing import (
    HR_SYSTEM,
    NatsServer,
    TestDatabases,
    bearer,
    eventually,
    http_client,
    running,
    service_bearer,
)

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


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None

    def headers(self, stack: Stack, service: str) -> dict[str, str]:
        """A development token for this person, issued with that service's settings."""
        return bearer(stack.settings(service), self.id, self.level, self.team_id)


@dataclass
class Org:
    """An org created over HTTP in scheduling: L5 root, L4 GM, L3 deputy, one team with its L2 leader."""

    stack: Stack
    root: Person
    gm: Person
    deputy: Person
    team_id: uuid.UUID
    leader: Person
    agents: list[Person] = field(default_factory=list)

    async def employee(self, **body: Any) -> Person:
        async with http_client(self.stack.apps["scheduling"]) as client:
            response = await client.post(
                "/v1/employees", json=body, headers=service_bearer(self.stack.settings("scheduling"), HR_SYSTEM)
            )
        assert response.status_code == 201, response.text
        data = response.json()
        team = data.get("team_id")
        return Person(uuid.UUID(data["id"]), int(data["level"]), uuid.UUID(team) if team else None)

    async def agent(self, name: str, **fields: Any) -> Person:
        person = await self.employee(
            name=name, level=1, superior_id=str(self.leader.id), team_id=str(self.team_id), certified=True,
            agent_number=f"A{uuid.uuid4().hex[:6]}", hire_date="2019-01-01", **fields,
        )  # fmt: skip
        self.agents.append(person)
        return person

    async def reached(self, *services: str) -> None:
        """Wait until every person of the org is in the read copy (ORG-5) of each named service."""
        wanted = {p.id for p in (self.root, self.gm, self.deputy, self.leader, *self.agents)}
        for service in services:

            async def arrived(service: str = service) -> bool:
                async with self.stack.session(service) as session:
                    return wanted <= set((await session.scalars(select(org_employee.c.id))).all())

            await eventually(arrived)


@pytest.fixture
def make_org() -> Callable[[Stack], Awaitable[Org]]:
    """Build the chain L5..L2 and a team over scheduling's HTTP API, as the HR system's service account.

    Add agents with `org.agent(name)`.
    """

    async def make(stack: Stack) -> Org:
        root = Person(uuid.uuid4(), 5, None)
        org = Org(stack, root, root, root, uuid.uuid4(), root)
        org.root = await org.employee(id=str(root.id), name="Zhao", level=5)
        org.gm = await org.employee(name="Qian", level=4, superior_id=str(org.root.id))
        org.deputy = await org.employee(name="Sun", level=3, superior_id=str(org.gm.id))
        async with http_client(stack.apps["scheduling"]) as client:
            team = await client.post(
                "/v1/teams",
                json={"name": f"Hotline {uuid.uuid4().hex[:4]}"},
                headers=service_bearer(stack.settings("scheduling"), HR_SYSTEM),
            )
        assert team.status_code == 201, team.text
        org.team_id = uuid.UUID(team.json()["id"])
        org.leader = await org.employee(name="Li", level=2, superior_id=str(org.deputy.id), team_id=str(org.team_id))
        return org

    return make


def new_id() -> uuid.UUID:
    return uuid.uuid4()
