"""Performance interviews, follow-ups and coaching items for falling trends: PRF-6."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_testing import METRICS_FEED, service_bearer


class TestInterview:
    async def test_interview_with_goals_and_follow_ups_PRF_6(
        self, client: httpx.AsyncClient, org: Any, app: FastAPI, events: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        created = await client.post(
            "/v1/coaching",
            json={"agent_id": str(agent.id), "goals": ["AHT under 300 s", "Confirm every fix"],
                  "notes": "Monthly interview", "follow_up_due": "2026-11-15"},
            headers=team.leader.headers,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        item = created.json()
        assert item["goals"] == ["AHT under 300 s", "Confirm every fix"]
        assert item["origin"] == "interview"
        due = await client.get("/v1/coaching?due_by=2026-11-15", headers=team.leader.headers)
        assert [i["id"] for i in due.json()["items"]] == [item["id"]]
        not_yet = await client.get("/v1/coaching?due_by=2026-11-14", headers=team.leader.headers)
        assert not_yet.json()["total"] == 0

        followed = await client.post(
            f"/v1/coaching/{item['id']}/follow-ups",
            json={"note": "AHT 310 s, keep going", "next_due": "2026-11-30"},
            headers=team.leader.headers,
        )
        assert followed.json()["follow_up_due"] == "2026-11-30"
        assert followed.json()["status"] == "open"
        done = await client.post(
            f"/v1/coaching/{item['id']}/follow-ups", json={"note": "Goals met"}, headers=team.leader.headers
        )
        assert done.json()["status"] == "done"
        assert len(done.json()["follow_ups"]) == 2
        own = await client.get(f"/v1/coaching/{item['id']}", headers=agent.headers)
        assert own.status_code == 200
        [event] = await events(app, "callcenter.performance.coaching_item.created.v1")
        assert event["data"]["origin"] == "interview"

    async def test_agent_cannot_record_an_interview(self, client: httpx.AsyncClient, org: Any) -> None:
        team = await org.team(agents=2)
        response = await client.post(
            "/v1/coaching", json={"agent_id": str(team.agents[1].id), "goals": ["x"]}, headers=team.agents[0].headers
        )
        assert response.status_code == 403


class TestFallingTrend:
    async def test_composite_falling_over_three_periods_opens_a_coaching_item_PRF_6(
        self, client: httpx.AsyncClient, org: Any, app: FastAPI, events: Any
    ) -> None:
        team = await org.team(agents=2)
        falling, steady = team.agents
        resolved = {"2026-08": 45, "2026-09": 40, "2026-10": 35}
        for month, count in resolved.items():
            period = await client.post("/v1/periods", json={"month": month}, headers=org.deputy.headers)
            assert period.status_code == 201, period.text
            rows = [
                {"agent_id": str(falling.id), "day": f"{month}-10", "metric": "fcr_resolved", "value": count},
                {"agent_id": str(falling.id), "day": f"{month}-10", "metric": "fcr_eligible", "value": 50},
                {"agent_id": str(steady.id), "day": f"{month}-10", "metric": "fcr_resolved", "value": 40},
                {"agent_id": str(steady.id), "day": f"{month}-10", "metric": "fcr_eligible", "value": 50},
            ]
            sent = await client.post(
                "/v1/metrics/batches",
                json={"source": "acd", "batch_id": month, "rows": rows},
                headers=service_bearer(org.settings, METRICS_FEED),
            )
            assert sent.status_code == 200
            closed = await client.post(f"/v1/periods/{period.json()['id']}/close", headers=org.deputy.headers)
            assert closed.status_code == 200, closed.text
            if month != "2026-10":
                assert (await client.get("/v1/coaching", headers=org.deputy.headers)).json()["total"] == 0

        items = (await client.get("/v1/coaching", headers=team.leader.headers)).json()["items"]
        assert [(i["agent_id"], i["origin"], i["leader_id"]) for i in items] == [
            (str(falling.id), "falling_trend", str(team.leader.id))
        ]
        [event] = await events(app, "callcenter.performance.coaching_item.created.v1")
        assert event["data"]["agent_id"] == str(falling.id)
