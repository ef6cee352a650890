"""REC-3 end to end over a real NATS server: performance's period events in, awards and events out."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import nats
from sqlalchemy import select

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.performance import AgentPeriodScorecardClosedV1, KpiPeriodClosedV1, KpiResult
from callcenter_shared.envelope import Envelope, Event
from callcenter_shared.tables import outbox
from callcenter_testing import NatsServer, TestDatabases, eventually, running
from recognition.award.models import Award, Grant
from recognition.main import create_app
from recognition.settings import Settings


async def test_period_closed_over_nats_grants_most_improved_to_the_last_ranked_agent_REC_3(
    test_databases: TestDatabases,
    nats_server: NatsServer,
    clock: FrozenClock,
    settings_factory: Callable[..., Settings],
    org_factory: Callable[..., Any],
) -> None:
    settings = settings_factory(
        await test_databases.fresh("recognition", name="nats"),
        nats_url=nats_server.url,
        relay_enabled=True,
        consumer_enabled=True,
    )
    app = create_app(settings, clock=clock)
    org = await org_factory(app)
    leader_a, runner_up, last = org.team.agents  # composite order 92 / 88 / 61, then 93 / 89 / 70

    def period_events(
        period_id: uuid.UUID, start: date, end: date, rows: list[tuple[Any, float, int, float]]
    ) -> list[Event]:
        cards: list[Event] = [
            AgentPeriodScorecardClosedV1(
                period_id=period_id, period_start=start, period_end=end, agent_id=agent.id, team_id=org.team.id,
                composite=composite, rank_in_team=rank, rank_in_center=rank,
                kpis=[KpiResult(kpi_code="fcr", value=round(attainment * 80, 1), attainment=attainment)],
            )
            for agent, composite, rank, attainment in rows
        ]  # fmt: skip
        closed = datetime(end.year, end.month, end.day, 20, tzinfo=UTC)
        return [
            *cards,
            KpiPeriodClosedV1(
                period_id=period_id, period_start=start, period_end=end, agent_count=len(rows), closed_at=closed
            ),
        ]

    september = period_events(
        uuid.uuid4(),
        date(2026, 9, 1),
        date(2026, 9, 30),
        [(leader_a, 92, 1, 0.95), (runner_up, 88, 2, 0.9), (last, 61, 3, 0.5)],
    )
    october = period_events(
        uuid.uuid4(),
        date(2026, 10, 1),
        date(2026, 10, 31),
        [(leader_a, 93, 1, 0.96), (runner_up, 89, 2, 0.91), (last, 70, 3, 0.8)],
    )
    # The summary first, the scorecards after it: the order between the two consumers is not guaranteed.
    october = [october[-1], *october[:-1]]

    async with running(app):
        await app.state.consumer.ready.wait()
        connection = await nats.connect(nats_server.url)
        js = connection.jetstream()
        for event in [*september, *october]:
            envelope = Envelope.wrap(event, time=datetime.now(UTC))
            ack = await js.publish(
                event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id}
            )
            assert ack.stream == "CALLCENTER_PERFORMANCE"
        await connection.close()

        async def most_improved() -> list[Grant]:
            async with app.state.session_factory() as session:
                rows = await session.scalars(
                    select(Grant)
                    .join(Award, Award.id == Grant.award_id)
                    .where(Award.code == "most_improved", Grant.period_start == date(2026, 10, 1))
                )
                return list(rows.all())

        improved = await eventually(most_improved)
        assert {g.recipient_id for g in improved} == {last.id}
        assert {g.evidence["scope"] for g in improved} == {"team", "center"}
        assert improved[0].evidence["previous_attainment"] == 0.5
        assert improved[0].evidence["rank_in_team"] == 3

        async def granted_events_published() -> bool:
            async with app.state.session_factory() as session:
                rows = (
                    await session.execute(
                        select(outbox.c.published_at).where(
                            outbox.c.subject == "callcenter.recognition.award.granted.v1"
                        )
                    )
                ).all()
            return len(rows) >= 2 and all(row.published_at is not None for row in rows)

        await eventually(granted_events_published)
    await app.state.engine.dispose()
