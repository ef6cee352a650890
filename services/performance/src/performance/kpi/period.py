"""KPI periods: opening with frozen definitions, and the close that aggregates in SQL (PRF-3, PRF-8)."""

from __future__ import annotations

import calendar
import typing
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Float, Table, and_, case, cast, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.performance import AgentPeriodScorecardClosedV1, KpiPeriodClosedV1, KpiResult
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.org import org_employee
from callcenter_shared.paging import paginate
from performance import access
from performance.coaching import service as coaching
from performance.kpi.attainment import capped_attainment_sql
from performance.kpi.definition import FORMULA_FIELDS, list_definitions
from performance.kpi.models import (
    AgentPeriodKpi,
    AgentPeriodResult,
    KpiKind,
    KpiPeriod,
    PeriodKpi,
    PeriodStatus,
    RawMetric,
)
from performance.kpi.schemas import PeriodCreate
from performance.policy import Policy

RAW = typing.cast(Table, RawMetric.__table__)
KPI_ROWS = typing.cast(Table, AgentPeriodKpi.__table__)
RESULTS = typing.cast(Table, AgentPeriodResult.__table__)


class PeriodClosed(RuleViolation):
    rule = "PRF-3"


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise InvalidInput(t("'{month}' is not a month.", month=month))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


async def open_period(session: AsyncSession, *, principal: Principal, data: PeriodCreate, now: datetime) -> KpiPeriod:
    """Open a period and freeze the KPI definitions the agents are measured by (PRF-1)."""
    access.require_kpi_manager(principal)
    if data.month is not None:
        start, end = month_bounds(data.month)
    else:
        assert data.start_date is not None
        assert data.end_date is not None
        start, end = data.start_date, data.end_date
    overlapping = await session.scalar(
        select(KpiPeriod.id).where(KpiPeriod.start_date <= end, KpiPeriod.end_date >= start)
    )
    if overlapping:
        raise Conflict(t("Another period overlaps {start} .. {end}.", start=start, end=end))
    definitions = await list_definitions(session, active_only=True)
    if not definitions:
        raise InvalidInput(t("There is no active KPI definition to measure the period by."))
    period = KpiPeriod(
        id=uuid.uuid4(),
        start_date=start,
        end_date=end,
        status=PeriodStatus.open,
        opened_by=principal.employee_id,
        opened_at=now,
    )
    session.add(period)
    await session.flush()
    session.add_all(
        PeriodKpi(period_id=period.id, **{key: getattr(d, key) for key in FORMULA_FIELDS}) for d in definitions
    )
    await session.flush()
    return period


async def get_period(session: AsyncSession, period_id: uuid.UUID, *, lock: bool = False) -> KpiPeriod:
    """The period; with `lock`, locked until commit so that two closes cannot both find it open."""
    return await get_or_404(
        session, KpiPeriod, period_id, missing=t("Period {period_id} does not exist.", period_id=period_id), lock=lock
    )


async def list_periods(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[KpiPeriod], int]:
    return await paginate(session, select(KpiPeriod).order_by(KpiPeriod.start_date.desc()), limit=limit, offset=offset)


async def period_definitions(
    session: AsyncSession, period_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[Sequence[PeriodKpi], int]:
    await get_period(session, period_id)
    query = select(PeriodKpi).where(PeriodKpi.period_id == period_id).order_by(PeriodKpi.code)
    return await paginate(session, query, limit=limit, offset=offset)


def kpi_values(kpi: PeriodKpi, start: date, end: date) -> Select[Any]:
    """One row per agent with data: the KPI's value over the period, computed by GROUP BY."""
    m = RAW.c
    in_period = m.day.between(start, end)
    scale = literal(kpi.scale, Float)
    if kpi.kind == KpiKind.ratio:
        numerator = func.sum(case((m.metric == kpi.metric, m.value), else_=literal(0.0)))
        denominator = func.sum(case((m.metric == kpi.denominator_metric, m.value), else_=literal(0.0)))
        value: Any = scale * numerator / func.nullif(denominator, 0)
        metrics = [kpi.metric, kpi.denominator_metric]
    elif kpi.kind == KpiKind.average:
        value = scale * func.avg(m.value)
        metrics = [kpi.metric]
    elif kpi.kind == KpiKind.threshold:
        meets = m.value <= kpi.threshold if kpi.threshold_op == "le" else m.value >= kpi.threshold
        value = scale * func.sum(case((meets, literal(1.0)), else_=literal(0.0))) / func.count()
        metrics = [kpi.metric]
    else:
        value = func.sum(m.value)
        metrics = [kpi.metric]
    return select(m.agent_id, value.label("value")).where(in_period, m.metric.in_(metrics)).group_by(m.agent_id)


async def close_period(
    session: AsyncSession, *, principal: Principal, period_id: uuid.UUID, now: datetime, policy: Policy
) -> KpiPeriod:
    """Close a period: every agent's KPI values, attainments, composite and ranks, in SQL (PRF-3, PRF-8)."""
    access.require_kpi_manager(principal)
    period = await get_period(session, period_id, lock=True)
    if period.status == PeriodStatus.closed:
        raise PeriodClosed(
            t(
                "The period {start_date} .. {end_date} is closed and cannot change; record an adjustment "
                "with a reason instead.",
                start_date=period.start_date,
                end_date=period.end_date,
            )
        )
    if now.date() <= period.end_date:
        raise InvalidInput(
            t("The period runs until {end_date}; it can be closed from the day after.", end_date=period.end_date)
        )
    kpis = (await session.scalars(select(PeriodKpi).where(PeriodKpi.period_id == period.id))).all()
    m = RAW.c
    e = org_employee.c
    k = KPI_ROWS.c
    r = RESULTS.c
    cutoff = period.end_date - timedelta(days=policy.new_hire_days)
    new_hire = and_(e.hire_date.is_not(None), e.hire_date > cutoff)
    agents = select(m.agent_id).where(m.day.between(period.start_date, period.end_date)).distinct().subquery("agents")
    for kpi in kpis:
        values = kpi_values(kpi, period.start_date, period.end_date).subquery("v")
        target = case(
            (new_hire, func.coalesce(literal(kpi.new_hire_target, Float), literal(kpi.target, Float))),
            else_=literal(kpi.target, Float),
        )
        value: Any = values.c.value
        if kpi.kind == KpiKind.sum:  # no row means none happened: 0
            value = func.coalesce(values.c.value, literal(0.0))
        # Every agent of the period gets a row per KPI: a value of None says "no data".
        source = (
            select(agents.c.agent_id, value.label("value"))
            .select_from(agents.outerjoin(values, values.c.agent_id == agents.c.agent_id))
            .subquery("s")
        )
        rows = select(
            literal(period.id).label("period_id"),
            source.c.agent_id,
            literal(kpi.code).label("kpi_code"),
            source.c.value,
            target.label("target"),
            literal(kpi.weight, Float).label("weight"),
        ).select_from(source.outerjoin(org_employee, e.id == source.c.agent_id))
        await session.execute(
            insert(KPI_ROWS).from_select(["period_id", "agent_id", "kpi_code", "value", "target", "weight"], rows)
        )
        await session.execute(
            update(KPI_ROWS)
            .where(k.period_id == period.id, k.kpi_code == kpi.code, k.value.is_not(None))
            .values(attainment=capped_attainment_sql(kpi.direction, k.value, k.target, policy.attainment_cap))
        )
    composite = literal(100.0) * func.sum(k.weight * k.attainment) / func.sum(k.weight)
    results = (
        select(
            k.period_id,
            k.agent_id,
            e.team_id,
            cast(case((new_hire, True), else_=False), Boolean).label("new_hire"),
            composite.label("composite"),
            literal(0).label("rank_in_team"),
            literal(0).label("rank_in_center"),
        )
        .select_from(KPI_ROWS.outerjoin(org_employee, e.id == k.agent_id))
        .where(k.period_id == period.id, k.attainment.is_not(None))
        .group_by(k.period_id, k.agent_id, e.team_id, e.hire_date)
    )
    await session.execute(
        insert(RESULTS).from_select(
            ["period_id", "agent_id", "team_id", "new_hire", "composite", "rank_in_team", "rank_in_center"], results
        )
    )
    ranks = (
        select(
            r.agent_id,
            func.rank().over(partition_by=r.team_id, order_by=r.composite.desc()).label("in_team"),
            func.rank().over(order_by=r.composite.desc()).label("in_center"),
        )
        .where(r.period_id == period.id)
        .subquery("ranks")
    )
    await session.execute(
        update(RESULTS)
        .where(r.period_id == period.id, r.agent_id == ranks.c.agent_id)
        .values(rank_in_team=ranks.c.in_team, rank_in_center=ranks.c.in_center)
    )
    count = await session.scalar(select(func.count()).select_from(AgentPeriodResult).where(r.period_id == period.id))
    period.status = PeriodStatus.closed
    period.closed_at = now
    period.closed_by = principal.employee_id
    period.agent_count = int(count or 0)
    await session.flush()
    await _publish_close(session, period, now)
    await coaching.open_for_falling_trends(session, period=period, now=now, periods=policy.trend_periods)
    return period


async def _publish_close(session: AsyncSession, period: KpiPeriod, now: datetime) -> None:
    """One scorecard event per agent (written in one multi-row insert), then the summary."""
    k = KPI_ROWS.c
    r = RESULTS.c
    kpis: dict[uuid.UUID, list[KpiResult]] = defaultdict(list)
    for row in await session.execute(
        select(k.agent_id, k.kpi_code, k.value, k.attainment).where(k.period_id == period.id).order_by(k.kpi_code)
    ):
        kpis[row.agent_id].append(KpiResult(kpi_code=row.kpi_code, value=row.value, attainment=row.attainment))
    scorecards = [
        AgentPeriodScorecardClosedV1(
            period_id=period.id,
            period_start=period.start_date,
            period_end=period.end_date,
            agent_id=row.agent_id,
            team_id=row.team_id,
            composite=round(row.composite, 4),
            rank_in_team=row.rank_in_team,
            rank_in_center=row.rank_in_center,
            new_hire=bool(row.new_hire),
            kpis=kpis[row.agent_id],
        )
        for row in await session.execute(select(RESULTS).where(r.period_id == period.id).order_by(r.rank_in_center))
    ]
    await outbox.add_many(session, scorecards, at=now)
    await outbox.add(
        session,
        KpiPeriodClosedV1(
            period_id=period.id,
            period_start=period.start_date,
            period_end=period.end_date,
            agent_count=period.agent_count or 0,
            closed_at=now,
        ),
        at=now,
    )
