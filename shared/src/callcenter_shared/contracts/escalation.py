"""Events published by the escalation service (stream CALLCENTER_ESCALATION)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from callcenter_shared.envelope import Event


class CaseOpenedV1(Event):
    """Published when the first receiver opens a case (ESC-1)."""

    subject = "callcenter.escalation.case.opened.v1"

    case_id: uuid.UUID
    number: str
    category: str
    level: int = Field(ge=1, le=5)
    owner_id: uuid.UUID
    handler_id: uuid.UUID
    emergency: bool = False
    channel: str
    handover_item_id: uuid.UUID | None = None
    opened_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseEscalatedV1(Event):
    """Published when a case moves one level up the chain, by hand or on time-out (ESC-3, ESC-4)."""

    subject = "callcenter.escalation.case.escalated.v1"

    case_id: uuid.UUID
    number: str
    from_level: int = Field(ge=1, le=5)
    to_level: int = Field(ge=1, le=5)
    from_handler_id: uuid.UUID
    to_handler_id: uuid.UUID
    automatic: bool
    reason: str
    escalated_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseResolvedV1(Event):
    """Published when a case is closed with a resolution (ESC-5)."""

    subject = "callcenter.escalation.case.resolved.v1"

    case_id: uuid.UUID
    number: str
    resolution: str
    resolved_by: uuid.UUID
    resolved_at: datetime
    handover_item_id: uuid.UUID | None = Field(
        default=None, description="Set when the case came from a handover item (HND-8)"
    )

    def key(self) -> str:
        return str(self.case_id)


class ComplaintAttributedV1(Event):
    """Published when an L2+ verifies that a complaint is attributable to an agent (ESC-12)."""

    subject = "callcenter.escalation.complaint.attributed.v1"

    case_id: uuid.UUID
    agent_id: uuid.UUID
    verified_by: uuid.UUID
    category: str
    complaint_date: date
    attributed_at: datetime

    def key(self) -> str:
        return str(self.agent_id)
