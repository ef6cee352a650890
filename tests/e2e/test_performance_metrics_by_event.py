"""PRF-2 and PRF-3 across services over real NATS: people from scheduling, raw metrics from an
outside system's event, a period close in performance and its events on the performance stream."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import nats
from sqlalchemy import func, select

from callcenter_shared.contracts.ingest import AgentDailyMetric, MetricBatchSubmittedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import org_employee
from callcenter_shared.streams import ensure_stream
from callcenter_testing import HR_SYSTEM, bearer, eventually, http_client, service_bearer
from performance.kpi.models import RawMetric


async def test_metric_batch_event_is_ingested_once_and_the_close_is_published_PRF_2(stack: Any) -> None:
    admin_id = uuid.uuid4()
    admin = service_bearer(stack.settings("scheduling"), HR_SYSTEM)
    async with http_client(stack.apps["scheduling"]) as client:
        await client.post("/v1/employees", json={"id": str(admin_id), "name": "Zhao", "level": 5}, headers=admin)
        gm = (await client.post("/v1/employees", json={"name": "Qian", "level": 4, "superior_id": str(admin_id)},
                                headers=admin)).json()["id"]  # fmt: skip
        deputy = (await client.post("/v1/employees", json={"name": "Sun", "level": 3, "superior_id": gm},
                                    headers=admin)).json()["id"]  # fmt: skip
        team = (await client.post("/v1/teams", json={"name": "Hotline A"}, headers=admin)).json()["id"]
        leader = (await client.post("/v1/employees", json={"name": "Li", "level": 2, "superior_id": deputy,
                                                           "team_id": team}, headers=admin)).json()["id"]  # fmt: skip
        agent = await client.post(
            "/v1/employees",
            json={"name": "Wang", "level": 1, "superior_id": leader, "team_id": team, "certified": True,
                  "agent_number": "A1001", "hire_date": "2019-01-01"},
            headers=admin,
        )  # fmt: skip
        assert agent.status_code == 201, agent.text
    agent_id = uuid.UUID(agent.json()["id"])
    performance = stack.apps["performance"]

    async def known() -> bool:
        async with stack.session("performance") as session:
            return bool(await session.scalar(select(org_employee.c.id).where(org_employee.c.id == agent_id)))

    await eventually(known)

    event = MetricBatchSubmittedV1(
        source="acd",
        batch_id="acd-2020-10",
        rows=[
            AgentDailyMetric(agent_id=str(agent_id), day=date(2020, 10, 5), metric="fcr_resolved", value=45),
            AgentDailyMetric(agent_id=str(agent_id), day=date(2020, 10, 5), metric="fcr_eligible", value=50),
        ],
    )
    connection = await nats.connect(stack.settings("performance").nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "ingest")
        for _ in range(2):  # the system re-sends the same batch under a new event id
            envelope = Envelope.wrap(event, time=datetime.now(UTC))
            await js.publish(event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id})

        async def ingested() -> int:
            async with stack.session("performance") as session:
                return int(await session.scalar(select(func.count()).select_from(RawMetric)) or 0)

        assert await eventually(ingested) == 2

        deputy_headers = bearer(stack.settings("performance"), uuid.UUID(deputy), 3)
        async with http_client(performance) as client:
            period = await client.post("/v1/periods", json={"month": "2020-10"}, headers=deputy_headers)
            closed = await client.post(f"/v1/periods/{period.json()['id']}/close", headers=deputy_headers)
            assert closed.status_code == 200, closed.text
            assert closed.json()["agent_count"] == 1
        assert await ingested() == 2

        sub = await js.pull_subscribe("callcenter.performance.agent_period_scorecard.closed.v1", durable="e2e")

        async def scorecard() -> Any:
            try:
                return await sub.fetch(1, timeout=0.5)
            except TimeoutError:
                return None

        [message] = await eventually(scorecard)
        data = Envelope.model_validate_json(message.data).data
        assert data["agent_id"] == str(agent_id)
        assert data["team_id"] == team
        fcr = next(k for k in data["kpis"] if k["kpi_code"] == "fcr")
        assert fcr["value"] == 90
        assert fcr["attainment"] == 1.125
    finally:
        await connection.close()
