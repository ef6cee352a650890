from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from callcenter_shared.org import org_employee
from callcenter_testing import HR_SYSTEM, bearer, eventually, http_client, service_bearer

Stack = Any  # tests/conftest.py: Stack, the four services over one NATS (conftest modules are not importable)


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
