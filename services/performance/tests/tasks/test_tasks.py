"""`GET /v1/tasks/mine` in performance: a draft waits on its evaluator, a dispute on the agent's nearest
superior who did not evaluate, a coaching follow-up on its leader."""

from __future__ import annotations

from typing import Any

import httpx


async def kinds(client: httpx.AsyncClient, who: Any) -> list[tuple[str, str]]:
    response = await client.get("/v1/tasks/mine", headers=who.headers)
    assert response.status_code == 200, response.text
    return [(t["kind"], t["object_id"]) for t in response.json()["items"]]


async def test_a_draft_waits_on_its_evaluator_and_a_dispute_on_the_next_reviewer(
    client: httpx.AsyncClient, org: Any, qa: Any
) -> None:
    team = await org.team(agents=1)
    other = await org.team(agents=1)
    (agent,) = team.agents
    created = await qa.evaluate(team.leader, agent)
    assert created.status_code == 201, created.text
    evaluation_id = created.json()["id"]
    assert await kinds(client, team.leader) == [("evaluation.release", evaluation_id)]
    for person in (agent, org.deputy, other.leader):
        assert await kinds(client, person) == []
    released = await client.post(f"/v1/qa/evaluations/{evaluation_id}/release", headers=team.leader.headers)
    assert released.status_code == 200, released.text
    assert await kinds(client, team.leader) == []

    disputed = await client.post(
        f"/v1/qa/evaluations/{evaluation_id}/dispute", json={"reason": "The caller hung up first."},
        headers=agent.headers,
    )  # fmt: skip
    assert disputed.status_code == 200, disputed.text
    # The leader evaluated, so the dispute goes past them to the deputy (QA-4).
    assert await kinds(client, org.deputy) == [("evaluation.dispute", evaluation_id)]
    for person in (agent, team.leader, other.leader, org.gm):
        assert await kinds(client, person) == []
    resolved = await client.post(
        f"/v1/qa/evaluations/{evaluation_id}/resolution", json={"outcome": "upheld", "note": "Scored as heard."},
        headers=org.deputy.headers,
    )  # fmt: skip
    assert resolved.status_code == 200, resolved.text
    assert await kinds(client, org.deputy) == []


async def test_an_open_coaching_record_waits_on_its_leader_until_closed(client: httpx.AsyncClient, org: Any) -> None:
    team = await org.team(agents=1)
    (agent,) = team.agents
    body = {"agent_id": str(agent.id), "goals": ["FCR"], "follow_up_due": "2026-11-20"}
    created = await client.post("/v1/coaching", json=body, headers=team.leader.headers)
    assert created.status_code == 201, created.text
    coaching_id = created.json()["id"]
    response = await client.get("/v1/tasks/mine", headers=team.leader.headers)
    (task,) = response.json()["items"]
    assert (task["kind"], task["object_id"]) == ("coaching.follow_up", coaching_id)
    assert task["due_at"] == "2026-11-19T16:00:00Z"  # the start of the 20th in Shanghai
    assert await kinds(client, agent) == []
    done = await client.post(
        f"/v1/coaching/{coaching_id}/follow-ups", json={"note": "FCR up to 78%", "next_due": None},
        headers=team.leader.headers,
    )  # fmt: skip
    assert done.status_code in (200, 201), done.text
    assert await kinds(client, team.leader) == []
