from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.clock import FrozenClock
from callcenter_shared.testing import TestDatabases, bearer, http_client
from scheduling.main import create_app
from scheduling.settings import Settings


@pytest.fixture
def settings_factory(test_databases: TestDatabases) -> Callable[..., Settings]:
    def make(database_url: str, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": database_url,
            "env": "test",
            "relay_enabled": False,
            "consumer_enabled": False,
            "worker_enabled": False,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def app(
    test_databases: TestDatabases, clock: FrozenClock, settings_factory: Callable[..., Settings]
) -> AsyncIterator[FastAPI]:
    application = create_app(settings_factory(await test_databases.fresh("scheduling")), clock=clock)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as c:
        yield c


@pytest.fixture
async def session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    async with app.state.session_factory() as s:
        yield s


@dataclass
class Person:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    headers: dict[str, str]


@dataclass
class Org:
    """A small organization built over HTTP: a chain L5..L3 and teams with a leader each."""

    client: httpx.AsyncClient
    settings: Settings
    admin: Person
    gm: Person
    deputy: Person

    def person(self, body: dict[str, object]) -> Person:
        team = body.get("team_id")
        employee_id = uuid.UUID(str(body["id"]))
        level = int(body["level"])  # type: ignore[call-overload]
        team_id = uuid.UUID(str(team)) if team else None
        return Person(employee_id, level, team_id, bearer(self.settings, employee_id, level, team_id))

    async def team(self, name: str | None = None) -> tuple[uuid.UUID, Person]:
        """A team and its leader."""
        response = await self.client.post(
            "/v1/teams", json={"name": name or f"team-{uuid.uuid4().hex[:6]}"}, headers=self.admin.headers
        )
        assert response.status_code == 201, response.text
        team_id = uuid.UUID(response.json()["id"])
        leader = await self.employee(level=2, superior_id=self.deputy.id, team_id=team_id)
        return team_id, leader

    async def employee(self, **fields: object) -> Person:
        body: dict[str, object] = {"name": f"emp-{uuid.uuid4().hex[:6]}", **fields}
        response = await self.client.post("/v1/employees", json=_json(body), headers=self.admin.headers)
        assert response.status_code == 201, response.text
        return self.person(response.json())

    async def agent(self, team_id: uuid.UUID, leader: Person, **fields: object) -> Person:
        number = f"A{uuid.uuid4().hex[:6]}"
        defaults: dict[str, object] = {
            "level": 1,
            "team_id": team_id,
            "superior_id": leader.id,
            "certified": True,
            "agent_number": number,
        }
        return await self.employee(**{**defaults, **fields})


def _json(body: dict[str, object]) -> dict[str, object]:
    return {key: str(value) if isinstance(value, uuid.UUID) else value for key, value in body.items()}


@pytest.fixture
async def org(client: httpx.AsyncClient, app: FastAPI) -> Org:
    settings: Settings = app.state.settings
    root_id = uuid.uuid4()
    root = Person(root_id, 5, None, bearer(settings, root_id, 5))
    o = Org(client, settings, root, root, root)
    o.admin = await o.employee(id=str(root_id), level=5)
    o.admin.headers = root.headers
    o.gm = await o.employee(level=4, superior_id=o.admin.id)
    o.deputy = await o.employee(level=3, superior_id=o.gm.id)
    return o
