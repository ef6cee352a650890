"""Skills competitions: rounds, a panel of judges, winners, and the training they owe (REC-7)."""

from __future__ import annotations

from typing import Any

import httpx

COMPLETED = "callcenter.recognition.competition.completed.v1"


async def open_competition(client: httpx.AsyncClient, org: Any, judges: list[Any], finalists: int = 2) -> str:
    response = await client.post(
        "/v1/competitions",
        json={
            "name": "2026 业务能手竞赛",
            "categories": [
                {"code": "product_expert", "name": "Product expert 产品能手"},
                {"code": "complaint_expert", "name": "Complaint-handling expert 投诉处理能手"},
            ],
            "criteria": [
                {"code": "accuracy", "name": "Accuracy", "max_score": 60},
                {"code": "empathy", "name": "Empathy", "max_score": 40},
            ],
            "finalists_per_category": finalists,
            "judge_ids": [str(j.id) for j in judges],
        },
        headers=org.deputy.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def register(client: httpx.AsyncClient, competition: str, person: Any, category: str) -> str:
    response = await client.post(
        f"/v1/competitions/{competition}/entrants", json={"category_code": category}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def score(
    client: httpx.AsyncClient, competition: str, judge: Any, entrant: str, accuracy: float, empathy: float
) -> httpx.Response:
    return await client.post(
        f"/v1/competitions/{competition}/scores",
        json={"entrant_id": entrant, "scores": {"accuracy": accuracy, "empathy": empathy}},
        headers=judge.headers,
    )


async def advance(client: httpx.AsyncClient, org: Any, competition: str) -> httpx.Response:
    return await client.post(f"/v1/competitions/{competition}/advance", headers=org.deputy.headers)


async def run_to_awarded(client: httpx.AsyncClient, org: Any) -> tuple[str, dict[str, str]]:
    """Three entrants in product_expert; judges: the two team leaders. 王芳 wins the final."""
    judges = [org.team.leader, org.other_team.leader]
    competition = await open_competition(client, org, judges)
    a, b, c = org.team.agents
    entrants = {
        name: await register(client, competition, person, "product_expert")
        for name, person in (("a", a), ("b", b), ("c", c))
    }
    assert (await advance(client, org, competition)).json()["status"] == "preliminary"
    for judge in judges:
        for name, (acc, emp) in {"a": (50, 30), "b": (45, 35), "c": (30, 20)}.items():
            assert (await score(client, competition, judge, entrants[name], acc, emp)).status_code == 200
    final = (await advance(client, org, competition)).json()
    assert final["status"] == "final"
    product = next(c for c in final["categories"] if c["code"] == "product_expert")
    finalists = {e["employee_id"] for e in product["entrants"] if e["finalist"]}
    assert finalists == {str(a.id), str(b.id)}
    assert (await score(client, competition, judges[0], entrants["c"], 60, 40)).json()["rule"] == "REC-7"
    for judge, marks in zip(judges, [{"a": (55, 35), "b": (50, 30)}, {"a": (52, 36), "b": (55, 30)}], strict=True):
        for name, (acc, emp) in marks.items():
            assert (await score(client, competition, judge, entrants[name], acc, emp)).status_code == 200
    awarded = (await advance(client, org, competition)).json()
    assert awarded["status"] == "awarded"
    return competition, entrants


class TestCompetition:
    async def test_a_judge_cannot_score_themselves_REC_7(self, client: httpx.AsyncClient, org: Any) -> None:
        judge = org.team.agents[0]  # an agent who both judges and competes
        competition = await open_competition(client, org, [judge, org.team.leader])
        own = await register(client, competition, judge, "complaint_expert")
        await advance(client, org, competition)
        response = await score(client, competition, judge, own, 60, 40)
        assert response.status_code == 422
        assert response.json()["rule"] == "REC-7"
        assert "cannot score themselves" in response.json()["detail"]
        assert (await score(client, competition, org.team.leader, own, 60, 40)).status_code == 200

    async def test_only_the_panel_scores_every_criterion_within_range_REC_7(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        competition = await open_competition(client, org, [org.team.leader])
        entrant = await register(client, competition, org.team.agents[0], "product_expert")
        await advance(client, org, competition)
        assert (await score(client, competition, org.other_team.leader, entrant, 10, 10)).status_code == 403
        assert (await score(client, competition, org.team.leader, entrant, 61, 10)).status_code == 422
        partial = await client.post(
            f"/v1/competitions/{competition}/scores",
            json={"entrant_id": entrant, "scores": {"accuracy": 10}},
            headers=org.team.leader.headers,
        )
        assert partial.status_code == 422

    async def test_highest_final_total_wins_and_ties_are_co_winners_REC_7(
        self, client: httpx.AsyncClient, org: Any
    ) -> None:
        competition, _ = await run_to_awarded(client, org)
        result = (await client.get(f"/v1/competitions/{competition}", headers=org.team.agents[2].headers)).json()
        product = next(c for c in result["categories"] if c["code"] == "product_expert")
        assert product["winners"] == [str(org.team.agents[0].id)]  # 89 vs 82.5 on judges' averages
        assert product["entrants"][0]["final_total"] == 89.0

        tie = await open_competition(client, org, [org.team.leader], finalists=1)
        x = await register(client, tie, org.other_team.agents[0], "complaint_expert")
        y = await register(client, tie, org.other_team.agents[1], "complaint_expert")
        await advance(client, org, tie)
        for entrant in (x, y):
            await score(client, tie, org.team.leader, entrant, 50, 30)
        both = (await advance(client, org, tie)).json()
        finalists = [e for e in both["categories"][0]["entrants"] if e["finalist"]]
        assert len(finalists) == 2  # equal totals at the cut both go through
        for entrant in (x, y):
            await score(client, tie, org.team.leader, entrant, 55, 35)
        awarded = (await advance(client, org, tie)).json()
        assert len(awarded["categories"][0]["winners"]) == 2

    async def test_competition_is_not_completed_until_winners_hold_their_training_REC_7(
        self, client: httpx.AsyncClient, org: Any, events: Any
    ) -> None:
        competition, entrants = await run_to_awarded(client, org)
        winner = org.team.agents[0]
        refused = await advance(client, org, competition)
        assert refused.status_code == 422
        assert refused.json()["rule"] == "REC-7"
        base = f"/v1/competitions/{competition}/entrants/{entrants['a']}"
        early = await client.post(
            f"{base}/training-sessions",
            json={"held_on": "2026-11-02", "topic": "Product FAQ", "attendee_count": 12},
            headers=winner.headers,
        )
        assert early.json()["rule"] == "REC-7"  # plan first
        not_winner = await client.post(
            f"/v1/competitions/{competition}/entrants/{entrants['b']}/training-plan",
            json={"topic": "Billing questions", "sessions_planned": 1},
            headers=org.team.agents[1].headers,
        )
        assert not_winner.json()["rule"] == "REC-7"
        plan = await client.post(
            f"{base}/training-plan",
            json={"topic": "Product FAQ walk-through", "sessions_planned": 2},
            headers=winner.headers,
        )
        assert plan.json()["status"] == "awarded"
        assert plan.json()["outstanding"] == [f"Winner {winner.id} has held 0 of 2 training sessions."]
        first = await client.post(
            f"{base}/training-sessions",
            json={"held_on": "2026-11-02", "topic": "Product FAQ, part 1", "attendee_count": 12},
            headers=winner.headers,
        )
        assert first.json()["status"] == "awarded"
        assert await events(COMPLETED) == []
        future = await client.post(
            f"{base}/training-sessions",
            json={"held_on": "2026-12-01", "topic": "Product FAQ, part 2", "attendee_count": 9},
            headers=winner.headers,
        )
        assert future.status_code == 422
        last = await client.post(
            f"{base}/training-sessions",
            json={"held_on": "2026-11-02", "topic": "Product FAQ, part 2", "attendee_count": 9},
            headers=winner.headers,
        )
        assert last.json()["status"] == "completed"
        assert last.json()["outstanding"] == []
        [event] = await events(COMPLETED)
        assert event["data"]["competition_id"] == competition
        assert event["data"]["winner_ids"] == [str(winner.id)]
        assert event["data"]["sessions_held"] == 2

    async def test_registration_closes_when_the_rounds_start_REC_7(self, client: httpx.AsyncClient, org: Any) -> None:
        competition = await open_competition(client, org, [org.team.leader])
        assert (await advance(client, org, competition)).json()["rule"] == "REC-7"  # nobody registered yet
        await register(client, competition, org.team.agents[0], "product_expert")
        await advance(client, org, competition)
        late = await client.post(
            f"/v1/competitions/{competition}/entrants",
            json={"category_code": "product_expert"},
            headers=org.team.agents[1].headers,
        )
        assert late.json()["rule"] == "REC-7"
        assert (await client.post("/v1/competitions", json={}, headers=org.team.leader.headers)).status_code == 422


class TestCompetitionList:
    async def test_everyone_lists_the_competitions_and_filters_by_status(
        self, client: httpx.AsyncClient, org: Any, clock: Any
    ) -> None:
        judges = [org.team.leader, org.other_team.leader]
        first = await open_competition(client, org, judges)
        clock.advance(hours=1)
        second = await open_competition(client, org, judges)
        for agent in org.team.agents:
            await register(client, second, agent, "product_expert")
        assert (await advance(client, org, second)).json()["status"] == "preliminary"

        listed = await client.get("/v1/competitions", headers=org.team.agents[0].headers)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["total"] == 2
        assert [c["id"] for c in body["items"]] == [second, first]  # newest first
        assert body["items"][0]["created_by_name"] == org.deputy.name

        preliminary = await client.get("/v1/competitions?status=preliminary", headers=org.team.leader.headers)
        assert [c["id"] for c in preliminary.json()["items"]] == [second]
        oldest_first = await client.get("/v1/competitions?sort=created_at", headers=org.team.leader.headers)
        assert [c["id"] for c in oldest_first.json()["items"]] == [first, second]
        unknown = await client.get("/v1/competitions?status=finished", headers=org.team.leader.headers)
        assert unknown.status_code == 422
