"""A leaver's open work in scheduling passes to their successor (ORG-7), in the leaving transaction.

What waits on a named person here (the map is `scheduling/tasks/service.py`): signatures and the
manager's approval of pending swaps, open leave requests, staffing changes waiting for their duty
manager, and open handover items they receive or own. Handover sign-offs and questions wait on
whoever leads the team, so they follow the team's new leader without a move. Swaps keep a
history, and get a `moved_to_successor` step; the other objects have none.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.handover.models import HandoverItem, HandoverItemStatus
from scheduling.leave.models import Leave, LeaveStatus
from scheduling.roster.models import StaffingChange, StaffingChangeStatus
from scheduling.swap.models import PENDING, Swap, SwapStep

MOVED = "moved_to_successor"
# Items still in someone's hands: not yet read back, or taken over and not yet closed.
_HELD_ITEMS = (HandoverItemStatus.open, HandoverItemStatus.acknowledged)


async def hand_over_open_work(
    session: AsyncSession, *, leaver_id: uuid.UUID, leaver_name: str, successor_id: uuid.UUID, now: datetime
) -> None:
    await _swaps(session, leaver_id, leaver_name, successor_id, now)
    await session.execute(
        update(Leave)
        .where(Leave.status == LeaveStatus.requested, Leave.first_approver_id == leaver_id)
        .where(Leave.first_approved_at.is_(None))
        .values(first_approver_id=successor_id, updated_at=now)
    )
    await session.execute(
        update(Leave)
        .where(Leave.status == LeaveStatus.requested, Leave.final_approver_id == leaver_id)
        .values(final_approver_id=successor_id, updated_at=now)
    )
    await session.execute(
        update(StaffingChange)
        .where(StaffingChange.status == StaffingChangeStatus.requested, StaffingChange.approver_id == leaver_id)
        .values(approver_id=successor_id)
    )
    await session.execute(
        update(HandoverItem)
        .where(HandoverItem.status == HandoverItemStatus.open, HandoverItem.receiver_id == leaver_id)
        .values(receiver_id=successor_id)
    )
    await session.execute(
        update(HandoverItem)
        .where(HandoverItem.status.in_(_HELD_ITEMS), HandoverItem.owner_id == leaver_id)
        .values(owner_id=successor_id)
    )


async def _swaps(
    session: AsyncSession, leaver_id: uuid.UUID, leaver_name: str, successor_id: uuid.UUID, now: datetime
) -> None:
    """Unsigned signatures and the pending approval of every open swap, each move a step of its history."""
    swaps = (
        await session.scalars(
            select(Swap)
            .where(
                Swap.status.in_(PENDING),
                or_(
                    Swap.requester_leader_id == leaver_id,
                    Swap.counterpart_leader_id == leaver_id,
                    Swap.approver_id == leaver_id,
                ),
            )
            .order_by(Swap.id)
            .with_for_update()
        )
    ).all()
    for swap in swaps:
        moved = False
        if swap.requester_leader_id == leaver_id and swap.requester_leader_signed_at is None:
            swap.requester_leader_id, moved = successor_id, True
        if swap.counterpart_leader_id == leaver_id and swap.counterpart_leader_signed_at is None:
            swap.counterpart_leader_id, moved = successor_id, True
        if swap.approver_id == leaver_id:
            swap.approver_id, moved = successor_id, True
        if moved:
            swap.updated_at = now
            session.add(
                SwapStep(
                    id=uuid.uuid4(),
                    swap_id=swap.id,
                    action=MOVED,
                    actor_id=leaver_id,
                    reason=f"{leaver_name} left; their part passes to {successor_id} (ORG-7)",
                    at=now,
                )
            )
