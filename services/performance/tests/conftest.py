from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.scheduling import TeamUpsertedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import on_team_upserted
from callcenter_shared.tables import outbox
from callcenter_testing import bearer, seed_person
from performance.settings import Settings


@pytest.fixture
def service_package() -> str:
    return "performance"


@dataclass(eq=False)
class Person:
    id: uuid.UUID
    level: int
    team_id: uuid.UUID | None
    headers: dict[str, str]


@dataclass
class Team:
    id: uuid.UUID
    leader: Person
    agents: list[Person] = field(default_factory=list)


@dataclass
class Org:
    """People in performance's org read copy: L5 → L4 → L3 deputy → team leaders → agents."""

    app: FastAPI
    settings: Settings
    admin: Person
    gm: Person
    deputy: Person

    async def person(
        self, *, level: int, team_id: uuid.UUID | None = None, superior: Person | None = None, **fields: Any
    ) -> Person:
        async with self.app.state.session_factory() as s:
            person_id = await seed_person(
                s, level=level, team_id=team_id, superior_id=superior.id if superior else None, **fields
            )
            await s.commit()
        return Person(person_id, level, team_id, bearer(self.settings, person_id, level, team_id))

    async def team(self, agents: int = 2, **agent_fields: Any) -> Team:
        team_id = uuid.uuid4()
        leader = await self.person(level=2, team_id=team_id, superior=self.deputy)
        async with self.app.state.session_factory() as s:
            event = TeamUpsertedV1(team_id=team_id, name=f"team-{team_id.hex[:6]}", leader_id=leader.id, version=1)
            await on_team_upserted(s, event, Envelope.wrap(event, time=datetime.now(UTC)))
            await s.commit()
        team = Team(team_id, leader)
        for _ in range(agents):
            team.agents.append(await self.agent(team, **agent_fields))
        return team

    async def agent(self, team: Team, **fields: Any) -> Person:
        fields.setdefault("hire_date", date(2024, 1, 1))
        return await self.person(level=1, team_id=team.id, superior=team.leader, certified=True, **fields)


@pytest.fixture
async def org(app: FastAPI) -> Org:
    settings: Settings = app.state.settings
    placeholder = Person(uuid.uuid4(), 5, None, {})
    o = Org(app, settings, placeholder, placeholder, placeholder)
    o.admin = await o.person(level=5)
    o.gm = await o.person(level=4, superior=o.admin)
    o.deputy = await o.person(level=3, superior=o.gm)
    return o


async def published(session: AsyncSession, subject: str) -> list[dict[str, Any]]:
    rows = (
        await session.execute(select(outbox.c.payload).where(outbox.c.subject == subject).order_by(outbox.c.seq))
    ).scalars()
    return [json.loads(row) for row in rows]


@pytest.fixture
def events() -> Callable[..., Any]:
    """`await events(app, subject)`: the outbox envelopes of one subject, oldest first."""

    async def read(app: FastAPI, subject: str) -> list[dict[str, Any]]:
        async with app.state.session_factory() as s:
            return await published(s, subject)

    return read


SCORECARD = {
    "name": "Inbound voice",
    "sections": [
        {
            "title": "Opening",
            "weight": 40,
            "items": [
                {"code": "greeting", "text": "Greets with name and agent number", "dimension": "service_skills",
                 "points": 10},
                {"code": "verify", "text": "Verifies the caller's identity", "dimension": "operation", "points": 10,
                 "critical": "section"},
            ],
        },
        {
            "title": "Resolution",
            "weight": 60,
            "items": [
                {"code": "accuracy", "text": "Gives correct information", "dimension": "efficiency", "points": 20,
                 "critical": "evaluation"},
                {"code": "upsell", "text": "Offers the matching plan", "dimension": "expression", "points": 10,
                 "allow_na": True},
                {"code": "close", "text": "Summarises and closes", "dimension": "expression", "points": 10},
            ],
        },
    ],
}  # fmt: skip


@dataclass
class Qa:
    """A published scorecard and helpers to answer it."""

    client: httpx.AsyncClient
    scorecard: dict[str, Any]

    def item(self, code: str) -> str:
        return next(i["id"] for s in self.scorecard["sections"] for i in s["items"] if i["code"] == code)

    def answers(self, **overrides: str | tuple[str, float]) -> list[dict[str, Any]]:
        """Every item passed, except the overrides: code=result or code=("partial", points)."""
        out = []
        for section in self.scorecard["sections"]:
            for item in section["items"]:
                override = overrides.get(item["code"], "pass")
                answer: dict[str, Any] = {"item_id": item["id"], "result": override, "note": ""}
                if isinstance(override, tuple):
                    answer["result"], answer["points"] = override
                if answer["result"] in ("fail", "partial"):
                    answer["note"] = f"{item['code']}: not done as the standard asks"
                out.append(answer)
        return out

    async def evaluate(
        self, evaluator: Person, agent: Person, answers: list[dict[str, Any]] | None = None, **fields: Any
    ) -> httpx.Response:
        body = {
            "scorecard_id": self.scorecard["id"],
            "interaction_id": fields.pop("interaction_id", f"acd-{uuid.uuid4().hex[:8]}"),
            "agent_id": str(agent.id),
            "channel": "voice",
            "interaction_date": fields.pop("interaction_date", "2026-10-30"),
            "answers": answers if answers is not None else self.answers(),
            **fields,
        }
        return await self.client.post("/v1/qa/evaluations", json=body, headers=evaluator.headers)

    async def released(self, evaluator: Person, agent: Person, **answers: Any) -> dict[str, Any]:
        created = await self.evaluate(evaluator, agent, self.answers(**answers))
        assert created.status_code == 201, created.text
        response = await self.client.post(
            f"/v1/qa/evaluations/{created.json()['id']}/release", headers=evaluator.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def qa(client: httpx.AsyncClient, org: Org) -> Qa:
    created = await client.post("/v1/qa/scorecards", json=SCORECARD, headers=org.deputy.headers)
    assert created.status_code == 201, created.text
    published_card = await client.post(f"/v1/qa/scorecards/{created.json()['id']}/publish", headers=org.deputy.headers)
    assert published_card.status_code == 200, published_card.text
    return Qa(client, published_card.json())


@pytest.fixture
def scorecard_body() -> dict[str, Any]:
    """A fresh copy of the sample scorecard definition."""
    return copy.deepcopy(SCORECARD)
