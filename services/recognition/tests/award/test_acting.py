"""A team leader on approved leave: the deputy holding the team's affairs decides the nominations that wait
for the leader, recorded as acting for them, during the leave only and never their own (LEV-7)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.acting import ACTING_SUBSCRIPTIONS
from callcenter_shared.contracts.scheduling import DelegationEndedV1, DelegationStartedV1
from callcenter_shared.envelope import Envelope


async def nominate(client: httpx.AsyncClient, code: str, by: Any, nominee: Any) -> str:
    awards = (await client.get("/v1/awards", headers=by.headers)).json()["items"]
    response = await client.post(
        "/v1/nominations",
        json={
            "award_id": next(a["id"] for a in awards if a["code"] == code),
            "nominee_id": str(nominee.id),
            "reason": "Kept calm with an abusive caller and solved the problem on the first call.",
            "evidence_links": ["https://crm.example.com/calls/8841"],
        },
        headers=by.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def deliver(app: FastAPI, event: Any) -> None:
    async with app.state.session_factory() as s, s.begin():
        await ACTING_SUBSCRIPTIONS[type(event)](s, event, Envelope.wrap(event, time=datetime.now(UTC)))


async def decide(client: httpx.AsyncClient, nomination_id: str, who: Any) -> httpx.Response:
    return await client.post(
        f"/v1/nominations/{nomination_id}/approve", json={"note": "Well done"}, headers=who.headers
    )


async def tasks_of(client: httpx.AsyncClient, who: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get("/v1/tasks/mine", headers=who.headers)).json()["items"]
    return [t for t in items if t["kind"] == "nomination.approve"]


async def test_the_deputy_decides_the_leaders_nominations_during_the_leave_only_LEV_7(
    app: FastAPI, client: httpx.AsyncClient, org: Any
) -> None:
    leader = org.team.leader
    wang, zhang, deputy = org.team.agents  # 刘洋 holds the team's affairs
    first = await nominate(client, "patience", zhang, wang)  # a team leader's award (level 2)
    before = await decide(client, first, deputy)
    assert (before.status_code, before.json()["rule"]) == (422, "REC-2")
    assert await tasks_of(client, deputy) == []

    leave_id, now = uuid.uuid4(), datetime.now(UTC)
    await deliver(
        app,
        DelegationStartedV1(
            leave_id=leave_id, leader_id=leader.id, delegate_id=deputy.id, team_id=org.team.id, starts_at=now,
            ends_at=now + timedelta(days=2), started_at=now,
        ),
    )  # fmt: skip
    [task] = await tasks_of(client, deputy)
    assert task["object_id"] == first
    assert "LEV-7" in task["title"]
    assert leader.name in task["title"]
    assert (await client.get(f"/v1/nominations/{first}", headers=deputy.headers)).status_code == 200
    approved = await decide(client, first, deputy)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["decided_by"], body["acting_for_id"]) == ("approved", str(deputy.id), str(leader.id))
    assert body["acting_for_name"] == leader.name

    own = await nominate(client, "patience", zhang, deputy)
    refused = await decide(client, own, deputy)  # never their own nomination
    assert (refused.status_code, refused.json()["rule"]) == (422, "REC-2")
    assert own not in {t["object_id"] for t in await tasks_of(client, deputy)}

    await deliver(
        app,
        DelegationEndedV1(
            leave_id=leave_id, leader_id=leader.id, delegate_id=deputy.id, reason="leave_over", ended_at=now
        ),
    )
    later = await nominate(client, "patience", deputy, zhang)
    after = await decide(client, later, deputy)
    assert (after.status_code, after.json()["rule"]) == (422, "REC-2")
    by_leader = await decide(client, later, leader)
    assert by_leader.status_code == 200
    assert by_leader.json()["acting_for_id"] is None
