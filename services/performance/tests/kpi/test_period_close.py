"""Ingestion and the period close against a hand-computed fixture: PRF-1..4, PRF-8."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from callcenter_shared.contracts.ingest import AgentDailyMetric, MetricBatchSubmittedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.errors import InvalidInput
from callcenter_shared.tables import outbox
from callcenter_testing import HR_SYSTEM, METRICS_FEED, service_bearer
from performance.kpi.handlers import on_metric_batch_submitted
from performance.kpi.models import RawMetric

SCORECARD_CLOSED = "callcenter.performance.agent_period_scorecard.closed.v1"
PERIOD_CLOSED = "callcenter.performance.kpi_period.closed.v1"


def rows(agent: Any, day: str, **metrics: float) -> list[dict[str, Any]]:
    return [{"agent_id": str(agent.id), "day": day, "metric": name, "value": value} for name, value in metrics.items()]


class Month:
    """October 2026 for two teams, with numbers simple enough to compute by hand.

    KPIs with data: fcr (weight 15, target 80, new hire 70), aht (10, target 300 s lower, new hire 360),
    complaints (10, target 1 lower; none = best). Attainment is capped at 1.2.

    a1: fcr 45/50 = 90 → 1.125; aht 27000/100 = 270 → 300/270; complaints 0 → 1.2
        composite = 100 × (15×1.125 + 10×1.1111 + 10×1.2) / 35 = 114.2460
    a2: fcr 60 → 0.75; aht 360 → 0.8333; complaints 2 → 0.5 → 70.2381
    b1: fcr 80 → 1.0; aht 300 → 1.0; complaints 0 → 1.2 → 105.7143
    b2: fcr 100 → 1.25 capped 1.2; aht 240 → 1.25 capped 1.2; complaints 1 → 1.0 → 114.2857
    c (team B, hired 2026-10-01, new hire): fcr 70 vs 70 → 1.0; aht 360 vs 360 → 1.0; 0 → 1.2 → 105.7143
    Center: b2 1, a1 2, b1 3, c 3 (tie), a2 5. Team A: a1 1, a2 2. Team B: b2 1, b1 2, c 2.
    """

    def __init__(self, org: Any) -> None:
        self.org = org

    async def build(self) -> None:
        self.team_a = await self.org.team(agents=2)
        self.team_b = await self.org.team(agents=2)
        self.a1, self.a2 = self.team_a.agents
        self.b1, self.b2 = self.team_b.agents
        self.c = await self.org.agent(self.team_b, hire_date=date(2026, 10, 1))

    def batch(self) -> dict[str, Any]:
        data = (
            rows(self.a1, "2026-10-05", fcr_resolved=20, fcr_eligible=25, handle_seconds=13000, calls_handled=50)
            + rows(self.a1, "2026-10-06", fcr_resolved=25, fcr_eligible=25, handle_seconds=14000, calls_handled=50)
            + rows(self.a2, "2026-10-05", fcr_resolved=30, fcr_eligible=50, handle_seconds=36000, calls_handled=100)
            + rows(self.a2, "2026-10-07", verified_complaints=2)
            + rows(self.b1, "2026-10-05", fcr_resolved=40, fcr_eligible=50, handle_seconds=30000, calls_handled=100)
            + rows(self.b2, "2026-10-31", fcr_resolved=50, fcr_eligible=50, handle_seconds=24000, calls_handled=100)
            + rows(self.b2, "2026-10-20", verified_complaints=1)
            + rows(self.c, "2026-10-01", fcr_resolved=35, fcr_eligible=50, handle_seconds=36000, calls_handled=100)
            # Outside the period: must not count.
            + rows(self.a2, "2026-11-01", fcr_resolved=50, fcr_eligible=50)
            + rows(self.a1, "2026-09-30", verified_complaints=5)
        )
        return {"source": "acd", "batch_id": "acd-2026-10", "rows": data}


@pytest.fixture
async def month(org: Any) -> Month:
    m = Month(org)
    await m.build()
    return m


async def open_october(client: httpx.AsyncClient, org: Any) -> str:
    response = await client.post("/v1/periods", json={"month": "2026-10"}, headers=org.deputy.headers)
    assert response.status_code == 201, response.text
    assert (response.json()["start_date"], response.json()["end_date"]) == ("2026-10-01", "2026-10-31")
    period_id: str = response.json()["id"]
    return period_id


async def send(client: httpx.AsyncClient, org: Any, batch: dict[str, Any]) -> httpx.Response:
    """As the phone system's metric feed: a service account with `metrics:write`."""
    return await client.post("/v1/metrics/batches", json=batch, headers=service_bearer(org.settings, METRICS_FEED))


async def scorecards(client: httpx.AsyncClient, org: Any, period_id: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"/v1/periods/{period_id}/scorecards", headers=org.deputy.headers)
    assert response.status_code == 200, response.text
    return {s["agent_id"]: s for s in response.json()["items"]}


class TestClose:
    async def test_close_matches_the_hand_computed_fixture_PRF_3(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        assert (await send(client, org, month.batch())).status_code == 200
        closed = await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        assert closed.json()["agent_count"] == 5

        cards = await scorecards(client, org, period_id)
        expected = {
            month.a1: (114.2460, 1, 2), month.a2: (70.2381, 2, 5), month.b1: (105.7143, 2, 3),
            month.b2: (114.2857, 1, 1), month.c: (105.7143, 2, 3),
        }  # fmt: skip
        for agent, (composite, in_team, in_center) in expected.items():
            card = cards[str(agent.id)]
            assert card["composite"] == pytest.approx(composite, abs=1e-4), agent
            assert (card["rank_in_team"], card["rank_in_center"]) == (in_team, in_center), agent
        a1 = {k["kpi_code"]: k for k in cards[str(month.a1.id)]["kpis"]}
        assert a1["fcr"]["value"] == pytest.approx(90)
        assert a1["fcr"]["attainment"] == pytest.approx(1.125)
        assert a1["aht"]["value"] == pytest.approx(270)
        assert a1["aht"]["attainment"] == pytest.approx(300 / 270)
        assert a1["complaints"]["value"] == 0
        assert a1["complaints"]["attainment"] == pytest.approx(1.2)
        assert a1["csat"]["value"] is None
        assert a1["csat"]["attainment"] is None

    async def test_new_hire_is_measured_against_new_hire_targets_PRF_8(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        cards = await scorecards(client, org, period_id)
        new_hire = cards[str(month.c.id)]
        veteran = cards[str(month.a2.id)]
        assert new_hire["new_hire"] is True
        assert veteran["new_hire"] is False
        fcr = next(k for k in new_hire["kpis"] if k["kpi_code"] == "fcr")
        assert fcr["target"] == 70
        assert fcr["attainment"] == pytest.approx(1.0)

    async def test_close_publishes_one_scorecard_per_agent_then_the_summary_PRF_3(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI, events: Any
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        per_agent = await events(app, SCORECARD_CLOSED)
        [summary] = await events(app, PERIOD_CLOSED)
        assert len(per_agent) == summary["data"]["agent_count"] == 5
        b2 = next(e["data"] for e in per_agent if e["data"]["agent_id"] == str(month.b2.id))
        assert b2["rank_in_center"] == 1
        assert b2["team_id"] == str(month.team_b.id)
        assert b2["composite"] == pytest.approx(114.2857, abs=1e-4)
        assert {k["kpi_code"] for k in b2["kpis"]} >= {"fcr", "aht", "complaints"}
        c = next(e["data"] for e in per_agent if e["data"]["agent_id"] == str(month.c.id))
        assert c["new_hire"] is True
        async with app.state.session_factory() as s:
            result = await s.execute(select(outbox.c.subject, func.max(outbox.c.seq)).group_by(outbox.c.subject))
            seqs = dict(result.all())
        assert seqs[SCORECARD_CLOSED] < seqs[PERIOD_CLOSED]

    async def test_closed_period_cannot_be_closed_again_PRF_3(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        again = await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        assert again.status_code == 422
        assert again.json()["rule"] == "PRF-3"

    async def test_correction_is_an_adjustment_with_reason_and_the_closed_numbers_stay_PRF_3(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        late = {"source": "acd", "batch_id": "acd-2026-10-late", "rows": rows(month.a2, "2026-10-09", fcr_resolved=50,
                                                                                fcr_eligible=50)}  # fmt: skip
        assert (await send(client, org, late)).status_code == 200
        url = f"/v1/periods/{period_id}/scorecards/{month.a2.id}"
        adjusted = await client.post(
            f"{url}/adjustments",
            json={"composite_delta": 10, "reason": "ACD lost one day of resolved calls"},
            headers=org.deputy.headers,
        )
        assert adjusted.status_code == 201, adjusted.text
        card = (await client.get(url, headers=org.deputy.headers)).json()
        assert card["composite"] == pytest.approx(70.2381, abs=1e-4)
        assert card["adjusted_composite"] == pytest.approx(80.2381, abs=1e-4)
        assert card["adjustments"][0]["reason"] == "ACD lost one day of resolved calls"
        no_reason = await client.post(
            f"{url}/adjustments", json={"composite_delta": 1, "reason": ""}, headers=org.deputy.headers
        )
        assert no_reason.status_code == 422

    async def test_period_cannot_close_before_it_ends(self, client: httpx.AsyncClient, org: Any) -> None:
        response = await client.post("/v1/periods", json={"month": "2026-11"}, headers=org.deputy.headers)
        closed = await client.post(f"/v1/periods/{response.json()['id']}/close", headers=org.deputy.headers)
        assert closed.status_code == 422
        assert "2026-11-30" in closed.json()["detail"]


class TestBonus:
    async def test_bonus_is_the_percentage_above_standard_capped_and_zero_below_PRF_4(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        cards = await scorecards(client, org, period_id)
        b2 = cards[str(month.b2.id)]["bonus"]
        assert b2["standard"] == 100
        assert b2["cap_percent"] == 20
        assert b2["bonus_percent"] == pytest.approx(14.2857, abs=1e-4)
        assert "exceeds the standard" in b2["explanation"]
        assert cards[str(month.b1.id)]["bonus"]["bonus_percent"] == pytest.approx(5.7143, abs=1e-4)
        a2 = cards[str(month.a2.id)]["bonus"]
        assert a2["bonus_percent"] == 0
        assert a2["excess_percent"] < 0
        assert "no bonus" in a2["explanation"]

    async def test_bonus_is_capped_by_policy_PRF_4(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI
    ) -> None:
        app.state.settings.policy = app.state.settings.policy.model_copy(update={"bonus_cap_percent": 10.0})
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        b2 = (await scorecards(client, org, period_id))[str(month.b2.id)]["bonus"]
        assert b2["excess_percent"] == pytest.approx(14.2857, abs=1e-4)
        assert b2["bonus_percent"] == 10.0
        assert "capped" in b2["explanation"]


class TestIngest:
    async def test_same_batch_twice_gives_the_same_results_PRF_2(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI
    ) -> None:
        period_id = await open_october(client, org)
        first = await send(client, org, month.batch())
        second = await send(client, org, month.batch())
        assert first.json()["duplicate"] is False
        assert first.json()["inserted"] == len(month.batch()["rows"])
        assert second.status_code == 200
        assert second.json()["duplicate"] is True
        assert second.json()["inserted"] == 0
        async with app.state.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(RawMetric)) == len(month.batch()["rows"])
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        cards = await scorecards(client, org, period_id)
        assert cards[str(month.a2.id)]["composite"] == pytest.approx(70.2381, abs=1e-4)  # complaints not doubled

    async def test_same_batch_by_event_after_http_changes_nothing_PRF_2(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI, clock: Any
    ) -> None:
        batch = month.batch()
        await send(client, org, batch)
        event = MetricBatchSubmittedV1(
            source="acd", batch_id="acd-2026-10", rows=[AgentDailyMetric(**row) for row in batch["rows"]]
        )
        async with app.state.session_factory() as s:
            await on_metric_batch_submitted(s, event, Envelope.wrap(event, time=clock.now()))
            await s.commit()
            assert await s.scalar(select(func.count()).select_from(RawMetric)) == len(batch["rows"])

    async def test_batch_by_event_is_stored_PRF_2(self, org: Any, month: Month, app: FastAPI, clock: Any) -> None:
        event = MetricBatchSubmittedV1(
            source="crm",
            batch_id="crm-1",
            rows=[AgentDailyMetric(agent_id=str(month.a1.id), day=date(2026, 10, 3), metric="csat_surveys", value=4)],
        )
        async with app.state.session_factory() as s:
            await on_metric_batch_submitted(s, event, Envelope.wrap(event, time=clock.now()))
            await s.commit()
            stored = await s.scalar(select(RawMetric).where(RawMetric.source == "crm"))
        assert stored is not None
        assert stored.agent_id == month.a1.id
        assert stored.value == 4

    async def test_batch_by_event_with_a_day_outside_the_bounds_stores_nothing_PRF_2(
        self, month: Month, app: FastAPI, clock: Any
    ) -> None:
        event = MetricBatchSubmittedV1(
            source="crm",
            batch_id="crm-far",
            rows=[AgentDailyMetric(agent_id=str(month.a1.id), day=date(9999, 12, 31), metric="csat_surveys", value=4)],
        )
        async with app.state.session_factory() as s:
            with pytest.raises(InvalidInput) as refused:
                await on_metric_batch_submitted(s, event, Envelope.wrap(event, time=clock.now()))
            assert "9999-12-31" in refused.value.extensions["errors"][0]["message"]
            assert await s.scalar(select(func.count()).select_from(RawMetric)) == 0

    async def test_same_batch_id_with_other_content_is_refused_PRF_2(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        batch = month.batch()
        await send(client, org, batch)
        batch["rows"][0]["value"] = 999
        response = await send(client, org, batch)
        assert response.status_code == 409
        assert "new batch id" in response.json()["detail"]

    async def test_invalid_rows_store_nothing_and_are_listed(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI
    ) -> None:
        batch = month.batch()
        batch["rows"][3]["value"] = -1
        batch["rows"][5]["metric"] = "Bad Code"
        response = await send(client, org, batch)
        assert response.status_code == 422
        assert [e["row"] for e in response.json()["errors"]] == [3, 5]
        async with app.state.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(RawMetric)) == 0

    async def test_unknown_agent_is_refused(self, client: httpx.AsyncClient, org: Any) -> None:
        batch = {"source": "acd", "batch_id": "x", "rows": [
            {"agent_id": "6f1c3c56-0000-4000-8000-000000000000", "day": "2026-10-01", "metric": "calls_handled",
             "value": 3}]}  # fmt: skip
        response = await send(client, org, batch)
        assert response.status_code == 422
        assert "not known" in response.json()["detail"]

    async def test_more_than_ten_thousand_rows_is_refused(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        start = date(2026, 1, 1)
        many = [
            {
                "agent_id": str(month.a1.id),
                "day": str(start + timedelta(days=i // 100)),
                "metric": f"m{i % 100}",
                "value": 1,
            }
            for i in range(10_001)
        ]
        response = await send(client, org, {"source": "acd", "batch_id": "big", "rows": many})
        assert response.status_code == 422

    async def test_ten_thousand_rows_in_one_batch_are_stored(
        self, client: httpx.AsyncClient, org: Any, month: Month, app: FastAPI
    ) -> None:
        start = date(2025, 1, 1)
        many = [
            {
                "agent_id": str(month.a1.id),
                "day": str(start + timedelta(days=i // 100)),
                "metric": f"m{i % 100}",
                "value": i,
            }
            for i in range(10_000)
        ]
        response = await send(client, org, {"source": "acd", "batch_id": "big", "rows": many})
        assert response.status_code == 200
        assert response.json()["inserted"] == 10_000
        async with app.state.session_factory() as s:
            assert await s.scalar(select(func.count()).select_from(RawMetric)) == 10_000

    async def test_only_metric_feeds_may_send_batches(self, client: httpx.AsyncClient, month: Month) -> None:
        for person in (month.team_a.leader, month.org.deputy):
            response = await client.post("/v1/metrics/batches", json=month.batch(), headers=person.headers)
            assert response.status_code == 403
        hr = service_bearer(month.org.settings, HR_SYSTEM)
        assert (await client.post("/v1/metrics/batches", json=month.batch(), headers=hr)).status_code == 403


class TestDefinitions:
    async def test_standard_kpis_are_seeded_and_visible_to_agents_PRF_1(
        self, client: httpx.AsyncClient, month: Month
    ) -> None:
        response = await client.get("/v1/kpis", headers=month.a1.headers)
        codes = {k["code"]: k for k in response.json()["items"]}
        assert set(codes) == {"csat", "fcr", "aht", "service_level", "adherence", "qa_average", "complaints"}
        assert codes["aht"]["direction"] == "lower"
        assert codes["csat"]["direction"] == "higher"
        assert sum(k["weight"] for k in codes.values()) == 100

    async def test_change_after_the_period_opened_does_not_apply_to_it_PRF_1(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        changed = await client.patch("/v1/kpis/fcr", json={"target": 100}, headers=org.deputy.headers)
        assert changed.status_code == 200
        assert changed.json()["target"] == 100
        frozen = await client.get(f"/v1/periods/{period_id}/kpis", headers=month.a1.headers)
        assert next(k for k in frozen.json()["items"] if k["code"] == "fcr")["target"] == 80
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        cards = await scorecards(client, org, period_id)
        assert cards[str(month.a1.id)]["composite"] == pytest.approx(114.2460, abs=1e-4)

    async def test_formula_outside_the_safe_set_is_refused_PRF_1(self, client: httpx.AsyncClient, org: Any) -> None:
        body = {"code": "evil", "name": "x", "kind": "python", "metric": "a", "direction": "higher", "target": 1,
                "weight": 1}  # fmt: skip
        response = await client.post("/v1/kpis", json=body, headers=org.deputy.headers)
        assert response.status_code == 422
        body.update(kind="ratio")
        response = await client.post("/v1/kpis", json=body, headers=org.deputy.headers)
        assert response.status_code == 422
        assert "denominator_metric" in response.json()["detail"]

    async def test_threshold_and_average_kpis_compute_PRF_1(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        days = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
        data = [r for i, d in enumerate(days) for r in rows(month.a1, d, avg_answer_seconds=[10, 25, 20, 30][i],
                                                               qa_score=[80, 90, 100, 70][i])]  # fmt: skip
        await send(client, org, {"source": "acd", "batch_id": "sl", "rows": data})
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        card = (
            await client.get(f"/v1/periods/{period_id}/scorecards/{month.a1.id}", headers=org.deputy.headers)
        ).json()
        kpis = {k["kpi_code"]: k for k in card["kpis"]}
        assert kpis["service_level"]["value"] == pytest.approx(50.0)  # 2 of 4 days within 20 s
        assert kpis["qa_average"]["value"] == pytest.approx(85.0)


class TestAccess:
    async def test_agent_sees_only_their_own_scorecard_and_metrics(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        own = await client.get(f"/v1/periods/{period_id}/scorecards/{month.a1.id}", headers=month.a1.headers)
        assert own.status_code == 200
        other = await client.get(f"/v1/periods/{period_id}/scorecards/{month.a2.id}", headers=month.a1.headers)
        assert other.status_code == 403
        listed = await client.get(f"/v1/periods/{period_id}/scorecards", headers=month.a1.headers)
        assert [s["agent_id"] for s in listed.json()["items"]] == [str(month.a1.id)]
        metrics = await client.get("/v1/metrics", headers=month.a1.headers)
        assert {m["agent_id"] for m in metrics.json()["items"]} == {str(month.a1.id)}

    async def test_leader_sees_their_team_and_l3_the_center(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        period_id = await open_october(client, org)
        await send(client, org, month.batch())
        await client.post(f"/v1/periods/{period_id}/close", headers=org.deputy.headers)
        team = await client.get(f"/v1/periods/{period_id}/scorecards", headers=month.team_a.leader.headers)
        assert {s["agent_id"] for s in team.json()["items"]} == {str(month.a1.id), str(month.a2.id)}
        center = await client.get(f"/v1/periods/{period_id}/scorecards", headers=org.deputy.headers)
        assert center.json()["total"] == 5


class TestNewHires:
    async def test_new_hires_are_listed_against_new_hire_targets_for_sixty_days_PRF_8(
        self, client: httpx.AsyncClient, org: Any, month: Month
    ) -> None:
        await send(client, org, month.batch())
        old_hire = await org.agent(month.team_b, hire_date=date(2026, 8, 1))
        response = await client.get("/v1/new-hires?as_of=2026-10-31", headers=org.deputy.headers)
        assert response.status_code == 200, response.text
        [hire] = response.json()["items"]
        assert hire["agent_id"] == str(month.c.id)
        assert hire["days_since_hire"] == 30
        assert hire["tracked_until"] == "2026-11-29"
        fcr = next(k for k in hire["kpis"] if k["kpi_code"] == "fcr")
        assert (fcr["value"], fcr["new_hire_target"], fcr["veteran_target"]) == (70, 70, 80)
        assert fcr["attainment"] == pytest.approx(1.0)
        assert str(old_hire.id) not in {h["agent_id"] for h in response.json()["items"]}
        after = await client.get("/v1/new-hires?as_of=2026-11-30", headers=org.deputy.headers)
        assert after.json()["items"] == []

    async def test_agents_see_only_themselves_among_new_hires_PRF_8(
        self, client: httpx.AsyncClient, month: Month
    ) -> None:
        own = await client.get("/v1/new-hires?as_of=2026-10-31", headers=month.c.headers)
        assert [h["agent_id"] for h in own.json()["items"]] == [str(month.c.id)]
        other = await client.get("/v1/new-hires?as_of=2026-10-31", headers=month.a1.headers)
        assert other.json()["items"] == []
