from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.scheduling import TeamUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_team_upserted
from callcenter_shared.tables import outbox
from callcenter_testing import bearer, seed_person
from recognition.award.catalog import seed_catalog
from recognition.settings import Settings


@pytest.fixture
def service_package() -> str:
    return "recognition"


@pytest.fixture
async def app(app: FastAPI) -> FastAPI:
    """The shared test app, with the award catalog and track rules seeded as `recognition.migrate` does."""
    await seed(app)
    return app


@dataclass
class Person:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    name: str
    headers: dict[str, str]


@dataclass
class Team:
    id: uuid.UUID
    leader: Person
    agents: list[Person] = field(default_factory=list)


@dataclass
class Org:
    """An org read copy: L5 → L4 → two L3 deputies, each with a team (leader + agents)."""

    settings: Settings
    session_factory: Any
    executive: Person
    gm: Person
    deputy: Person
    other_deputy: Person
    team: Team
    other_team: Team

    async def person(
        self, *, level: int, team_id: uuid.UUID | None, superior: Person | None, name: str | None = None, **fields: Any
    ) -> Person:
        async with self.session_factory() as s:
            person_id = await seed_person(
                s, level=level, team_id=team_id, superior_id=superior.id if superior else None, name=name, **fields
            )
            await s.commit()
        return Person(
            person_id,
            level,
            team_id,
            name or f"person-{person_id.hex[:6]}",
            bearer(self.settings, person_id, level, team_id),
        )

    async def new_team(self, deputy: Person, name: str, agents: int, agent_names: list[str] | None = None) -> Team:
        team_id = uuid.uuid4()
        leader = await self.person(level=2, team_id=team_id, superior=deputy, name=f"{name} leader")
        async with self.session_factory() as s:
            event = TeamUpsertedV1(team_id=team_id, name=name, leader_id=leader.id, version=1)
            await on_team_upserted(s, event, Envelope.wrap(event, time=datetime.now(UTC)))
            await s.commit()
        team = Team(team_id, leader)
        names = agent_names or []
        for index in range(agents):
            name_i = names[index] if index < len(names) else f"{name} agent {index + 1}"
            team.agents.append(await self.person(level=1, team_id=team_id, superior=leader, name=name_i))
        return team

    async def agent(self, team: Team, **fields: Any) -> Person:
        person = await self.person(level=1, team_id=team.id, superior=team.leader, **fields)
        team.agents.append(person)
        return person


async def seed(app: FastAPI) -> None:
    """The award catalog and track rules, as `python -m recognition.migrate` seeds them."""
    async with app.state.session_factory() as s, s.begin():
        await seed_catalog(s, now=datetime(2026, 11, 1, tzinfo=UTC))


async def build_org(app: FastAPI) -> Org:
    settings: Settings = app.state.settings
    factory = app.state.session_factory
    placeholder = Person(uuid.uuid4(), 5, None, "", {})
    o = Org(settings, factory, placeholder, placeholder, placeholder, placeholder, None, None)  # type: ignore[arg-type]
    o.executive = await o.person(level=5, team_id=None, superior=None, name="赵总")
    o.gm = await o.person(level=4, team_id=None, superior=o.executive, name="钱经理")
    o.deputy = await o.person(level=3, team_id=None, superior=o.gm, name="孙副总")
    o.other_deputy = await o.person(level=3, team_id=None, superior=o.gm, name="李副总")
    o.team = await o.new_team(o.deputy, "热线一组", 3, ["王芳", "张伟", "刘洋"])
    o.other_team = await o.new_team(o.other_deputy, "热线二组", 2)
    return o


@pytest.fixture
def org_factory() -> Callable[[FastAPI], Any]:
    """`await org_factory(app)`: the award catalog and the standard org seeded into any app."""

    async def build(app: FastAPI) -> Org:
        await seed(app)
        return await build_org(app)

    return build


@pytest.fixture
async def org(app: FastAPI) -> Org:
    return await build_org(app)


async def published(session: AsyncSession, subject: str) -> list[dict[str, Any]]:
    rows = (
        await session.execute(select(outbox.c.payload).where(outbox.c.subject == subject).order_by(outbox.c.seq))
    ).scalars()
    return [json.loads(row) for row in rows]


@pytest.fixture
def events(app: FastAPI) -> Callable[..., Any]:
    """`await events(subject)`: the envelopes in the outbox for a subject (read in a short session)."""

    async def read(subject: str) -> list[dict[str, Any]]:
        async with app.state.session_factory() as s:
            return await published(s, subject)

    return read
