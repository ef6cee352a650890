"""Events that feed the bottom-rank review: attributed complaints (PRF-7a) and late handovers (PRF-7d)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.escalation import ComplaintAttributedV1
from callcenter_shared.contracts.scheduling import HandoverLateV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.inbox import Handler
from performance.kpi import ingest
from performance.review import service
from performance.review.models import Complaint, Violation
from performance.settings import Settings


def complaint_handler(settings: Settings) -> Handler:
    async def on_complaint_attributed(session: AsyncSession, event: ComplaintAttributedV1, envelope: Envelope) -> None:
        complaint = Complaint(
            case_id=event.case_id,
            agent_id=event.agent_id,
            category=event.category,
            complaint_date=event.complaint_date,
            verified_by=event.verified_by,
            attributed_at=event.attributed_at,
        )
        await service.record_complaint(session, complaint, now=envelope.time, policy=settings.policy)
        # The complaint is also a raw metric for the `complaints` KPI, once per case.
        await ingest.insert_rows(
            session,
            [
                {
                    "agent_id": event.agent_id,
                    "day": event.complaint_date,
                    "metric": "verified_complaints",
                    "source": "escalation",
                    "batch_id": str(event.case_id),
                    "value": 1.0,
                }
            ],
        )

    return on_complaint_attributed


def handover_late_handler(settings: Settings) -> Handler:
    zone = ZoneInfo(settings.timezone)

    async def on_handover_late(session: AsyncSession, event: HandoverLateV1, envelope: Envelope) -> None:
        violation = Violation(
            employee_id=event.employee_id,
            kind="handover_late",
            occurred_on=event.shift_starts_at.astimezone(zone).date(),
            reference=f"handover:{event.handover_id}:{event.employee_id}",
            detail=f"checked in {event.minutes_late} min late for the shift starting "
            f"{event.shift_starts_at:%Y-%m-%d %H:%M} UTC",
            recorded_at=envelope.time,
        )
        await service.record_violation(session, violation, now=envelope.time, policy=settings.policy)

    return on_handover_late
