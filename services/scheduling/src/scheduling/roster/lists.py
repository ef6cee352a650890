"""The roster's lists: shifts, assignments and staffing reductions, filtered, sorted and paged."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from scheduling import access
from scheduling.roster.models import Assignment, Shift, StaffingChange


async def staffed_counts(session: AsyncSession, shift_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Active assignments per shift, for a whole page in one statement."""
    if not shift_ids:
        return {}
    rows = await session.execute(
        select(Assignment.shift_id, func.count())
        .where(Assignment.shift_id.in_(shift_ids), Assignment.active.is_(True))
        .group_by(Assignment.shift_id)
    )
    counts = dict.fromkeys(shift_ids, 0)
    counts.update({shift_id: int(count) for shift_id, count in rows.all()})
    return counts


async def list_shifts(
    session: AsyncSession,
    *,
    starts_from: datetime,
    starts_before: datetime,
    team_id: uuid.UUID | None,
    duty_manager_id: uuid.UUID | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Shift], int]:
    query = select(Shift).where(Shift.ends_at > starts_from, Shift.starts_at < starts_before)
    if team_id is not None:
        query = query.where(Shift.team_id == team_id)
    if duty_manager_id is not None:
        query = query.where(Shift.duty_manager_id == duty_manager_id)
    order = order_by(sort, {"starts_at": Shift.starts_at}, "starts_at", Shift.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


async def list_assignments(
    session: AsyncSession,
    *,
    principal: Principal,
    employee_id: uuid.UUID | None,
    shift_id: uuid.UUID | None,
    include_removed: bool,
    team_id: uuid.UUID | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Assignment], int]:
    query = select(Assignment).join(Shift, Shift.id == Assignment.shift_id)
    visible = access.team_roster_clause(principal, Assignment.employee_id, Assignment.active)
    if visible is not None:
        query = query.where(visible)
    if employee_id is not None:
        query = query.where(Assignment.employee_id == employee_id)
    if shift_id is not None:
        query = query.where(Assignment.shift_id == shift_id)
    if not include_removed:
        query = query.where(Assignment.active.is_(True))
    if team_id is not None:
        query = query.where(Shift.team_id == team_id)
    if starts_from is not None:
        query = query.where(Shift.ends_at > starts_from)
    if starts_before is not None:
        query = query.where(Shift.starts_at < starts_before)
    sortable = {"starts_at": Shift.starts_at, "created_at": Assignment.created_at}
    order = order_by(sort, sortable, "starts_at", Assignment.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


async def list_staffing_changes(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    shift_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    sort: str | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[StaffingChange], int]:
    """Staffing reductions (ROS-2) the caller may see; newest first unless `sort` says otherwise."""
    query = select(StaffingChange).join(Shift, Shift.id == StaffingChange.shift_id)
    visible = access.staffing_changes_clause(principal, Shift.team_id, StaffingChange.approver_id)
    if visible is not None:
        query = query.where(visible)
    if status is not None:
        query = query.where(StaffingChange.status == status)
    if shift_id is not None:
        query = query.where(StaffingChange.shift_id == shift_id)
    if team_id is not None:
        query = query.where(Shift.team_id == team_id)
    order = order_by(sort, {"created_at": StaffingChange.created_at}, "-created_at", StaffingChange.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)
