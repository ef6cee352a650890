"""A team leader on approved leave: the deputy holding the team's affairs reviews the disputes that wait for
the leader (QA-4), recorded as acting for them, during the leave only (LEV-7)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.acting import ACTING_SUBSCRIPTIONS
from callcenter_shared.contracts.scheduling import DelegationEndedV1, DelegationStartedV1
from callcenter_shared.envelope import Envelope


async def deliver(app: FastAPI, event: Any) -> None:
    async with app.state.session_factory() as s, s.begin():
        await ACTING_SUBSCRIPTIONS[type(event)](s, event, Envelope.wrap(event, time=datetime.now(UTC)))


async def disputed(client: httpx.AsyncClient, qa: Any, evaluator: Any, agent: Any) -> str:
    """An evaluation by `evaluator`, released and disputed by `agent`: it waits for the agent's leader (QA-4)."""
    evaluation = await qa.released(evaluator, agent, close="fail")
    response = await client.post(
        f"/v1/qa/evaluations/{evaluation['id']}/dispute", json={"reason": "I did summarise."}, headers=agent.headers
    )
    assert response.status_code == 200, response.text
    return str(evaluation["id"])


async def review(client: httpx.AsyncClient, evaluation_id: str, who: Any) -> httpx.Response:
    return await client.post(
        f"/v1/qa/evaluations/{evaluation_id}/resolution", json={"outcome": "upheld", "note": "Heard it."},
        headers=who.headers,
    )  # fmt: skip


async def disputes_of(client: httpx.AsyncClient, who: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get("/v1/tasks/mine", headers=who.headers)).json()["items"]
    return [t for t in items if t["kind"] == "evaluation.dispute"]


async def test_the_deputy_reviews_the_leaders_disputes_during_the_leave_only_LEV_7(
    app: FastAPI, client: httpx.AsyncClient, org: Any, qa: Any
) -> None:
    team = await org.team(agents=3)
    agent, other, deputy = team.agents
    first = await disputed(client, qa, org.deputy, agent)  # the deputy manager evaluated: the leader reviews
    assert (await review(client, first, deputy)).status_code == 403
    assert await disputes_of(client, deputy) == []

    leave_id, now = uuid.uuid4(), datetime.now(UTC)
    await deliver(
        app,
        DelegationStartedV1(
            leave_id=leave_id, leader_id=team.leader.id, delegate_id=deputy.id, team_id=team.id, starts_at=now,
            ends_at=now + timedelta(days=2), started_at=now,
        ),
    )  # fmt: skip
    [task] = await disputes_of(client, deputy)
    assert task["object_id"] == first
    assert "LEV-7" in task["title"]
    reviewed = await review(client, first, deputy)
    assert reviewed.status_code == 200, reviewed.text
    dispute = reviewed.json()["disputes"][-1]
    assert (dispute["reviewer_id"], dispute["acting_for_id"]) == (str(deputy.id), str(team.leader.id))
    assert dispute["acting_for_name"] is not None
    mine = await disputed(client, qa, org.deputy, deputy)
    assert (await review(client, mine, deputy)).status_code == 403  # never their own evaluation

    await deliver(
        app,
        DelegationEndedV1(
            leave_id=leave_id, leader_id=team.leader.id, delegate_id=deputy.id, reason="leave_over", ended_at=now
        ),
    )
    second = await disputed(client, qa, org.deputy, other)
    assert (await review(client, second, deputy)).status_code == 403
    assert await disputes_of(client, deputy) == []
    assert (await review(client, second, team.leader)).status_code == 200
