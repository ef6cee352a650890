"""PRF-3 → REC-3 across services: two KPI periods closed in performance become track awards on
recognition's honor wall: the top performer, and the last-ranked agent who improved the most."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callcenter_testing import METRICS_FEED, eventually, http_client, service_bearer
from recognition.award.catalog import award_id, seed_catalog


def fcr_rows(agent: Any, day: str, resolved: int, eligible: int = 50) -> list[dict[str, Any]]:
    return [
        {"agent_id": str(agent.id), "day": day, "metric": "fcr_resolved", "value": resolved},
        {"agent_id": str(agent.id), "day": day, "metric": "fcr_eligible", "value": eligible},
    ]


async def test_closed_periods_grant_top_performer_and_most_improved_PRF_3_REC_3(
    frozen_stack: Any, make_org: Callable[..., Any]
) -> None:
    stack = frozen_stack  # 2 November 2026: September and October are over
    async with stack.session("recognition") as session:  # what `python -m recognition.migrate` seeds
        await seed_catalog(session, now=stack.clock.now())
        await session.commit()
    org = await make_org(stack)
    star = await org.agent("Wang Fang")
    climber = await org.agent("Li Na")
    await org.reached("performance", "recognition")
    deputy = org.deputy.headers(stack, "performance")

    # First-contact resolution (target 80 %): the star 88 % then 90 %; the climber 60 % then 80 %.
    months = {"2026-09": {star: 44, climber: 30}, "2026-10": {star: 45, climber: 40}}
    periods = {}
    async with http_client(stack.apps["performance"]) as perf:
        for month, resolved in months.items():
            rows = [row for agent, count in resolved.items() for row in fcr_rows(agent, f"{month}-15", count)]
            batch = await perf.post(
                "/v1/metrics/batches",
                json={"source": "acd", "batch_id": f"acd-{month}", "rows": rows},
                headers=service_bearer(stack.settings("performance"), METRICS_FEED),
            )
            assert batch.status_code == 200, batch.text
            assert batch.json()["inserted"] == 4
        for month in months:
            period = await perf.post("/v1/periods", json={"month": month}, headers=deputy)
            assert period.status_code == 201, period.text
            closed = await perf.post(f"/v1/periods/{period.json()['id']}/close", headers=deputy)
            assert closed.status_code == 200, closed.text
            assert closed.json()["agent_count"] == 2
            periods[month] = period.json()["id"]

        async def scorecard(agent: Any) -> dict[str, Any]:
            response = await perf.get(f"/v1/periods/{periods['2026-10']}/scorecards/{agent.id}", headers=deputy)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        top, last = await scorecard(star), await scorecard(climber)
        assert top["rank_in_team"] == 1
        assert last["rank_in_team"] == 2  # the climber is still last in October
        fcr = {s["agent_id"]: next(k for k in s["kpis"] if k["kpi_code"] == "fcr") for s in (top, last)}
        assert fcr[str(star.id)]["attainment"] == 1.125
        assert fcr[str(climber.id)]["attainment"] == 1.0

    async with http_client(stack.apps["recognition"]) as rec:
        viewer = climber.headers(stack, "recognition")

        async def october_fcr_grants() -> list[dict[str, Any]] | None:
            response = await rec.get(
                "/v1/honor-wall", params={"team_id": str(org.team_id), "limit": 200}, headers=viewer
            )
            assert response.status_code == 200, response.text
            grants = [
                g
                for g in response.json()["items"]
                if g["period_start"] == "2026-10-01" and g["evidence"].get("kpi_code") == "fcr"
            ]
            improved = [g for g in grants if g["award_id"] == str(award_id("most_improved"))]
            return grants if improved else None

        grants = await eventually(october_fcr_grants)
        by_award: dict[str, list[dict[str, Any]]] = {}
        for grant in grants:
            by_award.setdefault(grant["award_id"], []).append(grant)

        stars = by_award[str(award_id("kpi_star"))]
        assert {g["recipient_id"] for g in stars} == {str(star.id)}
        assert {g["evidence"]["scope"] for g in stars} == {"team", "center"}

        improved = by_award[str(award_id("most_improved"))]
        assert {g["recipient_id"] for g in improved} == {str(climber.id)}  # +0.25 beats the star's +0.025
        assert {g["evidence"]["scope"] for g in improved} == {"team", "center"}
        evidence = improved[0]["evidence"]
        assert evidence["previous_period_id"] == periods["2026-09"]
        assert evidence["previous_attainment"] == 0.75
        assert evidence["attainment"] == 1.0
        assert evidence["gain"] == 0.25
        assert evidence["rank_in_team"] == 2
        assert all(g["source"] == "track" for g in grants)

        # September had no earlier period: nobody was "most improved" then.
        wall = await rec.get("/v1/honor-wall", params={"team_id": str(org.team_id), "limit": 200}, headers=viewer)
        september = [g for g in wall.json()["items"] if g["period_start"] == "2026-09-01"]
        assert september
        assert all(g["award_id"] != str(award_id("most_improved")) for g in september)
