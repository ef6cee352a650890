"""A team leader's deputy takes the leader's part in a swap while the leader is on approved leave (LEV-7):
signing or refusing for them, never on a swap of their own, and reading the swaps they act on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from scheduling.leave import delegation
from scheduling.swap.models import Swap, SwapStep


async def may_read(session: AsyncSession, principal: Principal, swap: Swap, now: datetime) -> bool:
    """Whether the caller acts for one of the swap's leaders now, or acted on the swap before."""
    leaders = (swap.requester_leader_id, swap.counterpart_leader_id)
    if await delegation.acting_for(session, principal, leaders, now) is not None:
        return True
    acted = await session.scalar(
        select(SwapStep.id).where(SwapStep.swap_id == swap.id, SwapStep.actor_id == principal.employee_id).limit(1)
    )
    return acted is not None


async def turn(
    session: AsyncSession, principal: Principal, swap: Swap, waiting: Sequence[uuid.UUID | None], now: datetime
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """Whose turn among `waiting` the caller takes: (their own id, None), or (the absent leader's id, that leader)
    as their deputy; (None, None) when it is not the caller's turn. A deputy never acts on their own swap."""
    if principal.employee_id in waiting:
        return principal.employee_id, None
    leader = await delegation.acting_for(session, principal, waiting, now)
    if leader is None:
        return None, None
    delegation.refuse_own(principal, swap.requester_id, swap.counterpart_id)
    return leader, leader
