"""The world the access matrix runs in: the four services in-process, one org, objects owned by team A."""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from callcenter_shared.clock import FrozenClock
from callcenter_testing import (
    HR_SYSTEM,
    METRICS_FEED,
    PHONE_SYSTEM,
    TestDatabases,
    bearer,
    http_client,
    seed_person,
    service_bearer,
)

SERVICES = ("scheduling", "performance", "recognition", "escalation")
PERSONAS = ("A1", "B1", "A2", "B2", "L3", "L5")


@dataclass
class Person:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    superior_id: uuid.UUID | None
    headers: dict[str, str]


@dataclass
class World:
    """Apps and clients per service, the people by name, and path parameters per service."""

    clock: FrozenClock
    apps: dict[str, FastAPI]
    clients: dict[str, httpx.AsyncClient]
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Service accounts by client id (HR_SYSTEM, PHONE_SYSTEM, METRICS_FEED): their headers.
    systems: dict[str, dict[str, str]] = field(default_factory=dict)

    async def call(
        self, service: str, method: str, path: str, who: str | dict[str, str], body: Any = None
    ) -> httpx.Response:
        headers = who if isinstance(who, dict) else self.people[who].headers
        kwargs: dict[str, Any] = {"headers": headers}
        if isinstance(body, bytes):  # a spreadsheet import: the file is the body
            kwargs["headers"] = {**headers, "Content-Type": "text/csv"}
            kwargs["content"] = body
        elif body is not None:
            kwargs["json"] = body
        return await self.clients[service].request(method, path, **kwargs)

    async def ok(self, service: str, method: str, path: str, who: str | dict[str, str], body: Any = None) -> Any:
        response = await self.call(service, method, path, who, body)
        assert response.status_code < 300, f"{method} {path} as {who}: {response.status_code} {response.text}"
        return response.json() if response.content else None


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in body.items()}


async def _org(world: World) -> None:
    """The org, created through scheduling's HTTP API and copied into the other services' read copies.

    L5 > L4 > L3 > two teams (A and B), each with a leader (L2) and two agents (L1).
    """
    settings = world.apps["scheduling"].state.settings
    world.systems = {client: service_bearer(settings, client) for client in (HR_SYSTEM, PHONE_SYSTEM, METRICS_FEED)}
    # The HR system's service account creates the first employee of the empty directory.
    bootstrap = await world.call(
        "scheduling", "POST", "/v1/employees", world.systems[HR_SYSTEM], {"name": "Exec Zhao", "level": 5}
    )
    assert bootstrap.status_code == 201, bootstrap.text
    root = uuid.UUID(bootstrap.json()["id"])
    world.people["L5"] = Person(root, 5, None, None, bearer(settings, root, 5))
    admin = "L5"

    async def employee(name: str, level: int, superior: str | None, team: str | None, **extra: Any) -> None:
        body = _json(
            {
                "name": f"{name} {uuid.uuid4().hex[:4]}",
                "level": level,
                "superior_id": world.people[superior].id if superior else None,
                "team_id": world.teams[team] if team else None,
                **extra,
            }
        )
        created = await world.ok("scheduling", "POST", "/v1/employees", admin, body)
        pid = uuid.UUID(created["id"])
        team_id = world.teams[team] if team else None
        superior_id = world.people[superior].id if superior else None
        world.people[name] = Person(pid, level, team_id, superior_id, bearer(settings, pid, level, team_id))

    for team in ("A", "B"):
        created = await world.ok("scheduling", "POST", "/v1/teams", admin, {"name": f"Team {team}"})
        world.teams[team] = uuid.UUID(created["id"])
    await employee("L4", 4, "L5", None)
    await employee("L3", 3, "L4", None)
    for team in ("A", "B"):
        await employee(f"{team}2", 2, "L3", team)
        for n in ("1", "3"):
            await employee(
                f"{team}{n}",
                1,
                f"{team}2",
                team,
                agent_number=f"{team}{n}-{uuid.uuid4().hex[:4]}",
                certified=True,
                birthday="1998-11-03",
                hire_date="2026-10-01",
                probation_end_date="2027-01-31",
            )
    for service in SERVICES[1:]:
        app = world.apps[service]
        async with app.state.session_factory() as session, session.begin():
            for name, person in world.people.items():
                await seed_person(
                    session,
                    employee_id=person.id,
                    level=person.level,
                    team_id=person.team_id,
                    superior_id=person.superior_id,
                    name=name,
                    birthday=date(1998, 11, 3) if person.level == 1 else None,
                    hire_date=date(2026, 10, 1),
                )


@pytest.fixture
async def world(test_databases: TestDatabases) -> AsyncIterator[World]:
    clock = FrozenClock()
    async with AsyncExitStack() as exits:
        apps: dict[str, FastAPI] = {}
        clients: dict[str, httpx.AsyncClient] = {}
        for service in SERVICES:
            main = importlib.import_module(f"{service}.main")
            settings_module = importlib.import_module(f"{service}.settings")
            settings = settings_module.Settings(
                database_url=await test_databases.fresh(service),
                env="test",
                relay_enabled=False,
                consumer_enabled=False,
                worker_enabled=False,
                # The task stream ends after its first event: the matrix reads whole responses.
                task_stream_max_seconds=0.05,
            )
            app: FastAPI = main.create_app(settings, clock=clock)
            exits.push_async_callback(app.state.engine.dispose)
            apps[service] = app
            clients[service] = await exits.enter_async_context(http_client(app))
        built = World(clock, apps, clients)
        await _org(built)
        yield built
