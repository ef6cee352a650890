from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.clock import FrozenClock
from callcenter_shared.tables import outbox
from callcenter_testing import HR_SYSTEM, bearer, service_bearer
from scheduling.main import create_app
from scheduling.settings import Settings


@pytest.fixture
def service_package() -> str:
    return "scheduling"


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
    """The HR system's service account bootstraps the empty directory with its L5; the L5 builds the rest."""
    settings: Settings = app.state.settings
    hr = Person(uuid.uuid4(), 0, None, service_bearer(settings, HR_SYSTEM))
    o = Org(client, settings, hr, hr, hr)
    o.admin = await o.employee(level=5)
    o.gm = await o.employee(level=4, superior_id=o.admin.id)
    o.deputy = await o.employee(level=3, superior_id=o.gm.id)
    return o


@dataclass
class Floor:
    """Two teams on the floor: leaders, agents, and helpers to roster them over HTTP."""

    org: Org
    client: httpx.AsyncClient
    team_a: uuid.UUID
    team_b: uuid.UUID
    leader_a: Person
    leader_b: Person
    a1: Person
    a2: Person
    b1: Person
    manager: Person

    async def shift(
        self, team_id: uuid.UUID, start: datetime, hours: float = 8, headcount: int = 1, **fields: object
    ) -> uuid.UUID:
        leader = self.leader_a if team_id == self.team_a else self.leader_b
        body: dict[str, object] = {
            "team_id": str(team_id),
            "name": f"shift-{start:%d-%H%M}",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=hours)).isoformat(),
            "required_headcount": headcount,
            **fields,
        }
        response = await self.client.post("/v1/shifts", json=body, headers=leader.headers)
        assert response.status_code == 201, response.text
        return uuid.UUID(response.json()["id"])

    async def assign(self, shift_id: uuid.UUID, person: Person) -> uuid.UUID:
        response = await self.client.post(
            f"/v1/shifts/{shift_id}/assignments", json={"employee_id": str(person.id)}, headers=self.manager.headers
        )
        assert response.status_code == 201, response.text
        return uuid.UUID(response.json()["id"])

    async def skill(self, code: str, *holders: Person, obtained_on: str = "2026-10-01") -> None:
        """A skill in the catalog (if new), granted to `holders` (ROS-5)."""
        response = await self.client.post(
            "/v1/skills", json={"code": code, "name": code.title()}, headers=self.org.admin.headers
        )
        assert response.status_code in (201, 409), response.text
        for person in holders:
            granted = await self.client.put(
                f"/v1/employees/{person.id}/skills/{code}",
                json={"obtained_on": obtained_on},
                headers=self.org.admin.headers,
            )
            assert granted.status_code == 200, granted.text

    async def on_shift(
        self, person: Person, start: datetime, hours: float = 8, headcount: int = 1
    ) -> tuple[uuid.UUID, uuid.UUID]:
        """A new shift of the person's team with the person on it: (shift id, assignment id)."""
        assert person.team_id is not None
        shift_id = await self.shift(person.team_id, start, hours, headcount)
        return shift_id, await self.assign(shift_id, person)


@pytest.fixture
async def floor(org: Org, client: httpx.AsyncClient) -> Floor:
    team_a, leader_a = await org.team("Team A")
    team_b, leader_b = await org.team("Team B")
    a1 = await org.agent(team_a, leader_a, name="Wang Fang")
    a2 = await org.agent(team_a, leader_a, name="Li Na")
    b1 = await org.agent(team_b, leader_b, name="Zhang Wei")
    return Floor(org, client, team_a, team_b, leader_a, leader_b, a1, a2, b1, org.deputy)


async def published(session: AsyncSession, subject: str) -> list[dict[str, Any]]:
    rows = (
        await session.execute(select(outbox.c.payload).where(outbox.c.subject == subject).order_by(outbox.c.seq))
    ).scalars()
    return [json.loads(row)["data"] for row in rows]


@pytest.fixture
def events(app: FastAPI) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """The `data` of every outbox event with this subject, oldest first (fresh session each call)."""

    async def read(subject: str) -> list[dict[str, Any]]:
        async with app.state.session_factory() as s:
            return await published(s, subject)

    return read


@pytest.fixture
async def create_app_again(
    app: FastAPI, clock: FrozenClock, settings_factory: Callable[..., Settings]
) -> AsyncIterator[Callable[[], Awaitable[FastAPI]]]:
    """A second app object on the same database and clock, as after a restart."""
    made: list[FastAPI] = []

    async def make() -> FastAPI:
        application = create_app(settings_factory(app.state.settings.database_url), clock=clock)
        made.append(application)
        return application

    yield make
    for application in made:
        await application.state.engine.dispose()
