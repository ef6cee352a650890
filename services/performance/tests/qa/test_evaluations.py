"""Evaluations from draft to final: QA-3, QA-4, QA-6, access, events and the dispute deadline."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.clock import FrozenClock
from performance.kpi.models import RawMetric

RELEASED = "callcenter.performance.qa_evaluation.released.v1"
FINALIZED = "callcenter.performance.qa_evaluation.finalized.v1"
DISPUTED = "callcenter.performance.qa_evaluation.disputed.v1"


class TestEvaluate:
    async def test_evaluator_cannot_evaluate_themselves(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=0)
        response = await qa.evaluate(team.leader, team.leader)
        assert response.status_code == 403
        assert "own" in response.json()["detail"]

    async def test_agent_cannot_evaluate(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=2)
        response = await qa.evaluate(team.agents[0], team.agents[1])
        assert response.status_code == 403

    async def test_leader_cannot_evaluate_another_team(self, qa: Any, org: Any) -> None:
        mine, other = await org.team(agents=1), await org.team(agents=1)
        response = await qa.evaluate(mine.leader, other.agents[0])
        assert response.status_code == 403

    async def test_evaluation_states_evaluator_version_and_item_notes_QA_6(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(close="fail"))
        body = response.json()
        assert body["evaluator_id"] == str(team.leader.id)
        assert body["scorecard_version"] == 1
        assert body["created_at"]
        close = next(a for a in body["answers"] if a["code"] == "close")
        assert close["note"] == "close: not done as the standard asks"
        assert close["text"] == "Summarises and closes"
        assert close["points_possible"] == 10

    async def test_release_refused_while_a_failed_item_has_no_note_QA_6(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=1)
        answers = qa.answers(close="fail")
        next(a for a in answers if a["result"] == "fail")["note"] = ""
        created = await qa.evaluate(team.leader, team.agents[0], answers)
        response = await client.post(f"/v1/qa/evaluations/{created.json()['id']}/release", headers=team.leader.headers)
        assert response.status_code == 422
        assert response.json()["rule"] == "QA-6"
        assert "close" in response.json()["detail"]


class TestRelease:
    async def test_agent_sees_the_evaluation_only_once_released_with_every_reason_QA_3(
        self, qa: Any, org: Any, client: httpx.AsyncClient, app: FastAPI, events: Any
    ) -> None:
        team = await org.team(agents=1)
        agent = team.agents[0]
        created = await qa.evaluate(team.leader, agent, qa.answers(close="fail"))
        evaluation_id = created.json()["id"]
        hidden = await client.get(f"/v1/qa/evaluations/{evaluation_id}", headers=agent.headers)
        assert hidden.status_code == 404
        listed = await client.get("/v1/qa/evaluations", headers=agent.headers)
        assert listed.json()["total"] == 0

        released = await client.post(f"/v1/qa/evaluations/{evaluation_id}/release", headers=team.leader.headers)
        assert released.status_code == 200
        seen = await client.get(f"/v1/qa/evaluations/{evaluation_id}", headers=agent.headers)
        assert seen.status_code == 200
        assert seen.json()["status"] == "released"
        assert all("note" in a for a in seen.json()["answers"])
        assert seen.json()["dispute_until"].startswith("2026-11-09")

        [event] = await events(app, RELEASED)
        assert event["data"]["evaluation_id"] == evaluation_id
        assert event["data"]["score"] == 85.0
        assert event["data"]["agent_id"] == str(agent.id)

    async def test_other_agents_never_see_it(self, qa: Any, org: Any, client: httpx.AsyncClient) -> None:
        team = await org.team(agents=2)
        body = await qa.released(team.leader, team.agents[0])
        response = await client.get(f"/v1/qa/evaluations/{body['id']}", headers=team.agents[1].headers)
        assert response.status_code == 403
        listed = await client.get("/v1/qa/evaluations", headers=team.agents[1].headers)
        assert listed.json()["total"] == 0

    async def test_released_evaluation_changes_only_through_a_dispute_QA_3(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0])
        response = await client.put(
            f"/v1/qa/evaluations/{body['id']}/answers", json={"answers": qa.answers()}, headers=team.leader.headers
        )
        assert response.status_code == 409


class TestDispute:
    async def test_dispute_within_seven_days_is_accepted_QA_4(
        self, qa: Any, org: Any, client: httpx.AsyncClient, clock: FrozenClock, app: FastAPI, events: Any
    ) -> None:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0], close="fail")
        clock.advance(days=6, hours=23)
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/dispute",
            json={"reason": "The customer hung up before I could close."},
            headers=team.agents[0].headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "disputed"
        assert len(await events(app, DISPUTED)) == 1

    async def test_dispute_after_seven_days_is_refused_QA_4(
        self, qa: Any, org: Any, client: httpx.AsyncClient, clock: FrozenClock
    ) -> None:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0], close="fail")
        clock.advance(days=7, minutes=1)
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/dispute",
            json={"reason": "I only saw it now."},
            headers=team.agents[0].headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "QA-4"
        assert "7 days" in response.json()["detail"]

    async def test_only_the_evaluated_agent_may_dispute_QA_4(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0])
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/dispute", json={"reason": "not mine"}, headers=org.deputy.headers
        )
        assert response.status_code == 403

    async def _disputed(self, qa: Any, org: Any, client: httpx.AsyncClient) -> tuple[Any, dict[str, Any]]:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0], close="fail")
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/dispute",
            json={"reason": "I did summarise; listen at 03:12."},
            headers=team.agents[0].headers,
        )
        assert response.status_code == 200
        return team, body

    async def test_evaluator_cannot_review_the_dispute_QA_4(self, qa: Any, org: Any, client: httpx.AsyncClient) -> None:
        team, body = await self._disputed(qa, org, client)
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/resolution",
            json={"outcome": "upheld", "note": "I stand by it."},
            headers=team.leader.headers,
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "QA-4"

    async def test_adjusted_by_another_reviewer_keeps_the_history_QA_4(
        self, qa: Any, org: Any, client: httpx.AsyncClient, app: FastAPI, events: Any
    ) -> None:
        _team, body = await self._disputed(qa, org, client)
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/resolution",
            json={"outcome": "adjusted", "note": "The summary is at 03:12.", "answers": qa.answers()},
            headers=org.deputy.headers,
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["status"] == "final"
        assert result["outcome"] == "adjusted"
        assert result["score"] == 100
        [dispute] = result["disputes"]
        assert dispute["score_before"] == 85.0
        assert dispute["score_after"] == 100
        assert dispute["reviewer_id"] == str(org.deputy.id)
        assert dispute["reason"] == "I did summarise; listen at 03:12."
        [final] = await events(app, FINALIZED)
        assert final["data"]["outcome"] == "adjusted"
        assert final["data"]["score"] == 100

    async def test_upheld_stays_as_scored_and_becomes_final_QA_4(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        _, body = await self._disputed(qa, org, client)
        response = await client.post(
            f"/v1/qa/evaluations/{body['id']}/resolution",
            json={"outcome": "upheld", "note": "No summary in the recording."},
            headers=org.deputy.headers,
        )
        assert response.json()["status"] == "final"
        assert response.json()["score"] == 85.0

    async def test_undisputed_evaluation_becomes_final_when_the_window_closes_QA_4(
        self, qa: Any, org: Any, clock: FrozenClock, app: FastAPI, events: Any
    ) -> None:
        team = await org.team(agents=1)
        body = await qa.released(team.leader, team.agents[0], close="fail")
        clock.advance(days=6)
        await app.state.worker.fire_due()
        assert await events(app, FINALIZED) == []
        clock.advance(days=1, seconds=1)
        await app.state.worker.fire_due()
        [final] = await events(app, FINALIZED)
        assert final["data"]["evaluation_id"] == body["id"]
        assert final["data"]["outcome"] == "undisputed"
        async with app.state.session_factory() as s:
            metric = await s.scalar(select(RawMetric).where(RawMetric.batch_id == body["id"]))
        assert metric is not None
        assert metric.metric == "qa_score"
        assert metric.value == 85.0


class TestCalibration:
    async def test_report_shows_spread_per_item_and_deviation_per_evaluator_QA_5(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=1)
        second = await org.person(level=2, team_id=team.id, superior=org.deputy)
        created = await client.post(
            "/v1/qa/calibrations",
            json={"scorecard_id": qa.scorecard["id"], "interaction_id": "acd-77", "agent_id": str(team.agents[0].id),
                  "channel": "voice", "interaction_date": "2026-10-30"},
            headers=org.deputy.headers,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        url = f"/v1/qa/calibrations/{created.json()['id']}"
        scorings = [
            (team.leader, qa.answers()),  # 100
            (second, qa.answers(close="fail")),  # 85
            (org.deputy, qa.answers(greeting="fail", close="fail")),  # 40×50 + 60×75 → 65
        ]
        for evaluator, answers in scorings:
            response = await client.post(f"{url}/evaluations", json={"answers": answers}, headers=evaluator.headers)
            assert response.status_code == 201, response.text
        again = await client.post(f"{url}/evaluations", json={"answers": qa.answers()}, headers=second.headers)
        assert again.status_code == 409

        report = (await client.get(f"{url}/report", headers=org.deputy.headers)).json()
        assert report["evaluations"] == 3
        assert report["median_score"] == 85.0
        assert report["score_spread"] == 35.0
        deviations = {d["evaluator_id"]: d["deviation_from_median"] for d in report["evaluators"]}
        assert deviations == {str(team.leader.id): 15.0, str(second.id): 0.0, str(org.deputy.id): -20.0}
        close = next(i for i in report["items"] if i["code"] == "close")
        assert close["spread"] == 10
        assert close["median"] == 0
        greeting = next(i for i in report["items"] if i["code"] == "greeting")
        assert greeting["spread"] == 10
        assert greeting["median"] == 10

    async def test_calibration_scores_are_never_shown_to_the_agent_QA_5(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=1)
        created = await client.post(
            "/v1/qa/calibrations",
            json={"scorecard_id": qa.scorecard["id"], "interaction_id": "acd-78", "agent_id": str(team.agents[0].id),
                  "channel": "voice", "interaction_date": "2026-10-30"},
            headers=org.deputy.headers,
        )  # fmt: skip
        scored = await client.post(
            f"/v1/qa/calibrations/{created.json()['id']}/evaluations",
            json={"answers": qa.answers()},
            headers=team.leader.headers,
        )
        release = await client.post(f"/v1/qa/evaluations/{scored.json()['id']}/release", headers=team.leader.headers)
        assert release.status_code == 422
        listed = await client.get("/v1/qa/evaluations", headers=team.agents[0].headers)
        assert listed.json()["total"] == 0


async def test_calibration_of_another_teams_agent_is_refused_to_an_outside_leader_QA_5(
    qa: Any, org: Any, client: httpx.AsyncClient
) -> None:
    team, other = await org.team(agents=1), await org.team(agents=1)
    body = {"scorecard_id": qa.scorecard["id"], "interaction_id": "acd-79", "agent_id": str(team.agents[0].id),
            "channel": "voice", "interaction_date": "2026-10-30"}  # fmt: skip
    refused = await client.post("/v1/qa/calibrations", json=body, headers=other.leader.headers)
    assert refused.status_code == 403
    created = await client.post("/v1/qa/calibrations", json=body, headers=team.leader.headers)
    assert created.status_code == 201, created.text
    url = f"/v1/qa/calibrations/{created.json()['id']}/report"
    assert (await client.get(url, headers=other.leader.headers)).status_code == 403
    assert (await client.get(url, headers=team.leader.headers)).status_code == 200


class TestEvaluationList:
    async def test_each_listed_evaluation_reads_as_it_does_alone_and_pages_keep_the_total_QA_6(
        self, qa: Any, org: Any, client: httpx.AsyncClient
    ) -> None:
        team = await org.team(agents=2)
        disputed = await qa.released(team.leader, team.agents[0], close="fail")
        response = await client.post(
            f"/v1/qa/evaluations/{disputed['id']}/dispute",
            json={"reason": "The customer hung up before I could close."},
            headers=team.agents[0].headers,
        )
        assert response.status_code == 200, response.text
        await qa.released(team.leader, team.agents[1])
        assert (await qa.evaluate(team.leader, team.agents[1], qa.answers(close="fail"))).status_code == 201

        for viewer, seen in ((team.leader, 3), (team.agents[0], 1)):
            listed = await client.get("/v1/qa/evaluations", headers=viewer.headers)
            assert listed.status_code == 200, listed.text
            page = listed.json()
            assert (len(page["items"]), page["total"]) == (seen, seen)
            for item in page["items"]:
                alone = await client.get(f"/v1/qa/evaluations/{item['id']}", headers=viewer.headers)
                assert alone.json() == item
        mine = (await client.get("/v1/qa/evaluations", headers=team.agents[0].headers)).json()["items"][0]
        assert [d["raised_by_name"] for d in mine["disputes"]] == [mine["agent_name"]]
        assert mine["agent_name"]

        second = await client.get("/v1/qa/evaluations", params={"limit": 2, "offset": 2}, headers=team.leader.headers)
        past_the_end = await client.get("/v1/qa/evaluations", params={"offset": 5}, headers=team.leader.headers)
        assert (len(second.json()["items"]), second.json()["total"]) == (1, 3)
        assert (past_the_end.json()["items"], past_the_end.json()["total"]) == ([], 3)
