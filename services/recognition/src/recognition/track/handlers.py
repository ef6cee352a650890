"""Performance events that feed the award tracks (REC-3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.performance import (
    AgentPeriodScorecardClosedV1,
    KpiPeriodClosedV1,
    QaEvaluationFinalizedV1,
)
from callcenter_shared.envelope import Envelope
from recognition.track import service


async def on_agent_period_scorecard_closed(
    session: AsyncSession, event: AgentPeriodScorecardClosedV1, _envelope: Envelope
) -> None:
    await service.record_scorecard(session, event)


async def on_kpi_period_closed(session: AsyncSession, event: KpiPeriodClosedV1, _envelope: Envelope) -> None:
    await service.record_period_closed(session, event)


async def on_qa_evaluation_finalized(
    session: AsyncSession, event: QaEvaluationFinalizedV1, _envelope: Envelope
) -> None:
    await service.record_qa(session, event)
