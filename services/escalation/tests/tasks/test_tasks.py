"""`GET /v1/tasks/mine` in escalation: a case waits on its current handler, a complaint on the agent's leader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

OpenCase = Callable[..., Awaitable[dict[str, Any]]]


async def kinds(client: httpx.AsyncClient, who: Any) -> list[tuple[str, str]]:
    response = await client.get("/v1/tasks/mine", headers=who.headers)
    assert response.status_code == 200, response.text
    return [(t["kind"], t["object_id"]) for t in response.json()["items"]]


async def test_a_case_waits_on_its_handler_with_the_levels_deadline(
    client: httpx.AsyncClient, org: Any, open_case: OpenCase
) -> None:
    case = await open_case(org.agent)
    response = await client.get("/v1/tasks/mine", headers=org.agent.headers)
    (task,) = response.json()["items"]
    assert (task["kind"], task["object_id"], task["link"]) == ("case.handle", case["id"], f"/v1/cases/{case['id']}")
    assert task["due_at"] == case["level_due_at"]
    assert task["service"] == "escalation"
    for other in (org.leader, org.colleague, org.other_leader, org.deputy):
        assert await kinds(client, other) == []

    escalated = await client.post(
        f"/v1/cases/{case['id']}/escalate", json={"reason": "Refund above my authority"}, headers=org.agent.headers
    )
    assert escalated.status_code == 200, escalated.text
    assert await kinds(client, org.agent) == []
    assert await kinds(client, org.leader) == [("case.handle", case["id"])]
    (task,) = (await client.get("/v1/tasks/mine", headers=org.leader.headers)).json()["items"]
    assert task["requested_by"]["id"] == str(org.agent.id)
    assert task["requested_by"]["name"] == "Agent Wang"


async def test_a_complaint_naming_an_agent_waits_on_their_leader_until_verified(
    client: httpx.AsyncClient, org: Any, open_case: OpenCase
) -> None:
    case = await open_case(org.colleague, category="service_attitude", named_agent_id=org.agent.id)
    assert ("complaint.verify", case["id"]) in await kinds(client, org.leader)
    for other in (org.agent, org.other_leader, org.deputy):
        assert ("complaint.verify", case["id"]) not in await kinds(client, other)
    response = await client.post(f"/v1/cases/{case['id']}/attribution", json={}, headers=org.leader.headers)
    assert response.status_code == 200, response.text
    assert ("complaint.verify", case["id"]) not in await kinds(client, org.leader)
