"""Who is off post for training (PRF-9): read by every way onto a call-taking shift (assignment, swap)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import t
from scheduling.roster.models import OffPostPeriod, Shift


class AgentOffPost(RuleViolation):
    rule = "PRF-9"


async def open_period(session: AsyncSession, employee_id: uuid.UUID) -> OffPostPeriod | None:
    """The person's current off-post period, if they are off post."""
    return await session.scalar(
        select(OffPostPeriod)
        .where(OffPostPeriod.employee_id == employee_id, OffPostPeriod.ended_at.is_(None))
        .order_by(OffPostPeriod.started_at)
        .limit(1)
    )


async def require_on_post(session: AsyncSession, employee_id: uuid.UUID, name: str, shift: Shift) -> None:
    """Refuse a call-taking shift to someone off post for training until the re-assessment puts them back."""
    if not shift.call_taking:
        return
    period = await open_period(session, employee_id)
    if period is not None:
        raise AgentOffPost(
            t(
                "{name} is off post for training since {started_at:%Y-%m-%d %H:%M} UTC and may not be "
                "rostered on the call-taking shift {name2} until back on post after the re-assessment.",
                name=name,
                started_at=period.started_at,
                name2=shift.name,
            )
        )
