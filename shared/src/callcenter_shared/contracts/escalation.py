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
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent person whose seat `handler_id` holds (on leave, or gone; ESC-14)"
    )
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
    acting_for_id: uuid.UUID | None = Field(
        default=None,
        description="The next level's person, absent (on leave, or gone), whose seat `to_handler_id` holds (ESC-14)",
    )
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


class CaseAcknowledgedV1(Event):
    """Published when the current handler takes a case; the level's clock keeps running."""

    subject = "callcenter.escalation.case.acknowledged.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    acknowledged_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseDeadlineWarningV1(Event):
    """Published shortly before a level's time runs out, addressed to the current handler (ESC-3)."""

    subject = "callcenter.escalation.case.deadline_warning.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    due_at: datetime
    warned_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseOverdueV1(Event):
    """Published when a level's time runs out and nobody is above to take the case (level 5, or a gap) (ESC-3)."""

    subject = "callcenter.escalation.case.overdue.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    due_at: datetime
    overdue_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseChainNotifiedV1(Event):
    """Published when a must-report case is opened and everyone up the chain is told (ESC-8)."""

    subject = "callcenter.escalation.case.chain_notified.v1"

    case_id: uuid.UUID
    number: str
    category: str
    level: int = Field(ge=1, le=5)
    notified_ids: list[uuid.UUID]
    notified_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseReopenedV1(Event):
    """Published when a resolved case is opened again; nothing is closed for good silently (ESC-5)."""

    subject = "callcenter.escalation.case.reopened.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    reopened_by: uuid.UUID | None = Field(default=None, description="None when the system reopened it (ESC-6)")
    reason: str
    reopened_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseEmergencyReportedV1(Event):
    """Published when the handler of an emergency files the post-hoc report to their superior (ESC-6)."""

    subject = "callcenter.escalation.case.emergency_reported.v1"

    case_id: uuid.UUID
    number: str
    reported_by: uuid.UUID
    reported_to: uuid.UUID | None = None
    reported_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseInstructionRecordedV1(Event):
    """Published when a superior's instruction is recorded on a case (ESC-7)."""

    subject = "callcenter.escalation.case.instruction_recorded.v1"

    case_id: uuid.UUID
    number: str
    instruction_id: uuid.UUID
    given_by: uuid.UUID
    given_by_level: int = Field(ge=1, le=5)
    recorded_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseReplyOverdueV1(Event):
    """Published when the customer was not answered within the category's reply limit (ESC-9)."""

    subject = "callcenter.escalation.case.reply_overdue.v1"

    case_id: uuid.UUID
    number: str
    category: str
    owner_id: uuid.UUID
    reply_due_at: datetime
    breached_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseDepartmentAssignedV1(Event):
    """Published when a duty chief or GM names a handler in another department (ESC-10)."""

    subject = "callcenter.escalation.case.department_assigned.v1"

    case_id: uuid.UUID
    number: str
    department_handler_id: uuid.UUID
    department_team_id: uuid.UUID | None = None
    assigned_by: uuid.UUID
    assigned_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseCallbackRecordedV1(Event):
    """Published when the center's call back to the customer after resolution is recorded (ESC-11)."""

    subject = "callcenter.escalation.case.callback_recorded.v1"

    case_id: uuid.UUID
    number: str
    reached: bool
    satisfied: bool | None = None
    recorded_by: uuid.UUID
    called_at: datetime

    def key(self) -> str:
        return str(self.case_id)


class CaseShirkedV1(Event):
    """Published when an owner or handler tries to hand off or refuse a case in their scope (ESC-1)."""

    subject = "callcenter.escalation.case.shirked.v1"

    case_id: uuid.UUID
    number: str
    employee_id: uuid.UUID
    attempt: str = Field(description="handoff or reject")
    reason: str
    shirked_at: datetime

    def key(self) -> str:
        return str(self.employee_id)


class CasePausedV1(Event):
    """Published when a case waiting on the customer or a third party is paused: its clocks stop (ESC-13)."""

    subject = "callcenter.escalation.case.paused.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    paused_by: uuid.UUID
    waiting_on: str = Field(description="customer or third_party")
    reason: str
    paused_at: datetime
    resumes_by: datetime = Field(description="When the clocks resume by themselves at the latest (the maximum pause)")

    def key(self) -> str:
        return str(self.case_id)


class CaseResumedV1(Event):
    """Published when a paused case's clocks run again with the time they had left (ESC-13).

    `resumed_by` is null when the maximum pause ran out and the case resumed by itself.
    """

    subject = "callcenter.escalation.case.resumed.v1"

    case_id: uuid.UUID
    number: str
    level: int = Field(ge=1, le=5)
    handler_id: uuid.UUID
    resumed_by: uuid.UUID | None = None
    automatic: bool
    paused_at: datetime
    resumed_at: datetime
    paused_seconds: int = Field(ge=0, description="How long this pause lasted")
    level_due_at: datetime = Field(description="The level's new deadline: the time that was left, from now")

    def key(self) -> str:
        return str(self.case_id)
