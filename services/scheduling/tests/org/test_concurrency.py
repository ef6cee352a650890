"""No lost updates in the org directory: concurrent changes, If-Match/ETag, team versions (ORG-5)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

EMPLOYEE_UPSERTED = "callcenter.scheduling.employee.upserted.v1"
TEAM_UPSERTED = "callcenter.scheduling.team.upserted.v1"
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs PostgreSQL (TEST_POSTGRES_URL)")
async def test_20_concurrent_patches_get_versions_2_to_21_each_once_ORG_5(
    org: Any, client: httpx.AsyncClient, events: Events
) -> None:
    team_id, leader = await org.team()
    agent = await org.agent(team_id, leader)

    async def rename(n: int) -> httpx.Response:
        return await client.patch(f"/v1/employees/{agent.id}", json={"name": f"name-{n}"}, headers=org.admin.headers)

    responses = await asyncio.gather(*(rename(n) for n in range(20)))

    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    versions = sorted(r.json()["version"] for r in responses)
    assert versions == list(range(2, 22))
    final = await client.get(f"/v1/employees/{agent.id}", headers=org.admin.headers)
    assert final.json()["version"] == 21
    # Each version is published once, with the state that version was given.
    published = {e["version"]: e["name"] for e in await events(EMPLOYEE_UPSERTED) if e["employee_id"] == str(agent.id)}
    assert sorted(published) == list(range(1, 22))
    assert {r.json()["version"]: r.json()["name"] for r in responses} == {v: published[v] for v in range(2, 22)}
    assert published[21] == final.json()["name"]


class TestIfMatch:
    async def test_get_and_patch_send_the_version_as_etag(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        read = await client.get(f"/v1/employees/{agent.id}", headers=org.admin.headers)
        assert read.headers["ETag"] == '"1"'
        changed = await client.patch(
            f"/v1/employees/{agent.id}", json={"name": "Chen"}, headers={**org.admin.headers, "If-Match": '"1"'}
        )
        assert changed.status_code == 200, changed.text
        assert changed.headers["ETag"] == '"2"'
        assert changed.json()["version"] == 2

    async def test_stale_if_match_is_412_and_changes_nothing(
        self, org: Any, client: httpx.AsyncClient, events: Events
    ) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader, name="Wang")
        first = await client.patch(
            f"/v1/employees/{agent.id}", json={"name": "Chen"}, headers={**org.admin.headers, "If-Match": '"1"'}
        )
        assert first.status_code == 200
        stale = await client.patch(
            f"/v1/employees/{agent.id}", json={"name": "Zhou"}, headers={**org.admin.headers, "If-Match": '"1"'}
        )
        assert stale.status_code == 412
        assert stale.headers["content-type"] == "application/problem+json"
        assert stale.json()["type"] == "urn:callcenter:problem:precondition-failed"
        assert stale.json()["current_version"] == 2
        read = await client.get(f"/v1/employees/{agent.id}", headers=org.admin.headers)
        assert (read.json()["name"], read.json()["version"]) == ("Chen", 2)
        names = [e["name"] for e in await events(EMPLOYEE_UPSERTED) if e["employee_id"] == str(agent.id)]
        assert names == ["Wang", "Chen"]

    async def test_star_and_a_list_containing_the_current_version_match(
        self, org: Any, client: httpx.AsyncClient
    ) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        url = f"/v1/employees/{agent.id}"
        star = await client.patch(url, json={"name": "A"}, headers={**org.admin.headers, "If-Match": "*"})
        listed = await client.patch(url, json={"name": "B"}, headers={**org.admin.headers, "If-Match": '"7", "2"'})
        assert (star.status_code, listed.status_code) == (200, 200)
        assert listed.json()["version"] == 3

    async def test_weak_tag_never_matches(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        response = await client.patch(
            f"/v1/employees/{agent.id}", json={"name": "A"}, headers={**org.admin.headers, "If-Match": 'W/"1"'}
        )
        assert response.status_code == 412

    @pytest.mark.parametrize("value", ["1", '"one"', '"1', '"1",,"2"', ""])
    async def test_malformed_if_match_is_400_with_a_clear_message(
        self, org: Any, client: httpx.AsyncClient, value: str
    ) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        response = await client.patch(
            f"/v1/employees/{agent.id}", json={"name": "A"}, headers={**org.admin.headers, "If-Match": value}
        )
        assert response.status_code == 400
        assert response.json()["type"] == "urn:callcenter:problem:malformed-if-match"
        assert "If-Match must be" in response.json()["detail"]
        read = await client.get(f"/v1/employees/{agent.id}", headers=org.admin.headers)
        assert read.json()["version"] == 1

    async def test_team_patch_honours_if_match(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, _leader = await org.team()
        read = await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)
        tag = read.headers["ETag"]
        renamed = await client.patch(
            f"/v1/teams/{team_id}", json={"name": "Hotline B"}, headers={**org.admin.headers, "If-Match": tag}
        )
        assert renamed.status_code == 200, renamed.text
        assert renamed.headers["ETag"] == f'"{renamed.json()["version"]}"' != tag
        stale = await client.patch(
            f"/v1/teams/{team_id}", json={"name": "Hotline C"}, headers={**org.admin.headers, "If-Match": tag}
        )
        assert stale.status_code == 412
        assert (await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)).json()["name"] == "Hotline B"


class TestTeamVersion:
    async def test_a_new_leader_is_a_new_team_version_ORG_5(
        self, org: Any, client: httpx.AsyncClient, events: Events
    ) -> None:
        response = await client.post("/v1/teams", json={"name": "Hotline N"}, headers=org.admin.headers)
        team_id = response.json()["id"]
        leader = await org.employee(level=2, superior_id=org.deputy.id, team_id=team_id)

        team = (await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)).json()
        assert (team["leader_id"], team["version"]) == (str(leader.id), 2)
        deactivated = await client.patch(
            f"/v1/employees/{leader.id}", json={"active": False}, headers=org.admin.headers
        )
        assert deactivated.status_code == 200, deactivated.text
        team = (await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)).json()
        assert (team["leader_id"], team["version"]) == (None, 3)

        states = [(e["version"], e["leader_id"]) for e in await events(TEAM_UPSERTED) if e["team_id"] == team_id]
        assert states == [(1, None), (2, str(leader.id)), (3, None)]

    async def test_a_leader_moving_teams_bumps_both_teams_ORG_5(
        self, org: Any, client: httpx.AsyncClient, events: Events
    ) -> None:
        team_a, leader = await org.team()
        response = await client.post("/v1/teams", json={"name": "Hotline empty"}, headers=org.admin.headers)
        team_b = uuid.UUID(response.json()["id"])
        moved = await client.patch(
            f"/v1/employees/{leader.id}", json={"team_id": str(team_b)}, headers=org.admin.headers
        )
        assert moved.status_code == 200, moved.text

        newest = {}
        for event in await events(TEAM_UPSERTED):
            newest[event["team_id"]] = (event["version"], event["leader_id"])
        assert newest[str(team_a)] == (3, None)
        assert newest[str(team_b)] == (2, str(leader.id))

    async def test_renaming_a_leader_leaves_the_team_alone(
        self, org: Any, client: httpx.AsyncClient, events: Events
    ) -> None:
        team_id, leader = await org.team()
        before = len(await events(TEAM_UPSERTED))
        renamed = await client.patch(f"/v1/employees/{leader.id}", json={"name": "Li Lei"}, headers=org.admin.headers)
        assert renamed.status_code == 200
        assert len(await events(TEAM_UPSERTED)) == before
        assert (await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)).json()["version"] == 2
