"""A shirk recorded in escalation is a discipline violation that counts toward PRF-7d (PRF-10)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from callcenter_shared.contracts.escalation import CaseShirkedV1
from callcenter_shared.contracts.scheduling import HandoverLateV1
from callcenter_shared.envelope import Envelope
from performance.review.models import Review, Violation
from performance.subscriptions import subscriptions


async def deliver(app: FastAPI, event: Any) -> None:
    """Hand an event to the service's registered handler, as the consumer does."""
    handler = subscriptions(app.state.settings)[type(event)]
    async with app.state.session_factory() as s:
        await handler(s, event, Envelope.wrap(event, time=datetime(2026, 11, 2, 9, tzinfo=UTC)))
        await s.commit()


def shirk(person: Any, at: datetime, attempt: str = "handoff") -> CaseShirkedV1:
    return CaseShirkedV1(
        case_id=uuid.uuid4(), number="C-2026-0042", employee_id=person.id, attempt=attempt,
        reason="Not my product line", shirked_at=at,
    )  # fmt: skip


async def violations(app: FastAPI, person: Any) -> list[Violation]:
    async with app.state.session_factory() as s:
        rows = await s.scalars(
            select(Violation).where(Violation.employee_id == person.id).order_by(Violation.occurred_on)
        )
        return list(rows.all())


async def reviews(app: FastAPI, person: Any) -> list[Review]:
    async with app.state.session_factory() as s:
        return list((await s.scalars(select(Review).where(Review.agent_id == person.id))).all())


async def test_a_shirk_is_a_discipline_violation_on_its_local_day_recorded_once_PRF_10(app: FastAPI, org: Any) -> None:
    team = await org.team(agents=1)
    agent = team.agents[0]
    # 2026-10-31 17:30 UTC is 2026-11-01 01:30 in Shanghai: a November violation.
    event = shirk(agent, datetime(2026, 10, 31, 17, 30, tzinfo=UTC), attempt="reject")
    await deliver(app, event)
    await deliver(app, event)  # told twice: counted once
    [violation] = await violations(app, agent)
    assert violation.kind == "case_shirked"
    assert str(violation.occurred_on) == "2026-11-01"
    assert violation.detail == "refused case C-2026-0042 (ESC-1): Not my product line"


async def test_shirks_count_with_lateness_toward_the_bottom_rank_review_PRF_10_PRF_7d(app: FastAPI, org: Any) -> None:
    team = await org.team(agents=1)
    agent = team.agents[0]
    await deliver(app, shirk(agent, datetime(2026, 10, 5, 3, tzinfo=UTC)))
    await deliver(
        app,
        HandoverLateV1(
            handover_id=uuid.uuid4(), employee_id=agent.id, team_id=agent.team_id,
            shift_starts_at=datetime(2026, 10, 9, tzinfo=UTC), checked_in_at=datetime(2026, 10, 9, 0, 20, tzinfo=UTC),
            minutes_late=5,
        ),
    )  # fmt: skip
    assert await reviews(app, agent) == []
    await deliver(app, shirk(agent, datetime(2026, 10, 20, 3, tzinfo=UTC)))
    [review] = await reviews(app, agent)
    assert review.rule == "PRF-7d"
    assert review.evidence.count("case_shirked") == 2
    assert "handover_late" in review.evidence
