"""The org directory over HTTP: ORG-1..ORG-3 validation, problem+json, events, access."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.tables import outbox


async def published(session: AsyncSession, subject: str) -> list[dict[str, Any]]:
    rows = (
        await session.execute(select(outbox.c.payload).where(outbox.c.subject == subject).order_by(outbox.c.seq))
    ).scalars()
    return [json.loads(row) for row in rows]


class TestCreateEmployee:
    async def test_agent_created_publishes_employee_upserted_ORG_5(self, org: Any, session: AsyncSession) -> None:
        team_id, leader = await org.team("Hotline A")
        agent = await org.agent(team_id, leader, name="王芳")
        events = [
            e
            for e in await published(session, "callcenter.scheduling.employee.upserted.v1")
            if e["data"]["employee_id"] == str(agent.id)
        ]
        assert len(events) == 1
        envelope = events[0]
        assert envelope["specversion"] == "1.0"
        assert envelope["type"] == "callcenter.scheduling.employee.upserted.v1"
        assert envelope["source"] == "/callcenter/scheduling"
        assert envelope["subject"] == str(agent.id)
        assert envelope["traceparent"].startswith("00-")
        assert envelope["data"]["name"] == "王芳"
        assert envelope["data"]["team_id"] == str(team_id)
        assert envelope["data"]["version"] == 1

    async def test_superior_must_be_exactly_one_level_up_ORG_1(self, org: Any, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/employees", json={"name": "x", "level": 2, "superior_id": str(org.gm.id)}, headers=org.admin.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["rule"] == "ORG-1"
        assert "one level up" in response.json()["detail"]

    async def test_employee_below_l5_needs_a_superior_ORG_1(self, org: Any, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/employees", json={"name": "x", "level": 4}, headers=org.admin.headers)
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-1"

    async def test_unknown_superior_is_422_with_field_path_not_500(self, org: Any, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/employees", json={"name": "x", "level": 3, "superior_id": str(uuid.uuid4())}, headers=org.admin.headers
        )
        assert response.status_code == 422
        body = response.json()
        assert body["errors"][0]["path"] == "body.superior_id"

    async def test_schema_errors_are_problem_json_with_field_paths(self, org: Any, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/employees", json={"name": "", "level": 9, "superior_id": "not-a-uuid"}, headers=org.admin.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        paths = {error["path"] for error in response.json()["errors"]}
        assert {"body.name", "body.level", "body.superior_id"} <= paths

    async def test_agent_without_team_refused_ORG_2(self, org: Any, client: httpx.AsyncClient) -> None:
        _, leader = await org.team()
        response = await client.post(
            "/v1/employees", json={"name": "x", "level": 1, "superior_id": str(leader.id)}, headers=org.admin.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-2"

    async def test_team_has_exactly_one_leader_ORG_2(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, _ = await org.team()
        response = await client.post(
            "/v1/employees",
            json={"name": "second leader", "level": 2, "superior_id": str(org.deputy.id), "team_id": str(team_id)},
            headers=org.admin.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-2"

    async def test_agent_reports_to_own_team_leader_ORG_2(self, org: Any, client: httpx.AsyncClient) -> None:
        team_a, _ = await org.team()
        _, leader_b = await org.team()
        response = await client.post(
            "/v1/employees",
            json={"name": "x", "level": 1, "superior_id": str(leader_b.id), "team_id": str(team_a)},
            headers=org.admin.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-2"

    async def test_agent_number_only_after_training_ORG_3(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        response = await client.post(
            "/v1/employees",
            json={
                "name": "x",
                "level": 1,
                "superior_id": str(leader.id),
                "team_id": str(team_id),
                "agent_number": "A1",
                "certified": False,
            },
            headers=org.admin.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "ORG-3"

    async def test_agents_and_leaders_cannot_change_the_directory(self, org: Any, client: httpx.AsyncClient) -> None:
        _team_id, leader = await org.team()
        response = await client.post("/v1/teams", json={"name": "mine"}, headers=leader.headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    async def test_no_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/employees")
        assert response.status_code == 401
        assert response.json()["status"] == 401


class TestUpdateEmployee:
    async def test_promotion_bumps_version_and_publishes(
        self, org: Any, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader, certified=False, agent_number=None)
        response = await client.patch(
            f"/v1/employees/{agent.id}", json={"certified": True, "agent_number": "B77"}, headers=org.admin.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 2
        versions = [
            e["data"]["version"]
            for e in await published(session, "callcenter.scheduling.employee.upserted.v1")
            if e["data"]["employee_id"] == str(agent.id)
        ]
        assert versions == [1, 2]

    async def test_refused_update_changes_nothing(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        response = await client.patch(f"/v1/employees/{agent.id}", json={"team_id": None}, headers=org.admin.headers)
        assert response.status_code == 422
        again = await client.get(f"/v1/employees/{agent.id}", headers=org.admin.headers)
        assert again.json()["team_id"] == str(team_id)
        assert again.json()["version"] == 1


class TestImport:
    async def test_import_is_all_or_nothing_with_every_failing_row(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        rows = [
            {"name": "ok one", "level": 1, "superior_id": str(leader.id), "team_id": str(team_id)},
            {"name": "no team", "level": 1, "superior_id": str(leader.id)},
            {"name": "bad boss", "level": 3, "superior_id": str(uuid.uuid4())},
        ]
        response = await client.post("/v1/employee-imports", json=rows, headers=org.admin.headers)
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert [error["row"] for error in errors] == [1, 2]
        assert errors[0]["rule"] == "ORG-2"
        listing = await client.get("/v1/employees", params={"team_id": str(team_id)}, headers=org.admin.headers)
        assert [e["name"] for e in listing.json()["items"]] == [leader_name(listing)]

    async def test_import_resolves_superiors_within_the_file(self, org: Any, client: httpx.AsyncClient) -> None:
        team = await client.post("/v1/teams", json={"name": "imported"}, headers=org.admin.headers)
        team_id = team.json()["id"]
        leader_id, deputy_id = str(uuid.uuid4()), str(uuid.uuid4())
        rows = [
            {"name": "agent", "level": 1, "superior_id": leader_id, "team_id": team_id},
            {"id": leader_id, "name": "leader", "level": 2, "superior_id": deputy_id, "team_id": team_id},
            {"id": deputy_id, "name": "deputy", "level": 3, "superior_id": str(org.gm.id)},
        ]
        response = await client.post("/v1/employee-imports", json=rows, headers=org.admin.headers)
        assert response.status_code == 201, response.text
        assert response.json()["imported"] == 3
        team_read = await client.get(f"/v1/teams/{team_id}", headers=org.admin.headers)
        assert team_read.json()["leader_id"] == leader_id


def leader_name(listing: httpx.Response) -> str:
    return next(e["name"] for e in listing.json()["items"] if e["level"] == 2)


class TestAccess:
    async def test_agent_sees_her_team_without_private_fields_leader_sees_team(
        self, org: Any, client: httpx.AsyncClient
    ) -> None:
        team_a, leader_a = await org.team()
        team_b, leader_b = await org.team()
        private = {"birthday": "1998-05-17", "hire_date": "2026-01-05", "probation_end_date": "2026-07-05"}
        agent_a = await org.agent(team_a, leader_a, **private, external_id=f"a-{uuid.uuid4().hex[:6]}")
        teammate = await org.agent(team_a, leader_a, **private, external_id=f"t-{uuid.uuid4().hex[:6]}")
        agent_b = await org.agent(team_b, leader_b)

        mine = (await client.get("/v1/employees", headers=agent_a.headers)).json()
        entries = {e["id"]: e for e in mine["items"]}
        assert set(entries) == {str(agent_a.id), str(teammate.id), str(leader_a.id)}
        assert mine["total"] == 3
        own = entries[str(agent_a.id)]
        assert own["private_fields_hidden"] is False
        assert (own["birthday"], own["certified"]) == ("1998-05-17", True)
        colleague = entries[str(teammate.id)]
        assert colleague["private_fields_hidden"] is True
        assert colleague["agent_number"]
        assert (colleague["level"], colleague["team_id"]) == (1, str(team_a))
        hidden = ("certified", "birthday", "hire_date", "probation_end_date", "external_id")
        assert [colleague[field] for field in hidden] == [None] * len(hidden)

        one = await client.get(f"/v1/employees/{teammate.id}", headers=agent_a.headers)
        assert one.status_code == 200
        assert (one.json()["private_fields_hidden"], one.json()["birthday"]) == (True, None)
        other = await client.get(f"/v1/employees/{agent_b.id}", headers=agent_a.headers)
        assert other.status_code == 403
        assert "ORG-2" in other.json()["detail"]
        assert (await client.get("/v1/employees", params={"team_id": str(team_b)}, headers=agent_a.headers)).json()[
            "items"
        ] == []

        team_view = (await client.get("/v1/employees", headers=leader_a.headers)).json()
        ids = {e["id"] for e in team_view["items"]}
        assert ids == {str(leader_a.id), str(agent_a.id), str(teammate.id)}
        assert all(e["private_fields_hidden"] is False for e in team_view["items"])
        whole = (await client.get(f"/v1/employees/{teammate.id}", headers=leader_a.headers)).json()
        assert whole["birthday"] == "1998-05-17"
        assert (await client.get(f"/v1/employees/{agent_b.id}", headers=leader_a.headers)).status_code == 403

        everyone = await client.get("/v1/employees", params={"limit": 500}, headers=org.deputy.headers)
        assert {str(agent_a.id), str(agent_b.id)} <= {e["id"] for e in everyone.json()["items"]}

    async def test_an_agent_no_longer_sees_a_teammate_who_left(self, org: Any, client: httpx.AsyncClient) -> None:
        team_id, leader = await org.team()
        agent = await org.agent(team_id, leader)
        leaver = await org.agent(team_id, leader)
        patched = await client.patch(f"/v1/employees/{leaver.id}", json={"active": False}, headers=org.admin.headers)
        assert patched.status_code == 200, patched.text
        seen = (await client.get("/v1/employees", headers=agent.headers)).json()["items"]
        assert {e["id"] for e in seen} == {str(agent.id), str(leader.id)}
        assert (await client.get(f"/v1/employees/{leaver.id}", headers=agent.headers)).status_code == 403
        assert (await client.get(f"/v1/employees/{leaver.id}", headers=leader.headers)).status_code == 200


class TestIdempotency:
    async def test_retried_create_with_same_key_returns_first_result(self, org: Any, client: httpx.AsyncClient) -> None:
        headers = {**org.admin.headers, "Idempotency-Key": "create-team-1"}
        first = await client.post("/v1/teams", json={"name": "Night shift"}, headers=headers)
        second = await client.post("/v1/teams", json={"name": "Night shift"}, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        assert second.headers["idempotent-replayed"] == "true"
        teams = await client.get("/v1/teams", headers=org.admin.headers)
        assert [t["name"] for t in teams.json()["items"]].count("Night shift") == 1

    async def test_concurrent_first_attempts_with_one_key_create_once(
        self, org: Any, client: httpx.AsyncClient
    ) -> None:
        headers = {**org.admin.headers, "Idempotency-Key": "create-team-at-once"}
        answers = await asyncio.gather(
            *(client.post("/v1/teams", json={"name": "Weekend"}, headers=headers) for _ in range(6))
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert set(statuses) <= {201, 409}, [answer.text for answer in answers]
        created = {answer.json()["id"] for answer in answers if answer.status_code == 201}
        assert len(created) == 1  # the first attempt's team, replayed to any attempt that came after it
        in_progress = [answer.json()["type"] for answer in answers if answer.status_code == 409]
        assert all(kind.endswith("idempotency-in-progress") for kind in in_progress)
        teams = await client.get("/v1/teams", headers=org.admin.headers)
        assert [t["name"] for t in teams.json()["items"]].count("Weekend") == 1

    async def test_same_key_with_other_body_is_refused(self, org: Any, client: httpx.AsyncClient) -> None:
        headers = {**org.admin.headers, "Idempotency-Key": "k2"}
        assert (await client.post("/v1/teams", json={"name": "One"}, headers=headers)).status_code == 201
        reused = await client.post("/v1/teams", json={"name": "Two"}, headers=headers)
        assert reused.status_code == 422
        assert reused.json()["type"].endswith("idempotency-key-reused")
