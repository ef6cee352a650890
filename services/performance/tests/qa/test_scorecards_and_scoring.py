"""Scorecards and how an evaluation is scored: QA-1, QA-2."""

from __future__ import annotations

from typing import Any

import httpx

SCORECARD_ITEM = {"code": "x", "text": "x", "dimension": "service_skills", "points": 5}


class TestScoring:
    async def test_failed_critical_item_scores_the_whole_evaluation_zero_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(accuracy="fail"))
        assert response.status_code == 201, response.text
        assert response.json()["score"] == 0
        assert response.json()["failed_critical"] is True

    async def test_all_passed_scores_100_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0])
        assert response.json()["score"] == 100
        assert response.json()["failed_critical"] is False

    async def test_na_item_leaves_the_denominator_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(upsell="na", close="fail"))
        # Resolution: 20 of 30 applicable points (not 20 of 40); weighted 40 × 100 + 60 × 66.67.
        assert response.json()["score"] == 80.0
        resolution = next(s for s in response.json()["sections"] if s["title"] == "Resolution")
        assert round(resolution["score"], 2) == 66.67

    async def test_na_refused_on_an_item_that_does_not_allow_it_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(greeting="na"))
        assert response.status_code == 422
        assert response.json()["rule"] == "QA-1"

    async def test_failed_section_critical_item_zeroes_only_its_section_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(verify="fail"))
        assert response.json()["score"] == 60.0
        opening = next(s for s in response.json()["sections"] if s["title"] == "Opening")
        assert opening["score"] == 0
        assert opening["zeroed_by"] == "verify"

    async def test_partial_points_count_proportionally_QA_1(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(greeting=("partial", 5)))
        assert response.json()["score"] == 90.0

    async def test_score_sent_by_the_client_is_refused(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(close="fail"), score=100)
        assert response.status_code == 422
        assert [e["path"] for e in response.json()["errors"]] == ["body.score"]
        # The score is the server's: without the field the same evaluation is scored from the answers.
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers(close="fail"))
        assert response.status_code == 201
        assert response.json()["score"] == 85.0  # Resolution 30 of 40 points: 40 + 60 × 0.75

    async def test_missing_answer_is_refused_with_the_item_named(self, qa: Any, org: Any) -> None:
        team = await org.team(agents=1)
        response = await qa.evaluate(team.leader, team.agents[0], qa.answers()[:-1])
        assert response.status_code == 422
        assert "close" in response.json()["detail"]


class TestScorecards:
    async def test_appearance_item_is_refused_QA_2(
        self, client: httpx.AsyncClient, org: Any, scorecard_body: dict[str, Any]
    ) -> None:
        scorecard_body["sections"][0]["items"].append(
            {"code": "looks", "text": "Pleasant appearance", "dimension": "appearance", "points": 5}
        )
        response = await client.post("/v1/qa/scorecards", json=scorecard_body, headers=org.deputy.headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["rule"] == "QA-2"
        assert "appearance" in response.json()["detail"]
        assert "service_skills" in response.json()["detail"]

    async def test_each_of_the_five_dimensions_is_accepted_QA_2(
        self, client: httpx.AsyncClient, org: Any, scorecard_body: dict[str, Any]
    ) -> None:
        dimensions = ["service_skills", "efficiency", "expression", "learning", "operation"]
        scorecard_body["sections"][0]["items"] = [{**SCORECARD_ITEM, "code": d, "dimension": d} for d in dimensions]
        response = await client.post("/v1/qa/scorecards", json=scorecard_body, headers=org.deputy.headers)
        assert response.status_code == 201, response.text

    async def test_published_version_cannot_change_QA_1(self, client: httpx.AsyncClient, qa: Any, org: Any) -> None:
        response = await client.patch(
            f"/v1/qa/scorecards/{qa.scorecard['id']}", json={"name": "renamed"}, headers=org.deputy.headers
        )
        assert response.status_code == 422
        assert response.json()["rule"] == "QA-1"

    async def test_new_version_is_a_draft_copy_and_the_old_stays_QA_1(
        self, client: httpx.AsyncClient, qa: Any, org: Any
    ) -> None:
        response = await client.post(f"/v1/qa/scorecards/{qa.scorecard['id']}/versions", headers=org.deputy.headers)
        assert response.status_code == 201, response.text
        draft = response.json()
        assert draft["version"] == 2
        assert draft["status"] == "draft"
        assert draft["family_id"] == qa.scorecard["family_id"]
        codes = [i["code"] for s in draft["sections"] for i in s["items"]]
        assert codes == ["greeting", "verify", "accuracy", "upsell", "close"]
        # The draft is read with ids; a scorecard is written without them.
        sections = [
            {
                **{k: v for k, v in section.items() if k != "id"},
                "items": [{k: v for k, v in item.items() if k != "id"} for item in section["items"]],
            }
            for section in draft["sections"]
        ]
        sections[1]["items"] = sections[1]["items"][:1]
        edited = await client.patch(
            f"/v1/qa/scorecards/{draft['id']}", json={"sections": sections}, headers=org.deputy.headers
        )
        assert edited.status_code == 200, edited.text
        old = await client.get(f"/v1/qa/scorecards/{qa.scorecard['id']}", headers=org.deputy.headers)
        assert len(old.json()["sections"][1]["items"]) == 3

    async def test_evaluating_against_a_draft_is_refused(
        self, client: httpx.AsyncClient, qa: Any, org: Any, scorecard_body: dict[str, Any]
    ) -> None:
        draft = await client.post("/v1/qa/scorecards", json=scorecard_body, headers=org.deputy.headers)
        team = await org.team(agents=1)
        body = {
            "scorecard_id": draft.json()["id"],
            "interaction_id": "i-1",
            "agent_id": str(team.agents[0].id),
            "channel": "voice",
            "interaction_date": "2026-10-30",
            "answers": qa.answers(),
        }
        response = await client.post("/v1/qa/evaluations", json=body, headers=team.leader.headers)
        assert response.status_code == 422
        assert "draft" in response.json()["detail"]
