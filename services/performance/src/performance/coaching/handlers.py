"""Events that move coaching and QA work: a leaver's successor takes it over (ORG-7)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.scheduling import EmployeeLeftV1
from callcenter_shared.envelope import Envelope
from performance.coaching import leavers


async def on_employee_left(session: AsyncSession, event: EmployeeLeftV1, _envelope: Envelope) -> None:
    await leavers.hand_over_work(
        session, leaver_id=event.employee_id, successor_id=event.successor_id, now=event.left_at
    )
