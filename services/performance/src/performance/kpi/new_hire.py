"""New hires' KPIs so far this month, against the new-hire targets (PRF-8)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.levels import Level
from callcenter_shared.org import org_employee
from callcenter_shared.paging import count_rows
from performance import access
from performance.kpi.attainment import capped_attainment
from performance.kpi.definition import FORMULA_FIELDS, list_definitions
from performance.kpi.models import KpiKind, PeriodKpi
from performance.kpi.period import RAW, kpi_values
from performance.kpi.schemas import NewHireKpi, NewHireRead
from performance.policy import Policy


async def new_hires(
    session: AsyncSession, *, principal: Principal, as_of: date, policy: Policy, limit: int, offset: int
) -> tuple[list[NewHireRead], int]:
    """Agents within their first days (PRF-8), with this month's KPIs so far against new-hire targets."""
    e = org_employee.c
    query = (
        select(org_employee)
        .where(
            e.level == Level.AGENT,
            e.active.is_(True),
            e.hire_date.is_not(None),
            e.hire_date <= as_of,
            e.hire_date > as_of - timedelta(days=policy.new_hire_days),
        )
        .order_by(e.hire_date.desc(), e.name, e.id)
    )
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(e.id.in_(visible))
    total = await count_rows(session, query)
    people = (await session.execute(query.limit(limit).offset(offset))).all()
    if not people:
        return [], total
    ids = [p.id for p in people]
    month_start = as_of.replace(day=1)
    values: dict[tuple[uuid.UUID, str], float | None] = {}
    definitions = await list_definitions(session, active_only=True)
    for definition in definitions:
        kpi = PeriodKpi(**{key: getattr(definition, key) for key in FORMULA_FIELDS})
        computed = kpi_values(kpi, month_start, as_of).where(RAW.c.agent_id.in_(ids))
        for agent_id, value in (await session.execute(computed)).all():
            values[(agent_id, kpi.code)] = value
    result = []
    for person in people:
        kpis = []
        for d in definitions:
            value = values.get((person.id, d.code), 0.0 if d.kind == KpiKind.sum else None)
            target = d.new_hire_target if d.new_hire_target is not None else d.target
            kpis.append(
                NewHireKpi(
                    kpi_code=d.code,
                    value=value,
                    new_hire_target=target,
                    veteran_target=d.target,
                    attainment=None
                    if value is None
                    else capped_attainment(d.direction, value, target, policy.attainment_cap),
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
    return result, total
