"""Leaders' monthly bonus points: PRF-5."""

from __future__ import annotations

from typing import Any

import httpx

from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import CHINESE


async def give(client: httpx.AsyncClient, leader: Any, agent: Any, points: float, reason: str) -> httpx.Response:
    body = {"agent_id": str(agent.id), "month": "2026-10", "points": points, "reason": reason}
    return await client.post("/v1/bonus-points", json=body, headers=leader.headers)


class TestBonusPoints:
    async def test_points_without_a_reason_are_refused_PRF_5(self, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=1)
        response = await give(client, team.leader, team.agents[0], 8, "  ")
        assert response.status_code == 422
        assert response.json()["rule"] == "PRF-5"
        assert "reason" in response.json()["detail"]

    async def test_a_chinese_caller_reads_the_refusal_in_chinese_PRF_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        team = await org.team(agents=1)
        body = {"agent_id": str(team.agents[0].id), "month": "2026-10", "points": 8, "reason": "  "}
        headers = {**team.leader.headers, "Accept-Language": "zh-CN"}
        response = await client.post("/v1/bonus-points", json=body, headers=headers)
        assert response.status_code == 422
        problem = response.json()
        assert problem["rule"] == "PRF-5"
        assert problem["detail"] == "每个奖励分都要写明理由，说明为什么高、为什么低，让组员看到差别（至少 5 个字符）。"
        # The title is the shared library's, in its Chinese catalog.
        assert problem["title"] == RuleViolation.title.render(CHINESE)
        assert response.headers["Content-Language"] == "zh-CN"

    async def test_identical_points_for_the_whole_team_are_flagged_PRF_5(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        team = await org.team(agents=3)
        for agent in team.agents[:2]:
            assert (await give(client, team.leader, agent, 8, "steady month, no complaints")).status_code == 201
        url = f"/v1/teams/{team.id}/bonus-points?month=2026-10"
        partial = (await client.get(url, headers=team.leader.headers)).json()
        assert partial["flagged"] is False
        assert partial["scored"] == 2
        assert partial["members"] == 3
        await give(client, team.leader, team.agents[2], 8, "steady month as well")
        summary = (await client.get(url, headers=team.leader.headers)).json()
        assert summary["flagged"] is True
        assert summary["rule"] == "PRF-5"
        assert "identical" in summary["detail"]

    async def test_differentiated_points_are_not_flagged_PRF_5(self, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=2)
        await give(client, team.leader, team.agents[0], 9, "resolved the outage calls calmly")
        await give(client, team.leader, team.agents[1], 6, "two late check-ins")
        summary = (
            await client.get(f"/v1/teams/{team.id}/bonus-points?month=2026-10", headers=org.deputy.headers)
        ).json()
        assert summary["flagged"] is False
        assert summary["scored"] == 2
        assert {p["reason"] for p in summary["points"]} == {"resolved the outage calls calmly", "two late check-ins"}

    async def test_only_the_team_leader_gives_points(self, client: httpx.AsyncClient, org: Any) -> None:
        mine, other = await org.team(agents=1), await org.team(agents=1)
        response = await give(client, other.leader, mine.agents[0], 5, "not my team though")
        assert response.status_code == 403
        own = await give(client, mine.agents[0], mine.agents[0], 10, "I was great this month")
        assert own.status_code == 403

    async def test_one_score_per_member_and_month(self, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=1)
        await give(client, team.leader, team.agents[0], 7, "good month overall")
        again = await give(client, team.leader, team.agents[0], 9, "changed my mind")
        assert again.status_code == 409
