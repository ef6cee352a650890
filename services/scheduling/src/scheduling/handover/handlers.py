"""Events scheduling reacts to: a case opened from a handover item is resolved (HND-6, HND-8)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.envelope import Envelope
from scheduling.handover import item


async def on_case_resolved(session: AsyncSession, event: CaseResolvedV1, _envelope: Envelope) -> None:
    await item.resolve_from_case(session, event)
