"""Events that feed the bottom-rank review: attributed complaints (PRF-7a), late handovers and shirked cases
(PRF-7d, PRF-10)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.escalation import CaseShirkedV1, ComplaintAttributedV1
from callcenter_shared.contracts.scheduling import HandoverLateV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import Handler
from performance.review import service
from performance.settings import Settings


def complaint_handler(settings: Settings) -> Handler:
    async def on_complaint_attributed(session: AsyncSession, event: ComplaintAttributedV1, envelope: Envelope) -> None:
        await service.record_attributed_complaint(session, event, now=envelope.time, policy=settings.policy)

    return on_complaint_attributed


def handover_late_handler(settings: Settings) -> Handler:
    async def on_handover_late(session: AsyncSession, event: HandoverLateV1, envelope: Envelope) -> None:
        await service.record_late_handover(
            session, event, now=envelope.time, policy=settings.policy, timezone=settings.timezone
        )

    return on_handover_late


def shirk_handler(settings: Settings) -> Handler:
    async def on_case_shirked(session: AsyncSession, event: CaseShirkedV1, envelope: Envelope) -> None:
        await service.record_shirk(
            session, event, now=envelope.time, policy=settings.policy, timezone=settings.timezone
        )

    return on_case_shirked
