"""`GET /v1/tasks/mine` in recognition: a nomination waits on the nearest approver in the nominee's chain."""

from __future__ import annotations

from typing import Any

import httpx


async def kinds(client: httpx.AsyncClient, who: Any) -> list[tuple[str, str]]:
    response = await client.get("/v1/tasks/mine", headers=who.headers)
    assert response.status_code == 200, response.text
    return [(t["kind"], t["object_id"]) for t in response.json()["items"]]


async def nominate(client: httpx.AsyncClient, code: str, by: Any, nominee: Any) -> str:
    awards = (await client.get("/v1/awards", headers=by.headers)).json()["items"]
    award = next(a for a in (awards["items"] if isinstance(awards, dict) else awards) if a["code"] == code)
    response = await client.post(
        "/v1/nominations",
        json={"award_id": award["id"], "nominee_id": str(nominee.id), "reason": "Calmed an abusive caller.",
              "evidence_links": []},
        headers=by.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_nomination_waits_on_the_nearest_approver_in_the_chain_until_decided(
    client: httpx.AsyncClient, org: Any
) -> None:
    agent = org.team.agents[0]
    nomination = await nominate(client, "best_customer_service", org.team.leader, agent)  # approved at level 3
    response = await client.get("/v1/tasks/mine", headers=org.deputy.headers)
    (task,) = response.json()["items"]
    assert (task["kind"], task["object_id"]) == ("nomination.approve", nomination)
    assert task["requested_by"]["id"] == str(org.team.leader.id)
    assert task["service"] == "recognition"
    # Higher in the chain may decide too, but it waits on the deputy; nobody else sees it.
    for person in (agent, org.team.leader, org.other_deputy, org.gm, org.executive):
        assert ("nomination.approve", nomination) not in await kinds(client, person)
    decided = await client.post(f"/v1/nominations/{nomination}/reject", json={"note": "Not yet"},
                                headers=org.deputy.headers)  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert await kinds(client, org.deputy) == []
