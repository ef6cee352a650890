"""PRF-7a end to end over a real NATS server: complaint events in, flag and event out."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import nats
from sqlalchemy import select

from callcenter_shared.clock import FrozenClock
from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.streams import ensure_stream
from callcenter_shared.tables import outbox
from callcenter_testing import NatsServer, TestDatabases, eventually, running, seed_person
from performance.main import create_app
from performance.review.models import Review
from performance.settings import Settings


async def test_three_complaint_events_over_nats_flag_the_agent_PRF_7a(
    test_databases: TestDatabases,
    nats_server: NatsServer,
    clock: FrozenClock,
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory(
        await test_databases.fresh("performance"),
        nats_url=nats_server.url,
        relay_enabled=True,
        consumer_enabled=True,
        worker_poll_seconds=0.05,
    )
    app = create_app(settings, clock=clock)
    async with app.state.session_factory() as s:
        agent_id = await seed_person(s, level=1, team_id=uuid.uuid4())
        await s.commit()

    connection = await nats.connect(nats_server.url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "escalation")
        async with running(app):
            for day in (2, 11, 25):
                event = ComplaintAttributedV1(
                    case_id=uuid.uuid4(), agent_id=agent_id, verified_by=uuid.uuid4(), category="attitude",
                    complaint_date=date(2026, 10, day), attributed_at=datetime(2026, 10, day, 12, tzinfo=UTC),
                )  # fmt: skip
                envelope = Envelope.wrap(event, time=event.attributed_at)
                await js.publish(
                    event.subject, envelope.model_dump_json().encode(), headers={"Nats-Msg-Id": envelope.id}
                )

            async def flagged() -> Any:
                async with app.state.session_factory() as s:
                    review = await s.scalar(select(Review).where(Review.agent_id == agent_id))
                    payloads = (
                        await s.scalars(
                            select(outbox.c.payload).where(
                                outbox.c.subject == "callcenter.performance.review.flagged.v1"
                            )
                        )
                    ).all()
                    return (review, payloads) if review is not None and payloads else None

            review, payloads = await eventually(flagged)
            assert review.rule == "PRF-7a"
            assert "3 verified complaints in 2026-10" in review.evidence
            [payload] = payloads
            data = Envelope.model_validate_json(payload).data
            assert data["agent_id"] == str(agent_id)
            assert data["rule"] == "PRF-7a"

            # The relay publishes the flag to JetStream as well.
            sub = await js.pull_subscribe("callcenter.performance.review.flagged.v1", durable="check")

            async def on_stream() -> Any:
                try:
                    return await sub.fetch(1, timeout=0.5)
                except TimeoutError:
                    return None

            [message] = await eventually(on_stream)
            assert Envelope.model_validate_json(message.data).data["rule"] == "PRF-7a"
    finally:
        await connection.close()
        await app.state.engine.dispose()
