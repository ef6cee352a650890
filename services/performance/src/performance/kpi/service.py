"""KPI use cases: definitions (PRF-1), periods and their close (PRF-3, PRF-8), bonus (PRF-4),
adjustments, and leaders' bonus points (PRF-5). The close aggregates in SQL."""

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
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.contracts.performance import AgentPeriodScorecardClosedV1, KpiPeriodClosedV1, KpiResult
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.org import can_see, get_person, org_employee, visible_employee_ids
from performance.coaching import service as coaching
from performance.kpi.models import (
    AgentPeriodKpi,
    AgentPeriodResult,
    BonusPoint,
    KpiDefinition,
    KpiPeriod,
    PeriodAdjustment,
    PeriodKpi,
    RawMetric,
)
from performance.kpi.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    BonusComputation,
    BonusPointCreate,
    BonusPointRead,
    KpiCreate,
    KpiResultRead,
    KpiUpdate,
    NewHireKpi,
    NewHireRead,
    PeriodCreate,
    ScorecardRead,
    TeamBonusPoints,
)
from performance.policy import Policy

RAW = typing.cast(Table, RawMetric.__table__)
KPI_ROWS = typing.cast(Table, AgentPeriodKpi.__table__)
RESULTS = typing.cast(Table, AgentPeriodResult.__table__)

FORMULA_FIELDS = (
    "code",
    "name",
    "description",
    "kind",
    "metric",
    "denominator_metric",
    "scale",
    "threshold",
    "threshold_op",
    "direction",
    "target",
    "new_hire_target",
    "weight",
)


class PeriodClosed(RuleViolation):
    rule = "PRF-3"


class BonusReasonMissing(RuleViolation):
    rule = "PRF-5"


def require_manager(principal: Principal) -> None:
    if principal.level < 3:
        raise Forbidden("Only level 3 and above manage KPI definitions, periods and corrections.")


# Definitions (PRF-1)


async def list_definitions(
    session: AsyncSession, *, active_only: bool, limit: int | None = None, offset: int = 0
) -> Sequence[KpiDefinition]:
    """The definitions by code; all of them unless a page is asked for."""
    query = select(KpiDefinition).order_by(KpiDefinition.code).limit(limit).offset(offset)
    if active_only:
        query = query.where(KpiDefinition.active.is_(True))
    return (await session.scalars(query)).all()


async def create_definition(
    session: AsyncSession, *, principal: Principal, data: KpiCreate, now: datetime
) -> KpiDefinition:
    require_manager(principal)
    if await session.scalar(select(KpiDefinition.id).where(KpiDefinition.code == data.code)):
        raise Conflict(f"A KPI with code '{data.code}' exists already.")
    definition = KpiDefinition(id=uuid.uuid4(), active=True, version=1, updated_at=now, **data.model_dump())
    session.add(definition)
    await session.flush()
    return definition


async def update_definition(
    session: AsyncSession,
    *,
    principal: Principal,
    code: str,
    data: KpiUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> KpiDefinition:
    """Change a definition; periods already opened keep the version their agents were told (PRF-1)."""
    require_manager(principal)
    # Locked, so concurrent changes apply one after another, each on the one before.
    definition = await session.scalar(
        select(KpiDefinition)
        .where(KpiDefinition.code == code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if definition is None:
        raise NotFound(f"KPI '{code}' does not exist.")
    check(if_match, definition.version, f"KPI {code}")
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(definition, key, value)
    definition.version += 1
    definition.updated_at = now
    await session.flush()
    return definition


# Periods


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise InvalidInput(f"'{month}' is not a month.")
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


async def open_period(session: AsyncSession, *, principal: Principal, data: PeriodCreate, now: datetime) -> KpiPeriod:
    """Open a period and freeze the KPI definitions the agents are measured by (PRF-1)."""
    require_manager(principal)
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
        raise Conflict(f"Another period overlaps {start} .. {end}.")
    definitions = await list_definitions(session, active_only=True)
    if not definitions:
        raise InvalidInput("There is no active KPI definition to measure the period by.")
    period = KpiPeriod(
        id=uuid.uuid4(), start_date=start, end_date=end, status="open", opened_by=principal.employee_id, opened_at=now
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
    period = await session.get(KpiPeriod, period_id, with_for_update=lock, populate_existing=lock)
    if period is None:
        raise NotFound(f"Period {period_id} does not exist.")
    return period


async def list_periods(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[KpiPeriod], int]:
    total = await session.scalar(select(func.count()).select_from(KpiPeriod))
    rows = await session.scalars(select(KpiPeriod).order_by(KpiPeriod.start_date.desc()).limit(limit).offset(offset))
    return rows.all(), int(total or 0)


async def period_definitions(
    session: AsyncSession, period_id: uuid.UUID, *, limit: int, offset: int
) -> Sequence[PeriodKpi]:
    await get_period(session, period_id)
    query = select(PeriodKpi).where(PeriodKpi.period_id == period_id).order_by(PeriodKpi.code)
    return (await session.scalars(query.limit(limit).offset(offset))).all()


def _kpi_values(kpi: PeriodKpi, start: date, end: date) -> Select[Any]:
    """One row per agent with data: the KPI's value over the period, computed by GROUP BY."""
    m = RAW.c
    in_period = m.day.between(start, end)
    scale = literal(kpi.scale, Float)
    if kpi.kind == "ratio":
        numerator = func.sum(case((m.metric == kpi.metric, m.value), else_=literal(0.0)))
        denominator = func.sum(case((m.metric == kpi.denominator_metric, m.value), else_=literal(0.0)))
        value: Any = scale * numerator / func.nullif(denominator, 0)
        metrics = [kpi.metric, kpi.denominator_metric]
    elif kpi.kind == "average":
        value = scale * func.avg(m.value)
        metrics = [kpi.metric]
    elif kpi.kind == "threshold":
        meets = m.value <= kpi.threshold if kpi.threshold_op == "le" else m.value >= kpi.threshold
        value = scale * func.sum(case((meets, literal(1.0)), else_=literal(0.0))) / func.count()
        metrics = [kpi.metric]
    else:
        value = func.sum(m.value)
        metrics = [kpi.metric]
    return select(m.agent_id, value.label("value")).where(in_period, m.metric.in_(metrics)).group_by(m.agent_id)


def _attainment(kpi: PeriodKpi, cap: float) -> Any:
    k = KPI_ROWS.c
    cap_value = literal(cap, Float)
    if kpi.direction == "higher":
        ratio = k.value / k.target
        return case((k.target <= 0, cap_value), (ratio > cap_value, cap_value), else_=ratio)
    ratio = k.target / k.value
    return case((k.value <= 0, cap_value), (ratio > cap_value, cap_value), else_=ratio)


async def close_period(
    session: AsyncSession, *, principal: Principal, period_id: uuid.UUID, now: datetime, policy: Policy
) -> KpiPeriod:
    """Close a period: every agent's KPI values, attainments, composite and ranks, in SQL (PRF-3, PRF-8)."""
    require_manager(principal)
    period = await get_period(session, period_id, lock=True)
    if period.status == "closed":
        raise PeriodClosed(
            f"The period {period.start_date} .. {period.end_date} is closed and cannot change; "
            "record an adjustment with a reason instead."
        )
    if now.date() <= period.end_date:
        raise InvalidInput(f"The period runs until {period.end_date}; it can be closed from the day after.")
    kpis = (await session.scalars(select(PeriodKpi).where(PeriodKpi.period_id == period.id))).all()
    m = RAW.c
    e = org_employee.c
    k = KPI_ROWS.c
    r = RESULTS.c
    cutoff = period.end_date - timedelta(days=policy.new_hire_days)
    new_hire = and_(e.hire_date.is_not(None), e.hire_date > cutoff)
    agents = select(m.agent_id).where(m.day.between(period.start_date, period.end_date)).distinct().subquery("agents")
    for kpi in kpis:
        values = _kpi_values(kpi, period.start_date, period.end_date).subquery("v")
        target = case(
            (new_hire, func.coalesce(literal(kpi.new_hire_target, Float), literal(kpi.target, Float))),
            else_=literal(kpi.target, Float),
        )
        value: Any = values.c.value
        if kpi.kind == "sum":  # no row means none happened: 0
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
            .values(attainment=_attainment(kpi, policy.attainment_cap))
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
    period.status = "closed"
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


# Scorecards, bonus (PRF-4) and adjustments


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
) -> list[ScorecardRead]:
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
            ScorecardRead(
                period_id=result.period_id,
                agent_id=result.agent_id,
                team_id=result.team_id,
                new_hire=result.new_hire,
                composite=round(result.composite, 4),
                rank_in_team=result.rank_in_team,
                rank_in_center=result.rank_in_center,
                kpis=[
                    KpiResultRead(
                        kpi_code=x.kpi_code, value=x.value, target=x.target, weight=x.weight, attainment=x.attainment
                    )
                    for x in kpis[result.agent_id]
                ],
                adjustments=[AdjustmentRead.model_validate(a) for a in adjustments[result.agent_id]],
                adjusted_composite=round(adjusted, 4),
                bonus=bonus(adjusted, policy),
            )
        )
    return cards


async def read_scorecard(
    session: AsyncSession, *, principal: Principal, period_id: uuid.UUID, agent_id: uuid.UUID, policy: Policy
) -> ScorecardRead:
    """An agent sees only their own scorecard, a leader their team's, L3+ everyone's."""
    if not await can_see(session, principal, agent_id):
        raise Forbidden("You may see only your own scorecard, or those of agents in your span.")
    period = await get_period(session, period_id)
    result = await session.get(AgentPeriodResult, (period.id, agent_id))
    if result is None:
        raise NotFound(f"No closed scorecard for agent {agent_id} in this period.")
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
) -> tuple[list[ScorecardRead], int]:
    await get_period(session, period_id)
    query = select(AgentPeriodResult).where(AgentPeriodResult.period_id == period_id)
    visible = await visible_employee_ids(session, principal)
    if visible is not None:
        query = query.where(AgentPeriodResult.agent_id.in_(visible))
    if team_id is not None:
        query = query.where(AgentPeriodResult.team_id == team_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(AgentPeriodResult.rank_in_center, AgentPeriodResult.agent_id).limit(limit).offset(offset)
    )
    return await _scorecards(session, rows.all(), policy), int(total or 0)


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
    require_manager(principal)
    period = await get_period(session, period_id)
    if period.status != "closed":
        raise InvalidInput("An open period needs no adjustment: send the corrected metrics before closing it.")
    if await session.get(AgentPeriodResult, (period.id, agent_id)) is None:
        raise NotFound(f"No closed scorecard for agent {agent_id} in this period.")
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


# Leaders' bonus points (PRF-5)


async def give_bonus_points(
    session: AsyncSession, *, principal: Principal, data: BonusPointCreate, now: datetime, policy: Policy
) -> BonusPoint:
    """A team leader scores a member for a month; the reason is mandatory (PRF-5)."""
    month, _ = month_bounds(data.month)
    agent = await get_person(session, data.agent_id)
    if agent.team_id is None or agent.level != 1:
        raise InvalidInput("Bonus points go to agents who belong to a team.")
    leads_team = principal.level == 2 and principal.team_id == agent.team_id
    if not leads_team and agent.superior_id != principal.employee_id:
        raise Forbidden("Only the agent's team leader gives monthly bonus points.")
    if len(data.reason.strip()) < policy.min_reason_length:
        raise BonusReasonMissing(
            "Every bonus score needs its reason, why it is high or low, so members see the difference "
            f"(at least {policy.min_reason_length} characters)."
        )
    existing = await session.scalar(
        select(BonusPoint.id).where(BonusPoint.agent_id == agent.id, BonusPoint.month == month)
    )
    if existing:
        raise Conflict(f"The agent already has bonus points for {data.month}.")
    point = BonusPoint(
        id=uuid.uuid4(),
        agent_id=agent.id,
        team_id=agent.team_id,
        month=month,
        points=data.points,
        reason=data.reason.strip(),
        given_by=principal.employee_id,
        given_at=now,
    )
    session.add(point)
    await session.flush()
    return point


async def team_bonus_points(
    session: AsyncSession, *, principal: Principal, team_id: uuid.UUID, month: str
) -> TeamBonusPoints:
    """A team's points for a month; flagged when every member got identical points (PRF-5)."""
    if principal.level < 2 or (principal.level == 2 and principal.team_id != team_id):
        raise Forbidden("Only the team's leader and managers above see a team's bonus points.")
    first, _ = month_bounds(month)
    members = set(
        (
            await session.scalars(
                select(org_employee.c.id).where(
                    org_employee.c.team_id == team_id, org_employee.c.level == 1, org_employee.c.active.is_(True)
                )
            )
        ).all()
    )
    points = (
        await session.scalars(
            select(BonusPoint)
            .where(BonusPoint.team_id == team_id, BonusPoint.month == first)
            .order_by(BonusPoint.given_at)
        )
    ).all()
    scored = {p.agent_id for p in points}
    identical = len(members) > 1 and members <= scored and len({p.points for p in points}) == 1
    return TeamBonusPoints(
        team_id=team_id,
        month=first,
        members=len(members),
        scored=len(scored & members),
        points=[BonusPointRead.model_validate(p) for p in points],
        flagged=identical,
        rule="PRF-5" if identical else None,
        detail=(
            f"Every member got {points[0].points:g} points: identical scores for a whole team are egalitarianism; "
            "score each member by their own performance."
        )
        if identical
        else None,
    )


# New hires (PRF-8)


def _attainment_value(direction: str, value: float, target: float, cap: float) -> float:
    if direction == "higher":
        return cap if target <= 0 else min(value / target, cap)
    return cap if value <= 0 else min(target / value, cap)


async def new_hires(
    session: AsyncSession, *, principal: Principal, as_of: date, policy: Policy, limit: int, offset: int
) -> list[NewHireRead]:
    """Agents within their first days (PRF-8), with this month's KPIs so far against new-hire targets."""
    e = org_employee.c
    query = (
        select(org_employee)
        .where(
            e.level == 1,
            e.active.is_(True),
            e.hire_date.is_not(None),
            e.hire_date <= as_of,
            e.hire_date > as_of - timedelta(days=policy.new_hire_days),
        )
        .order_by(e.hire_date.desc(), e.name, e.id)
        .limit(limit)
        .offset(offset)
    )
    visible = await visible_employee_ids(session, principal)
    if visible is not None:
        query = query.where(e.id.in_(visible))
    people = (await session.execute(query)).all()
    if not people:
        return []
    ids = [p.id for p in people]
    month_start = as_of.replace(day=1)
    values: dict[tuple[uuid.UUID, str], float | None] = {}
    definitions = await list_definitions(session, active_only=True)
    for definition in definitions:
        kpi = PeriodKpi(**{key: getattr(definition, key) for key in FORMULA_FIELDS})
        computed = _kpi_values(kpi, month_start, as_of).where(RAW.c.agent_id.in_(ids))
        for agent_id, value in (await session.execute(computed)).all():
            values[(agent_id, kpi.code)] = value
    result = []
    for person in people:
        kpis = []
        for d in definitions:
            value = values.get((person.id, d.code), 0.0 if d.kind == "sum" else None)
            target = d.new_hire_target if d.new_hire_target is not None else d.target
            kpis.append(
                NewHireKpi(
                    kpi_code=d.code,
                    value=value,
                    new_hire_target=target,
                    veteran_target=d.target,
                    attainment=None
                    if value is None
                    else _attainment_value(d.direction, value, target, policy.attainment_cap),
                )
            )
        result.append(
            NewHireRead(
                agent_id=person.id,
                name=person.name,
                team_id=person.team_id,
                hire_date=person.hire_date,
                days_since_hire=(as_of - person.hire_date).days,
                tracked_until=person.hire_date + timedelta(days=policy.new_hire_days - 1),
                month_start=month_start,
                kpis=kpis,
            )
        )
    return result
