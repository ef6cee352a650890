"""Performance interviews and coaching (PRF-6): goals, follow-ups, and items opened for falling trends."""

from __future__ import annotations

import typing
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.performance import CoachingItemCreatedV1
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, Forbidden, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person, org_employee, org_team
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from performance import access
from performance.coaching.models import Coaching, CoachingFollowUp, CoachingStatus
from performance.coaching.schemas import CoachingCreate, CoachingRead, FollowUpCreate, FollowUpRead
from performance.kpi.models import AgentPeriodResult, KpiPeriod, PeriodStatus


def to_read(item: Coaching) -> CoachingRead:
    return CoachingRead(
        id=item.id,
        agent_id=item.agent_id,
        leader_id=item.leader_id,
        origin=item.origin,
        status=item.status,
        goals=[goal for goal in item.goals.split("\n") if goal],
        notes=item.notes,
        follow_up_due=item.follow_up_due,
        period_id=item.period_id,
        created_at=item.created_at,
        completed_at=item.completed_at,
        follow_ups=[FollowUpRead.model_validate(f) for f in item.follow_ups],
    )


async def _publish(session: AsyncSession, item: Coaching, now: datetime) -> None:
    await outbox.add(
        session,
        CoachingItemCreatedV1(
            coaching_id=item.id,
            agent_id=item.agent_id,
            leader_id=item.leader_id,
            origin=item.origin,
            follow_up_due=item.follow_up_due,
            created_at=now,
        ),
        at=now,
    )


async def record(session: AsyncSession, *, principal: Principal, data: CoachingCreate, now: datetime) -> Coaching:
    """Record a performance interview with goals and a follow-up date (PRF-6)."""
    access.require_coach(principal, data.agent_id)
    await get_person(session, data.agent_id)
    if not await access.can_see(session, principal, data.agent_id):
        raise Forbidden(t("You may coach only agents in your span."))
    goals = [goal.strip().replace("\n", " ") for goal in data.goals if goal.strip()]
    item = Coaching(
        id=uuid.uuid4(),
        agent_id=data.agent_id,
        leader_id=principal.employee_id,
        origin="interview",
        status=CoachingStatus.open,
        goals="\n".join(goals),
        notes=data.notes,
        follow_up_due=data.follow_up_due,
        created_by=principal.employee_id,
        created_at=now,
        follow_ups=[],
    )
    session.add(item)
    await session.flush()
    await _publish(session, item, now)
    return item


async def get(session: AsyncSession, *, principal: Principal, coaching_id: uuid.UUID, lock: bool = False) -> Coaching:
    """The item if the caller may see it; with `lock`, locked until commit so a closed item stays closed."""
    missing = t("Coaching record {coaching_id} does not exist.", coaching_id=coaching_id)
    item = await get_or_404(session, Coaching, coaching_id, missing=missing, lock=lock)
    if not await access.can_see(session, principal, item.agent_id):
        raise NotFound(missing)
    return item


async def follow_up(
    session: AsyncSession, *, principal: Principal, coaching_id: uuid.UUID, data: FollowUpCreate, now: datetime
) -> Coaching:
    item = await get(session, principal=principal, coaching_id=coaching_id, lock=True)
    access.require_follow_up_recorder(principal)
    if item.status == CoachingStatus.done:
        raise Conflict(t("The coaching item is closed."))
    item.follow_ups.append(
        CoachingFollowUp(id=uuid.uuid4(), note=data.note, by=principal.employee_id, at=now, next_due=data.next_due)
    )
    item.follow_up_due = data.next_due
    if data.next_due is None:
        item.status = CoachingStatus.done
        item.completed_at = now
    if item.leader_id is None:
        item.leader_id = principal.employee_id
    await session.flush()
    return item


async def list_items(
    session: AsyncSession,
    *,
    principal: Principal,
    agent_id: uuid.UUID | None,
    due_by: date | None,
    status: str | None,
    leader_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Coaching], int]:
    query = select(Coaching)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(Coaching.agent_id.in_(visible) | (Coaching.leader_id == principal.employee_id))
    if agent_id is not None:
        query = query.where(Coaching.agent_id == agent_id)
    if status is not None:
        query = query.where(Coaching.status == status)
    if due_by is not None:
        query = query.where(Coaching.status == CoachingStatus.open, Coaching.follow_up_due <= due_by)
    if leader_id is not None:
        query = query.where(Coaching.leader_id == leader_id)
    if team_id is not None:
        query = query.where(Coaching.agent_id.in_(select(org_employee.c.id).where(org_employee.c.team_id == team_id)))
    if created_from is not None:
        query = query.where(Coaching.created_at >= created_from)
    if created_before is not None:
        query = query.where(Coaching.created_at < created_before)
    sortable = {"created_at": Coaching.created_at, "follow_up_due": Coaching.follow_up_due}
    order = order_by(sort, sortable, "-created_at", Coaching.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


async def open_for_falling_trends(session: AsyncSession, *, period: KpiPeriod, now: datetime, periods: int) -> int:
    """After a close: agents whose composite fell in each of the last `periods` closed periods get a
    coaching item for their team leader (PRF-6). One query finds them."""
    recent = (
        await session.scalars(
            select(KpiPeriod.id)
            .where(KpiPeriod.status == PeriodStatus.closed, KpiPeriod.end_date <= period.end_date)
            .order_by(KpiPeriod.end_date.desc())
            .limit(periods)
        )
    ).all()
    if len(recent) < periods:
        return 0
    tables = [typing.cast(Table, AgentPeriodResult.__table__).alias(f"p{index}") for index in range(periods)]
    query = select(tables[0].c.agent_id).where(tables[0].c.period_id == recent[0])
    for index in range(1, periods):
        newer, older = tables[index - 1], tables[index]
        query = query.join(older, older.c.agent_id == tables[0].c.agent_id).where(
            older.c.period_id == recent[index], newer.c.composite < older.c.composite
        )
    falling = (await session.scalars(query)).all()
    if not falling:
        return 0
    result = await session.execute(
        select(org_employee.c.id, func.coalesce(org_team.c.leader_id, org_employee.c.superior_id))
        .select_from(org_employee.outerjoin(org_team, org_team.c.id == org_employee.c.team_id))
        .where(org_employee.c.id.in_(falling))
    )
    leaders = dict(result.all())
    for agent_id in falling:
        item = Coaching(
            id=uuid.uuid4(),
            agent_id=agent_id,
            leader_id=leaders.get(agent_id),
            origin="falling_trend",
            status=CoachingStatus.open,
            goals=f"Reverse the composite falling over the last {periods} periods",
            notes="",
            follow_up_due=None,
            period_id=period.id,
            created_by=None,
            created_at=now,
            follow_ups=[],
        )
        session.add(item)
        await session.flush()
        await _publish(session, item, now)
    return len(falling)
