"""Closed KPI scorecards with the bonus (PRF-4), their adjustments (PRF-3), and the raw metrics read back."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Forbidden, InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.paging import paginate
from performance import access
from performance.kpi.models import AgentPeriodKpi, AgentPeriodResult, PeriodAdjustment, PeriodStatus, RawMetric
from performance.kpi.period import get_period
from performance.kpi.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    AgentScorecardRead,
    BonusComputation,
    KpiResultRead,
)
from performance.policy import Policy


def bonus(composite: float, policy: Policy) -> BonusComputation:
    """PRF-4: the percentage by which the composite exceeds the standard, capped; nothing below it."""
    excess = (composite / policy.bonus_standard - 1.0) * 100.0
    paid = min(max(excess, 0.0), policy.bonus_cap_percent)
    if excess <= 0:
        words = f"composite {composite:.2f} is not above the standard {policy.bonus_standard:g}: no bonus"
    elif excess > policy.bonus_cap_percent:
        words = (
            f"composite {composite:.2f} exceeds the standard {policy.bonus_standard:g} by {excess:.2f}%, "
            f"capped at {policy.bonus_cap_percent:g}%"
        )
    else:
        words = f"composite {composite:.2f} exceeds the standard {policy.bonus_standard:g} by {excess:.2f}%"
    return BonusComputation(
        composite=round(composite, 4),
        standard=policy.bonus_standard,
        excess_percent=round(excess, 4),
        cap_percent=policy.bonus_cap_percent,
        bonus_percent=round(paid, 4),
        explanation=words,
    )


async def _scorecards(
    session: AsyncSession, results: Sequence[AgentPeriodResult], policy: Policy
) -> list[AgentScorecardRead]:
    """Scorecards for one period's results, their KPIs and adjustments read in two queries."""
    if not results:
        return []
    period_id = results[0].period_id
    agent_ids = [r.agent_id for r in results]
    kpis: dict[uuid.UUID, list[AgentPeriodKpi]] = defaultdict(list)
    for row in await session.scalars(
        select(AgentPeriodKpi)
        .where(AgentPeriodKpi.period_id == period_id, AgentPeriodKpi.agent_id.in_(agent_ids))
        .order_by(AgentPeriodKpi.kpi_code)
    ):
        kpis[row.agent_id].append(row)
    adjustments: dict[uuid.UUID, list[PeriodAdjustment]] = defaultdict(list)
    for adjustment in await session.scalars(
        select(PeriodAdjustment)
        .where(PeriodAdjustment.period_id == period_id, PeriodAdjustment.agent_id.in_(agent_ids))
        .order_by(PeriodAdjustment.created_at)
    ):
        adjustments[adjustment.agent_id].append(adjustment)
    cards = []
    for result in results:
        adjusted = result.composite + sum(a.composite_delta for a in adjustments[result.agent_id])
        cards.append(
            AgentScorecardRead(
                period_id=result.period_id,
                agent_id=result.agent_id,
                team_id=result.team_id,
                new_hire=result.new_hire,
                composite=round(result.composite, 4),
                rank_in_team=result.rank_in_team,
                rank_in_center=result.rank_in_center,
                kpis=[KpiResultRead.model_validate(x) for x in kpis[result.agent_id]],
                adjustments=[AdjustmentRead.model_validate(a) for a in adjustments[result.agent_id]],
                adjusted_composite=round(adjusted, 4),
                bonus=bonus(adjusted, policy),
            )
        )
    return cards


async def read_scorecard(
    session: AsyncSession, *, principal: Principal, period_id: uuid.UUID, agent_id: uuid.UUID, policy: Policy
) -> AgentScorecardRead:
    """An agent sees only their own scorecard, a leader their team's, L3+ everyone's."""
    if not await access.can_see(session, principal, agent_id):
        raise Forbidden(t("You may see only your own scorecard, or those of agents in your span."))
    period = await get_period(session, period_id)
    result = await get_or_404(
        session,
        AgentPeriodResult,
        (period.id, agent_id),
        missing=t("No closed scorecard for agent {agent_id} in this period.", agent_id=agent_id),
    )
    [card] = await _scorecards(session, [result], policy)
    return card


async def list_scorecards(
    session: AsyncSession,
    *,
    principal: Principal,
    period_id: uuid.UUID,
    team_id: uuid.UUID | None,
    limit: int,
    offset: int,
    policy: Policy,
) -> tuple[list[AgentScorecardRead], int]:
    await get_period(session, period_id)
    query = select(AgentPeriodResult).where(AgentPeriodResult.period_id == period_id)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(AgentPeriodResult.agent_id.in_(visible))
    if team_id is not None:
        query = query.where(AgentPeriodResult.team_id == team_id)
    query = query.order_by(AgentPeriodResult.rank_in_center, AgentPeriodResult.agent_id)
    rows, total = await paginate(session, query, limit=limit, offset=offset)
    return await _scorecards(session, rows, policy), total


async def adjust(
    session: AsyncSession,
    *,
    principal: Principal,
    period_id: uuid.UUID,
    agent_id: uuid.UUID,
    data: AdjustmentCreate,
    now: datetime,
) -> PeriodAdjustment:
    """Correct a closed scorecard by a new adjustment with a reason; the closed numbers stay (PRF-3)."""
    access.require_kpi_manager(principal)
    period = await get_period(session, period_id)
    if period.status != PeriodStatus.closed:
        raise InvalidInput(t("An open period needs no adjustment: send the corrected metrics before closing it."))
    await get_or_404(
        session,
        AgentPeriodResult,
        (period.id, agent_id),
        missing=t("No closed scorecard for agent {agent_id} in this period.", agent_id=agent_id),
    )
    adjustment = PeriodAdjustment(
        id=uuid.uuid4(),
        period_id=period.id,
        agent_id=agent_id,
        created_by=principal.employee_id,
        created_at=now,
        **data.model_dump(),
    )
    session.add(adjustment)
    await session.flush()
    return adjustment


async def list_metrics(
    session: AsyncSession,
    *,
    principal: Principal,
    agent_id: uuid.UUID | None,
    day_from: date | None,
    day_to: date | None,
    metric: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[RawMetric], int]:
    """Raw metrics by day, agent and metric, of the people the caller may see (agents: their own), and the total."""
    query = select(RawMetric)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(RawMetric.agent_id.in_(visible))
    if agent_id is not None:
        query = query.where(RawMetric.agent_id == agent_id)
    if day_from is not None:
        query = query.where(RawMetric.day >= day_from)
    if day_to is not None:
        query = query.where(RawMetric.day <= day_to)
    if metric is not None:
        query = query.where(RawMetric.metric == metric)
    return await paginate(
        session, query.order_by(RawMetric.day, RawMetric.agent_id, RawMetric.metric), limit=limit, offset=offset
    )
