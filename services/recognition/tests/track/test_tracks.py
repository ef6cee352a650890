"""Periodic award tracks from performance events (REC-3) and the data shown with them (REC-10)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from callcenter_shared.contracts.performance import (
    AgentPeriodScorecardClosedV1,
    KpiPeriodClosedV1,
    KpiResult,
    QaEvaluationFinalizedV1,
)
from callcenter_shared.envelope import Envelope, Event
from recognition.award.models import Award, Grant
from recognition.subscriptions import SUBSCRIPTIONS

P1 = (uuid.uuid4(), date(2026, 9, 1), date(2026, 9, 30))
P2 = (uuid.uuid4(), date(2026, 10, 1), date(2026, 10, 31))


def scorecards(
    period: tuple[uuid.UUID, date, date], team_id: uuid.UUID, rows: list[tuple[Any, float, dict[str, float]]]
) -> list[AgentPeriodScorecardClosedV1]:
    """rows: (agent, composite, {kpi: attainment}); ranks follow the composite."""
    ranked = sorted(rows, key=lambda r: -r[1])
    return [
        AgentPeriodScorecardClosedV1(
            period_id=period[0],
            period_start=period[1],
            period_end=period[2],
            agent_id=agent.id,
            team_id=team_id,
            composite=composite,
            rank_in_team=ranked.index((agent, composite, kpis)) + 1,
            rank_in_center=ranked.index((agent, composite, kpis)) + 1,
            kpis=[KpiResult(kpi_code=code, value=round(att * 80, 2), attainment=att) for code, att in kpis.items()],
        )
        for agent, composite, kpis in rows
    ]


def summary(period: tuple[uuid.UUID, date, date], count: int) -> KpiPeriodClosedV1:
    return KpiPeriodClosedV1(
        period_id=period[0],
        period_start=period[1],
        period_end=period[2],
        agent_count=count,
        closed_at=datetime.combine(period[2], datetime.min.time(), tzinfo=UTC).replace(hour=20),
    )


async def deliver(app: FastAPI, *events: Event) -> None:
    """Each event in its own transaction, as the consumer would run it."""
    for event in events:
        async with app.state.session_factory() as session, session.begin():
            await SUBSCRIPTIONS[type(event)](session, event, Envelope.wrap(event, time=datetime.now(UTC)))


async def grants(app: FastAPI, code: str) -> list[Grant]:
    async with app.state.session_factory() as session:
        rows = await session.scalars(select(Grant).join(Award, Award.id == Grant.award_id).where(Award.code == code))
        return list(rows.all())


def periods(org: Any) -> tuple[list[Any], list[Any]]:
    a, b, c = org.team.agents  # 王芳, 张伟, 刘洋
    first = scorecards(
        P1,
        org.team.id,
        [
            (a, 92, {"fcr": 0.95, "csat": 1.05}),
            (b, 88, {"fcr": 0.90, "csat": 1.0}),
            (c, 61, {"fcr": 0.50, "csat": 0.8}),
        ],
    )
    second = scorecards(
        P2,
        org.team.id,
        [
            (a, 93, {"fcr": 0.96, "csat": 1.10}),
            (b, 89, {"fcr": 0.92, "csat": 1.0}),
            (c, 70, {"fcr": 0.80, "csat": 0.90}),
        ],
    )
    return first, second


class TestTracks:
    async def test_last_ranked_agent_who_improved_most_gets_most_improved_REC_3(self, app: FastAPI, org: Any) -> None:
        first, second = periods(org)
        await deliver(app, *first, summary(P1, 3), *second, summary(P2, 3))
        improved = await grants(app, "most_improved")
        last = org.team.agents[2]
        assert {g.recipient_id for g in improved} == {last.id}
        assert next(s for s in second if s.agent_id == last.id).rank_in_team == 3
        team_grant = next(g for g in improved if g.evidence["scope"] == "team" and g.evidence["kpi_code"] == "fcr")
        # REC-10: the KPI values behind the award travel with it
        assert team_grant.evidence["previous_attainment"] == 0.5
        assert team_grant.evidence["attainment"] == 0.8
        assert team_grant.evidence["gain"] == 0.3
        assert team_grant.evidence["previous_period_id"] == str(P1[0])
        assert "0.50 → 0.80" in team_grant.reason
        stars = await grants(app, "kpi_star")
        p2_stars = {(g.evidence["kpi_code"], g.recipient_id) for g in stars if g.period_start == P2[1]}
        assert p2_stars == {("fcr", org.team.agents[0].id), ("csat", org.team.agents[0].id)}

    async def test_no_most_improved_without_a_previous_period_REC_3(self, app: FastAPI, org: Any) -> None:
        _, second = periods(org)
        await deliver(app, *second, summary(P2, 3))
        assert await grants(app, "most_improved") == []
        assert await grants(app, "kpi_star")  # the top track still runs

    async def test_summary_before_scorecards_computes_when_the_last_arrives_REC_3(self, app: FastAPI, org: Any) -> None:
        first, second = periods(org)
        await deliver(app, *first, summary(P1, 3))
        await deliver(app, summary(P2, 3), second[0], second[1])
        assert await grants(app, "most_improved") == []  # one result still missing
        await deliver(app, second[2], summary(P2, 3), second[2])  # redeliveries change nothing
        improved = await grants(app, "most_improved")
        assert len(improved) == 4  # fcr and csat gains (team and center) for the last-ranked agent
        assert {g.recipient_id for g in improved} == {org.team.agents[2].id}

    async def test_qa_track_needs_the_minimum_number_of_evaluations_REC_3(self, app: FastAPI, org: Any) -> None:
        a, b, c = org.team.agents
        finalized = datetime(2026, 10, 15, 8, tzinfo=UTC)
        qa = [
            QaEvaluationFinalizedV1(
                evaluation_id=uuid.uuid4(), agent_id=agent.id, score=score, outcome="undisputed", finalized_at=finalized
            )
            for agent, score in ((a, 90), (a, 92), (b, 88), (b, 86), (c, 99))  # c has one evaluation only
        ]
        _, second = periods(org)
        await deliver(app, *qa, *second, summary(P2, 3))
        qa_stars = await grants(app, "qa_star")
        assert {g.recipient_id for g in qa_stars} == {a.id}
        assert qa_stars[0].evidence["qa_evaluations"] == 2
        assert qa_stars[0].evidence["qa_average"] == 91.0

    async def test_disabled_track_grants_nothing_REC_3(self, client: httpx.AsyncClient, app: FastAPI, org: Any) -> None:
        rules = (await client.get("/v1/track-rules", headers=org.deputy.headers)).json()["items"]
        for rule in rules:
            if rule["track"] == "kpi_most_improved":
                refused = await client.patch(
                    f"/v1/track-rules/{rule['id']}", json={"enabled": False}, headers=org.team.leader.headers
                )
                assert refused.status_code == 403
                changed = await client.patch(
                    f"/v1/track-rules/{rule['id']}", json={"enabled": False}, headers=org.deputy.headers
                )
                assert changed.status_code == 200
        first, second = periods(org)
        await deliver(app, *first, summary(P1, 3), *second, summary(P2, 3))
        assert await grants(app, "most_improved") == []

    async def test_track_grants_are_on_the_honor_wall_with_events(
        self, client: httpx.AsyncClient, app: FastAPI, org: Any
    ) -> None:
        first, second = periods(org)
        await deliver(app, *first, summary(P1, 3), *second, summary(P2, 3))
        wall = await client.get(
            "/v1/honor-wall",
            params={"from_date": "2026-10-31", "to_date": "2026-10-31"},
            headers=org.other_team.agents[0].headers,
        )
        assert wall.status_code == 200
        assert wall.json()["total"] >= 3
        async with app.state.session_factory() as session:
            from callcenter_shared.tables import outbox

            count = await session.scalar(
                select(func.count())
                .select_from(outbox)
                .where(outbox.c.subject == "callcenter.recognition.award.granted.v1")
            )
        assert count == len(await grants(app, "most_improved")) + len(await grants(app, "kpi_star"))


class TestRecognitionShare:
    async def test_share_of_agents_recognised_per_team_in_the_quarter_REC_3(
        self, client: httpx.AsyncClient, app: FastAPI, org: Any
    ) -> None:
        first, second = periods(org)
        await deliver(app, *first, summary(P1, 3), *second, summary(P2, 3))
        response = await client.get(
            "/v1/reports/recognition-share", params={"year": 2026, "quarter": 4}, headers=org.deputy.headers
        )
        assert response.status_code == 200, response.text
        rows = {r["team_name"]: r for r in response.json()["items"]}
        # 王芳 (KPI star) and 刘洋 (most improved) were recognised in Q4; 张伟 was not
        assert rows["热线一组"]["agents"] == 3
        assert rows["热线一组"]["recognised"] == 2
        assert rows["热线一组"]["share"] == 0.6667
        assert rows["热线二组"]["share"] == 0.0
        mine = await client.get(
            "/v1/reports/recognition-share", params={"year": 2026, "quarter": 4}, headers=org.team.leader.headers
        )
        assert [r["team_name"] for r in mine.json()["items"]] == ["热线一组"]
        refused = await client.get(
            "/v1/reports/recognition-share", params={"year": 2026, "quarter": 4}, headers=org.team.agents[0].headers
        )
        assert refused.status_code == 403


class TestConcurrentArrival:
    async def test_summary_and_last_scorecard_at_the_same_moment_compute_once_REC_3(
        self, app: FastAPI, org: Any
    ) -> None:
        """On PostgreSQL the two consumers' transactions really overlap; the period row's lock decides."""
        first, _ = periods(org)
        await deliver(app, *first[:2])
        await asyncio.gather(deliver(app, first[2]), deliver(app, summary(P1, 3)))
        stars = await grants(app, "kpi_star")
        assert {(g.evidence["kpi_code"], g.evidence["scope"]) for g in stars} == {
            ("fcr", "team"),
            ("fcr", "center"),
            ("csat", "team"),
            ("csat", "center"),
        }
        assert len(stars) == 4
