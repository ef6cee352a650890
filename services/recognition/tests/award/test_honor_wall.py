"""The honor wall: every grant for everyone, filtered and paged, amounts only for the recipient's chain (REC-2)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx


async def split_pool(client: httpx.AsyncClient, org: Any) -> str:
    """Three material grants to the team's agents; the award's id."""
    awards = (await client.get("/v1/awards", headers=org.team.leader.headers)).json()["items"]
    award = next(a["id"] for a in awards if a["code"] == "team_performance_bonus")
    shares = [
        {"employee_id": str(agent.id), "amount": amount, "basis_value": value}
        for agent, amount, value in zip(org.team.agents, ["1400", "1000", "600"], [93, 89, 70], strict=True)
    ]
    response = await client.post(
        "/v1/pools",
        json={"award_id": award, "team_id": str(org.team.id), "total_amount": "3000", "basis": "composite score",
              "reason": "October team bonus.", "shares": shares},
        headers=org.team.leader.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return award


async def wall(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/honor-wall", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


class TestHonorWall:
    async def test_each_grant_reads_as_it_does_alone_with_names_and_amounts_for_its_chain_REC_2(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        await split_pool(client, org)
        for viewer, amounts_seen in ((org.team.leader, 3), (org.team.agents[0], 1), (org.other_team.agents[0], 0)):
            page = await wall(client, viewer.headers)
            assert page["total"] == 3
            assert sum(not item["amount_hidden"] for item in page["items"]) == amounts_seen
            for item in page["items"]:
                alone = await client.get(f"/v1/grants/{item['id']}", headers=viewer.headers)
                assert alone.json() == item
                assert item["recipient_name"] in ("王芳", "张伟", "刘洋")
                assert item["granted_by_name"] == "热线一组 leader"

    async def test_filters_and_pages_keep_the_total_of_the_filtered_wall_REC_2(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        award = await split_pool(client, org)
        headers = org.other_team.agents[0].headers
        everything = await wall(client, headers)
        granted_on = date.fromisoformat(everything["items"][0]["granted_at"][:10])
        assert [item["granted_at"] for item in everything["items"]] == sorted(
            (item["granted_at"] for item in everything["items"]), reverse=True
        )

        first = await wall(client, headers, limit=2)
        second = await wall(client, headers, limit=2, offset=2)
        assert (len(first["items"]), first["total"], len(second["items"]), second["total"]) == (2, 3, 1, 3)
        assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything["items"]]
        past_the_end = await wall(client, headers, offset=10)
        assert (past_the_end["items"], past_the_end["total"]) == ([], 3)

        assert (await wall(client, headers, award_id=award, team_id=str(org.team.id)))["total"] == 3
        assert (await wall(client, headers, team_id=str(org.other_team.id)))["total"] == 0
        on_the_day = await wall(client, headers, from_date=str(granted_on), to_date=str(granted_on))
        assert on_the_day["total"] == 3
        assert (await wall(client, headers, from_date=str(granted_on + timedelta(days=1))))["total"] == 0
        assert (await wall(client, headers, to_date=str(granted_on - timedelta(days=1))))["total"] == 0
