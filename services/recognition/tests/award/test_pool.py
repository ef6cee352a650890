"""Material award pools follow performance, never an even split (REC-4)."""

from __future__ import annotations

from typing import Any

import httpx


async def bonus_award(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    awards = (await client.get("/v1/awards", headers=headers)).json()["items"]
    return next(a["id"] for a in awards if a["code"] == "team_performance_bonus")


def body(award_id: str, team: Any, amounts: list[str], basis_values: list[float]) -> dict[str, Any]:
    return {
        "award_id": award_id,
        "team_id": str(team.id),
        "total_amount": str(sum(float(a) for a in amounts)),
        "basis": "composite score (October)",
        "reason": "October team bonus, split by each member's composite score.",
        "shares": [
            {"employee_id": str(agent.id), "amount": amount, "basis_value": value}
            for agent, amount, value in zip(team.agents, amounts, basis_values, strict=True)
        ],
    }


class TestPoolSplit:
    async def test_even_split_across_the_team_is_refused_REC_4(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        award = await bonus_award(client, org.team.leader.headers)
        response = await client.post(
            "/v1/pools",
            json=body(award, org.team, ["1000", "1000", "1000"], [93, 89, 70]),
            headers=org.team.leader.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["rule"] == "REC-4"
        assert "evenly" in response.json()["detail"]
        assert await events("callcenter.recognition.award.granted.v1") == []

    async def test_split_against_its_basis_is_refused_REC_4(self, client: httpx.AsyncClient, org: Any) -> None:
        award = await bonus_award(client, org.team.leader.headers)
        response = await client.post(
            "/v1/pools",
            json=body(award, org.team, ["900", "1200", "900"], [93, 89, 70]),
            headers=org.team.leader.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "REC-4"
        assert "does not follow its basis" in response.json()["detail"]

    async def test_split_by_performance_grants_each_share_REC_4(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        award = await bonus_award(client, org.team.leader.headers)
        response = await client.post(
            "/v1/pools",
            json=body(award, org.team, ["1400", "1000", "600"], [93, 89, 70]),
            headers=org.team.leader.headers,
        )
        assert response.status_code == 201, response.text
        grants = response.json()["grants"]
        assert sorted(g["amount"] for g in grants) == ["1000.00", "1400.00", "600.00"]
        assert grants[0]["evidence"]["basis"] == "composite score (October)"  # REC-10
        assert len(await events("callcenter.recognition.award.granted.v1")) == 3

    async def test_one_member_team_may_take_the_whole_pool_REC_4(self, client: httpx.AsyncClient, org: Any) -> None:
        solo = await org.new_team(org.deputy, "夜班组", 1)
        award = await bonus_award(client, solo.leader.headers)
        response = await client.post("/v1/pools", json=body(award, solo, ["500"], [88]), headers=solo.leader.headers)
        assert response.status_code == 201, response.text

    async def test_pool_needs_the_award_level_in_the_team_chain_and_own_members(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        award = await bonus_award(client, org.team.leader.headers)
        split = body(award, org.team, ["1400", "1000", "600"], [93, 89, 70])
        other_leader = await client.post("/v1/pools", json=split, headers=org.other_team.leader.headers)
        assert other_leader.status_code == 422
        assert other_leader.json()["rule"] == "REC-2"
        split["shares"][0]["employee_id"] = str(org.other_team.agents[0].id)
        stranger = await client.post("/v1/pools", json=split, headers=org.team.leader.headers)
        assert stranger.status_code == 422
        assert "Not agents of this team" in stranger.json()["detail"]
        wrong_total = body(award, org.team, ["1400", "1000", "600"], [93, 89, 70]) | {"total_amount": "2000"}
        assert (await client.post("/v1/pools", json=wrong_total, headers=org.team.leader.headers)).status_code == 422
