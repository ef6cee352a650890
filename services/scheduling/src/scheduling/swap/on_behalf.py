"""A swap filed by a team leader on behalf of two members (SWP-8): each member consents (`service.accept`), unless
the duty manager approves it as an emergency, with a reason; the team leaders and the manager still decide (SWP-3).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import SwapEmergencyApprovedV1
from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.swap import service as swaps
from scheduling.swap.models import Swap, SwapStatus


class NotFiledOnBehalf(RuleViolation):
    rule = "SWP-8"


async def approve_emergency(
    session: AsyncSession, *, principal: Principal, swap_id: uuid.UUID, reason: str, now: datetime
) -> Swap:
    """The duty manager of either shift (a level 3 manager when neither names one) approves a swap filed on
    behalf as an emergency: the members' consent is no longer awaited, and the team leaders sign next."""
    swap = await swaps.get(session, swap_id, lock=True)
    if swap.filed_by is None:
        raise NotFiledOnBehalf(
            t(
                "Only a swap a team leader filed on behalf of two members may be approved as an emergency; "
                "this one waits for its own parties."
            )
        )
    mine, theirs = await swaps.held(session, swap)
    duty_managers = [s.duty_manager_id for _, s in (mine, *([theirs] if theirs else [])) if s.duty_manager_id]
    access.require_swap_emergency_approver(principal, duty_managers)
    swaps.require_open(swap, now, SwapStatus.requested)
    swap.status = SwapStatus.accepted
    swap.accepted_at = now
    swap.emergency_approved_by = principal.employee_id
    swap.emergency_approved_at = now
    swap.emergency_reason = reason
    swaps.step(session, swap, "emergency_approved", principal.employee_id, now, reason)
    await outbox.add(
        session,
        SwapEmergencyApprovedV1(swap_id=swap.id, approved_by=principal.employee_id, reason=reason, approved_at=now),
        at=now,
    )
    await session.flush()
    return swap
