"""Rewards are transparent: every grant, whatever made it, shows its criteria and the data behind it (REC-10)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from callcenter_shared.contracts.performance import AgentPeriodScorecardClosedV1, KpiPeriodClosedV1, KpiResult
from callcenter_shared.envelope import Envelope, Event
from recognition.subscriptions import SUBSCRIPTIONS


async def deliver(app: FastAPI, *events: Event) -> None:
    for event in events:
        async with app.state.session_factory() as session, session.begin():
            await SUBSCRIPTIONS[type(event)](session, event, Envelope.wrap(event, time=datetime.now(UTC)))


def closed_period(org: Any, start: date, end: date, attainments: list[float]) -> list[Event]:
    period_id = uuid.uuid4()
    cards: list[Event] = [
        AgentPeriodScorecardClosedV1(
            period_id=period_id,
            period_start=start,
            period_end=end,
            agent_id=agent.id,
            team_id=org.team.id,
            composite=100 * fcr,
            rank_in_team=rank,
            rank_in_center=rank,
            kpis=[KpiResult(kpi_code="fcr", value=round(fcr * 80, 2), attainment=fcr)],
        )
        for rank, (agent, fcr) in enumerate(zip(org.team.agents, attainments, strict=True), start=1)
    ]
    closed = datetime.combine(end, datetime.min.time(), tzinfo=UTC).replace(hour=20)
    total = len(cards)
    return [*cards, KpiPeriodClosedV1(period_id=period_id, period_start=start, period_end=end, agent_count=total,
                                      closed_at=closed)]  # fmt: skip


async def test_every_grant_shows_its_criteria_and_the_data_behind_it_REC_10(
    client: httpx.AsyncClient, app: FastAPI, org: Any
) -> None:
    catalog = {a["id"]: a for a in (await client.get("/v1/awards", headers=org.team.leader.headers)).json()["items"]}
    by_code = {a["code"]: a["id"] for a in catalog.values()}
    agent = org.team.agents[0]

    # A nomination approved at the award's level.
    nominated = await client.post(
        "/v1/nominations",
        json={"award_id": by_code["best_customer_service"], "nominee_id": str(agent.id),
              "reason": "Solved a double charge on the first call.",
              "evidence_links": ["https://crm.example.com/calls/8841"]},
        headers=org.team.leader.headers,
    )  # fmt: skip
    assert nominated.status_code == 201, nominated.text
    approved = await client.post(
        f"/v1/nominations/{nominated.json()['id']}/approve", json={"note": "QA 98"}, headers=org.deputy.headers
    )
    assert approved.status_code == 200, approved.text
    # A material pool split by performance.
    pool = await client.post(
        "/v1/pools",
        json={"award_id": by_code["team_performance_bonus"], "team_id": str(org.team.id), "total_amount": "3000",
              "basis": "composite score (October)", "reason": "October team bonus.",
              "shares": [{"employee_id": str(a.id), "amount": amount, "basis_value": value}
                         for a, amount, value in zip(org.team.agents, ["1400", "1000", "600"], [93, 89, 70],
                                                     strict=True)]},
        headers=org.team.leader.headers,
    )  # fmt: skip
    assert pool.status_code == 201, pool.text
    # Periodic tracks from two closed KPI periods.
    await deliver(
        app,
        *closed_period(org, date(2026, 9, 1), date(2026, 9, 30), [0.95, 0.90, 0.50]),
        *closed_period(org, date(2026, 10, 1), date(2026, 10, 31), [0.96, 0.92, 0.80]),
    )

    wall = await client.get("/v1/honor-wall", params={"limit": 200}, headers=org.other_team.agents[0].headers)
    assert wall.status_code == 200, wall.text
    grants = wall.json()["items"]
    assert {g["source"] for g in grants} == {"nomination", "pool", "track"}
    for grant in grants:
        award = catalog[grant["award_id"]]
        assert grant["criteria"] == award["criteria"], grant
        assert grant["criteria"].strip()
        assert grant["reason"].strip()
        evidence = grant["evidence"]
        if grant["source"] == "nomination":
            assert evidence["evidence_links"] == ["https://crm.example.com/calls/8841"]
            assert evidence["approved_by"] == str(org.deputy.id)
            assert evidence["approval_note"] == "QA 98"
        elif grant["source"] == "pool":
            assert evidence["basis"] == "composite score (October)"
            assert evidence["basis_value"] in (93, 89, 70)
            assert len(evidence["team_basis_values"]) == 3
        else:
            assert evidence["kpi_code"] == "fcr"
            assert isinstance(evidence["attainment"], float)
            assert evidence["track"] in ("kpi_top", "kpi_most_improved")
        # The grant read on its own shows the same.
        one = await client.get(f"/v1/grants/{grant['id']}", headers=agent.headers)
        assert (one.json()["criteria"], one.json()["evidence"]) == (grant["criteria"], evidence)
