"""The swap list: filtered, sorted and paged, with each page's steps read in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from scheduling import access
from scheduling.swap.models import Swap, SwapStep


async def histories(session: AsyncSession, swap_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[SwapStep]]:
    """Each swap's steps, oldest first, for a whole page in one statement."""
    steps: dict[uuid.UUID, list[SwapStep]] = {swap_id: [] for swap_id in swap_ids}
    if swap_ids:
        query = select(SwapStep).where(SwapStep.swap_id.in_(swap_ids)).order_by(SwapStep.at)
        for step in (await session.scalars(query)).all():
            steps[step.swap_id].append(step)
    return steps


_SORTABLE = {"created_at": Swap.created_at, "expires_at": Swap.earliest_start}


async def list_swaps(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    employee_id: uuid.UUID | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Swap], int]:
    query = select(Swap)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        me = principal.employee_id
        query = query.where(
            or_(
                Swap.requester_id.in_(visible),
                Swap.counterpart_id.in_(visible),
                Swap.requester_leader_id == me,
                Swap.counterpart_leader_id == me,
            )
        )
    if status is not None:
        query = query.where(Swap.status == status)
    if employee_id is not None:
        query = query.where(or_(Swap.requester_id == employee_id, Swap.counterpart_id == employee_id))
    if created_from is not None:
        query = query.where(Swap.created_at >= created_from)
    if created_before is not None:
        query = query.where(Swap.created_at < created_before)
    order = order_by(sort, _SORTABLE, "-created_at", Swap.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)
