from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.tables import outbox
from callcenter_testing import bearer, seed_person
from escalation.settings import Settings


@pytest.fixture
def service_package() -> str:
    return "escalation"


@dataclass
class Actor:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    headers: dict[str, str]


@dataclass
class Org:
    """The org read copy: exec (L5) > gm (L4) > deputy (L3) > two teams, each a leader (L2) and agents (L1)."""

    exec: Actor
    gm: Actor
    deputy: Actor
    leader: Actor
    agent: Actor
    colleague: Actor
    other_leader: Actor
    other_agent: Actor
    outsider_deputy: Actor


async def build_org(app: FastAPI) -> Org:
    settings: Settings = app.state.settings
    team_a, team_b, team_c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with app.state.session_factory() as s, s.begin():

        async def person(level: int, superior: Actor | None, team: uuid.UUID | None, name: str) -> Actor:
            pid = await seed_person(
                s, level=level, superior_id=superior.id if superior else None, team_id=team, name=name
            )
            return Actor(pid, level, team, bearer(settings, pid, level, team))

        exec_ = await person(5, None, None, "Executive Zhao")
        gm = await person(4, exec_, None, "GM Qian")
        deputy = await person(3, gm, None, "Deputy Sun")
        outsider = await person(3, gm, team_c, "Deputy Zhou (other branch)")
        leader = await person(2, deputy, team_a, "Leader Li")
        agent = await person(1, leader, team_a, "Agent Wang")
        colleague = await person(1, leader, team_a, "Agent Chen")
        other_leader = await person(2, deputy, team_b, "Leader Wu")
        other_agent = await person(1, other_leader, team_b, "Agent Zheng")
    return Org(exec_, gm, deputy, leader, agent, colleague, other_leader, other_agent, outsider)


@pytest.fixture
async def org(app: FastAPI) -> Org:
    return await build_org(app)


@pytest.fixture
def org_seed() -> Callable[[FastAPI], Awaitable[Org]]:
    """Seeds the org read copy of an app built inside a test."""
    return build_org


@pytest.fixture
def open_case(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def open_(actor: Actor, **fields: Any) -> dict[str, Any]:
        body = {
            "category": "inquiry",
            "channel": "phone",
            "customer_contact": "Ms. Li, 138 0000 0000",
            "description": "Billing question the agent cannot answer at once.",
            **{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in fields.items()},
        }
        response = await client.post("/v1/cases", json=body, headers=actor.headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return open_


@pytest.fixture
def published(app: FastAPI) -> Callable[[str], Awaitable[list[dict[str, Any]]]]:
    """The `data` of each outbox event with the given subject, oldest first."""

    async def read(subject: str) -> list[dict[str, Any]]:
        async with app.state.session_factory() as s:
            rows = (
                await s.execute(select(outbox.c.payload).where(outbox.c.subject == subject).order_by(outbox.c.seq))
            ).scalars()
            return [json.loads(row)["data"] for row in rows]

    return read
