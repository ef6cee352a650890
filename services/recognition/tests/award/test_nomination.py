"""Award catalog, nominations and their approval, the honor wall and who sees what (REC-1, REC-2, REC-10)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from callcenter_shared.auth import Principal
from recognition.access import private_subjects, sees_private


async def award_id(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> str:
    response = await client.get("/v1/awards", headers=headers)
    assert response.status_code == 200, response.text
    return next(a["id"] for a in response.json()["items"] if a["code"] == code)


async def nominate(client: httpx.AsyncClient, org: Any, code: str, by: Any, nominee: Any, **extra: Any) -> str:
    response = await client.post(
        "/v1/nominations",
        json={
            "award_id": await award_id(client, by.headers, code),
            "nominee_id": str(nominee.id),
            "reason": "Calmed an abusive caller and still solved the billing problem on the first call.",
            "evidence_links": ["https://crm.example.com/calls/8841"],
            **extra,
        },
        headers=by.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class TestCatalog:
    async def test_common_awards_are_seeded_with_kind_form_and_approver_REC_1(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        response = await client.get("/v1/awards", headers=org.team.agents[0].headers)
        awards = {a["code"]: a for a in response.json()["items"]}
        assert {"best_customer_service", "customer_satisfaction", "excellent_team", "complaint_expert"} <= set(awards)
        assert {"most_improved", "patience"} <= set(awards)
        assert awards["excellent_team"]["scope"] == "team"
        assert awards["customer_satisfaction"]["material"] is True
        assert awards["patience"]["frequency"] == "instant"
        assert awards["most_improved"]["automatic"] is True

    async def test_catalog_change_needs_level_3_and_consistent_form_REC_1(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        body = {
            "code": "night_owl",
            "name": "Night Owl",
            "scope": "individual",
            "material": False,
            "form": "certificate",
            "frequency": "monthly",
            "approver_level": 2,
            "criteria": "Most night shifts covered without a complaint.",
        }
        assert (await client.post("/v1/awards", json=body, headers=org.team.leader.headers)).status_code == 403
        bad = await client.post("/v1/awards", json={**body, "form": "bonus"}, headers=org.deputy.headers)
        assert bad.status_code == 422
        created = await client.post("/v1/awards", json=body, headers=org.deputy.headers)
        assert created.status_code == 201, created.text


class TestApproval:
    async def test_nomination_approved_by_wrong_level_is_refused_REC_2(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        agent, peer = org.team.agents[0], org.team.agents[1]
        nomination = await nominate(client, org, "best_customer_service", peer, agent)  # approver level 3
        for wrong in (peer, org.team.leader, org.other_deputy):  # a peer, too low, not in the chain
            response = await client.post(f"/v1/nominations/{nomination}/approve", json={}, headers=wrong.headers)
            assert response.status_code == 422, response.text
            assert response.json()["rule"] == "REC-2"
            assert "level 3" in response.json()["detail"]
        still = await client.get("/v1/nominations", headers=org.deputy.headers)
        assert [n["status"] for n in still.json()["items"]] == ["pending"]

    async def test_nomination_approved_by_right_level_is_granted_on_the_wall_with_event_REC_2(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        agent = org.team.agents[0]
        nomination = await nominate(client, org, "best_customer_service", org.team.leader, agent)
        response = await client.post(
            f"/v1/nominations/{nomination}/approve", json={"note": "Well deserved"}, headers=org.deputy.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved"
        grant_id = response.json()["grant_id"]

        wall = await client.get(
            "/v1/honor-wall", params={"team_id": str(org.team.id)}, headers=org.other_team.agents[0].headers
        )
        assert wall.status_code == 200
        [line] = wall.json()["items"]
        assert line["id"] == grant_id
        assert line["recipient_name"] == "王芳"
        assert "abusive caller" in line["reason"]
        assert line["criteria"].startswith("Consistently warm")  # REC-10: the criteria travel with the grant
        assert line["evidence"]["evidence_links"] == ["https://crm.example.com/calls/8841"]

        [event] = await events("callcenter.recognition.award.granted.v1")
        assert event["data"]["grant_id"] == grant_id
        assert event["data"]["recipient_id"] == str(agent.id)
        assert event["data"]["team_id"] == str(org.team.id)

    async def test_higher_level_in_the_chain_may_approve_REC_2(self, client: httpx.AsyncClient, org: Any) -> None:
        nomination = await nominate(client, org, "patience", org.team.agents[1], org.team.agents[0])  # level 2
        response = await client.post(f"/v1/nominations/{nomination}/approve", json={}, headers=org.gm.headers)
        assert response.status_code == 200, response.text

    async def test_self_nomination_and_second_decision_are_refused(self, client: httpx.AsyncClient, org: Any) -> None:
        agent = org.team.agents[0]
        response = await client.post(
            "/v1/nominations",
            json={
                "award_id": await award_id(client, agent.headers, "patience"),
                "nominee_id": str(agent.id),
                "reason": "I was very patient today with a caller.",
            },
            headers=agent.headers,
        )
        assert response.status_code == 403
        nomination = await nominate(client, org, "patience", org.team.agents[1], agent)
        assert (
            await client.post(f"/v1/nominations/{nomination}/approve", json={}, headers=org.team.leader.headers)
        ).status_code == 200
        again = await client.post(
            f"/v1/nominations/{nomination}/reject", json={"note": "no"}, headers=org.team.leader.headers
        )
        assert again.status_code == 409

    async def test_team_award_needs_the_team_chain_at_level_4_REC_2(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.post(
            "/v1/nominations",
            json={
                "award_id": await award_id(client, org.deputy.headers, "excellent_team"),
                "team_id": str(org.team.id),
                "reason": "Met every KPI target this quarter and lent two agents to team two.",
            },
            headers=org.deputy.headers,
        )
        assert response.status_code == 201, response.text
        nomination = response.json()["id"]
        refused = await client.post(
            f"/v1/nominations/{nomination}/approve", json={"amount": "5000.00"}, headers=org.deputy.headers
        )
        assert refused.json()["rule"] == "REC-2"
        granted = await client.post(
            f"/v1/nominations/{nomination}/approve", json={"amount": "5000.00"}, headers=org.gm.headers
        )
        assert granted.status_code == 200, granted.text

    async def test_unknown_nominee_and_missing_amount_are_clear_errors(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        response = await client.post(
            "/v1/nominations",
            json={
                "award_id": await award_id(client, org.deputy.headers, "patience"),
                "nominee_id": str(uuid.uuid4()),
                "reason": "Somebody we do not know yet.",
            },
            headers=org.deputy.headers,
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        nomination = await nominate(client, org, "customer_satisfaction", org.team.leader, org.team.agents[0])
        missing = await client.post(f"/v1/nominations/{nomination}/approve", json={}, headers=org.deputy.headers)
        assert missing.status_code == 422
        assert "amount" in missing.json()["detail"]


class TestAmountVisibility:
    async def test_material_amount_only_for_recipient_and_chain(self, client: httpx.AsyncClient, org: Any) -> None:
        agent = org.team.agents[0]
        nomination = await nominate(client, org, "customer_satisfaction", org.team.leader, agent)
        granted = await client.post(
            f"/v1/nominations/{nomination}/approve", json={"amount": "800.00"}, headers=org.deputy.headers
        )
        grant_id = granted.json()["grant_id"]
        for viewer in (agent, org.team.leader, org.deputy, org.gm, org.executive):
            line = (await client.get(f"/v1/grants/{grant_id}", headers=viewer.headers)).json()
            assert line["amount"] == "800.00", viewer
            assert line["amount_hidden"] is False
        for viewer in (org.team.agents[1], org.other_team.leader, org.other_deputy):
            line = (await client.get(f"/v1/grants/{grant_id}", headers=viewer.headers)).json()
            assert line["amount"] is None
            assert line["amount_hidden"] is True
            assert line["reason"]  # everyone still sees the grant itself on the honor wall

    async def test_a_page_judges_amounts_as_each_grant_alone(self, org: Any) -> None:
        """The honor wall judges a page's amounts at once (`access.private_subjects`, one read of the caller's
        subordinates): the same answer as `access.sees_private`, one grant at a time, for every viewer."""
        people = [
            *org.team.agents[:2], org.team.leader, org.other_team.leader, org.deputy, org.other_deputy, org.gm,
            org.executive,
        ]  # fmt: skip
        subjects = [(p.id, None) for p in people] + [(None, org.team.id), (None, org.other_team.id)]
        async with org.session_factory() as session:
            for viewer in people:
                principal = Principal(viewer.id, viewer.level, viewer.team_id)
                alone = {s for s in subjects if await sees_private(session, principal, employee_id=s[0], team_id=s[1])}
                assert await private_subjects(session, principal, subjects) == alone, viewer.name
                assert (viewer.id, None) in alone
                assert ((None, org.team.id) in alone) == (viewer in (*org.team.agents[:2], org.team.leader, org.deputy,
                                                                     org.gm, org.executive))  # fmt: skip


ROUNDS = 5  # a race needs a few tries to show on PostgreSQL


class TestApprovalRace:
    """On PostgreSQL (TEST_POSTGRES_URL) the pool runs the two approvals side by side."""

    async def test_two_approvals_at_once_grant_the_award_once_REC_2(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        agent = org.team.agents[0]
        for _ in range(ROUNDS):
            nomination = await nominate(client, org, "best_customer_service", org.team.leader, agent)
            answers = await asyncio.gather(
                *(
                    client.post(f"/v1/nominations/{nomination}/approve", json={}, headers=org.deputy.headers)
                    for _ in range(2)
                )
            )
            assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
        assert len(await events("callcenter.recognition.award.granted.v1")) == ROUNDS
        wall = await client.get("/v1/honor-wall", params={"team_id": str(org.team.id)}, headers=agent.headers)
        assert len(wall.json()["items"]) == ROUNDS


class TestNominate:
    async def test_the_answer_is_the_nomination_as_read_back_with_names_REC_2(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        peer, agent = org.team.agents[1], org.team.agents[0]
        response = await client.post(
            "/v1/nominations",
            json={"award_id": await award_id(client, peer.headers, "patience"), "nominee_id": str(agent.id),
                  "reason": "Stayed calm through a forty-minute call.",
                  "evidence_links": ["https://crm.example.com/calls/8841"]},
            headers=peer.headers,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        created = response.json()
        assert (created["nominee_name"], created["nominated_by_name"], created["status"]) == ("王芳", "张伟", "pending")
        assert created["evidence_links"] == ["https://crm.example.com/calls/8841"]
        read = await client.get(f"/v1/nominations/{created['id']}", headers=peer.headers)
        assert read.json() == created

    async def test_each_refusal_names_what_is_wrong_REC_2(self, client: httpx.AsyncClient, org: Any) -> None:
        leader, agent = org.team.leader, org.team.agents[0]
        leaver = await org.agent(org.team, name="离职的人", active=False)
        team, unknown = str(org.team.id), str(uuid.uuid4())
        reason = "Helped the whole team through the outage."

        async def refusal(code: str | None, **who: str) -> tuple[int, str]:
            award = await award_id(client, leader.headers, code) if code else unknown
            body = {"award_id": award, "reason": reason, **who}
            response = await client.post("/v1/nominations", json=body, headers=leader.headers)
            return response.status_code, response.json()["detail"]

        assert await refusal(None, nominee_id=str(agent.id)) == (404, f"Award {unknown} does not exist.")
        status, detail = await refusal("kpi_star", nominee_id=str(agent.id))
        assert (status, detail.endswith("it cannot be nominated for.")) == (422, True)
        status, detail = await refusal("patience", team_id=team)
        assert (status, detail.endswith("is an individual award: name a nominee_id.")) == (422, True)
        status, detail = await refusal("excellent_team", nominee_id=str(agent.id))
        assert (status, detail.endswith("is a team award: name a team_id.")) == (422, True)
        assert await refusal("patience", nominee_id=unknown) == (404, f"Employee {unknown} is not known here (yet).")
        assert await refusal("patience", nominee_id=str(leaver.id)) == (422, "离职的人 has left the company.")
        assert await refusal("excellent_team", team_id=unknown) == (404, f"Team {unknown} is not known here (yet).")
        status, _ = await refusal("patience", nominee_id=str(leader.id))
        assert status == 403
