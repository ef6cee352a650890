"""Events of leave: requests, decisions, the waiting list and a leader's delegation while away (LEV-1..7)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from callcenter_shared.envelope import Event


class DelegationStartedV1(Event):
    """Published when a team leader's approved leave begins: the named deputy acts for them until it ends (LEV-7).

    Approvals, sign-offs and escalated cases that would go to the leader go to the deputy, recorded as
    acting for the leader (ESC-14). Sent when the leave starts (a deadline row), never before.
    """

    subject = "callcenter.scheduling.delegation.started.v1"

    leave_id: uuid.UUID = Field(description="The approved leave that makes the leader absent")
    leader_id: uuid.UUID = Field(description="The absent team leader")
    delegate_id: uuid.UUID = Field(description="Who holds the team's affairs meanwhile (the leave's deputy, LEV-1)")
    team_id: uuid.UUID | None = None
    starts_at: datetime
    ends_at: datetime = Field(description="When the leave ends as approved; `delegation.ended` says when it did")
    started_at: datetime

    def key(self) -> str:
        return str(self.leader_id)


class DelegationEndedV1(Event):
    """Published when a delegation stops: the leave is over, or the approved leave was cancelled (LEV-7).

    From now on what waits for the leader goes to the leader again.
    """

    subject = "callcenter.scheduling.delegation.ended.v1"

    leave_id: uuid.UUID
    leader_id: uuid.UUID
    delegate_id: uuid.UUID
    reason: Literal["leave_over", "leave_cancelled"] = Field(description="Why the delegate stops acting")
    ended_at: datetime

    def key(self) -> str:
        return str(self.leader_id)


class LeaveApprovedV1(Event):
    """Published when leave is finally approved; hours feed payroll deductions (LEV-3)."""

    subject = "callcenter.scheduling.leave.approved.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    leave_type: str
    starts_at: datetime
    ends_at: datetime
    hours_missed: float = Field(ge=0)
    approved_by: uuid.UUID
    approved_at: datetime
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader `approved_by` acted for, as their deputy (LEV-7)"
    )

    def key(self) -> str:
        return str(self.leave_id)


class LeaveRequestedV1(Event):
    """Published when an employee requests leave (LEV-1)."""

    subject = "callcenter.scheduling.leave.requested.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    leave_type: str
    starts_at: datetime
    ends_at: datetime
    requested_at: datetime

    def key(self) -> str:
        return str(self.leave_id)


class LeaveRejectedV1(Event):
    """Published when an approver in the leave chain refuses a request, with a reason."""

    subject = "callcenter.scheduling.leave.rejected.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    rejected_by: uuid.UUID
    reason: str
    rejected_at: datetime
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader `rejected_by` acted for, as their deputy (LEV-7)"
    )

    def key(self) -> str:
        return str(self.leave_id)


class LeaveCancelledV1(Event):
    """Published when the requester withdraws a leave request, or approved leave is cancelled before it starts."""

    subject = "callcenter.scheduling.leave.cancelled.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    cancelled_at: datetime
    cancelled_by: uuid.UUID | None = None
    reason: str | None = None
    hours_restored: float | None = Field(
        default=None,
        ge=0,
        description="Of approved leave: the hours `leave.approved` counted, no longer missed (payroll reverses them; "
        "annual leave goes back to the balance, LEV-5)",
    )

    def key(self) -> str:
        return str(self.leave_id)


class LeaveWaitlistedV1(Event):
    """Published when a leave request finds the team's cap reached in a shift and joins the waiting list (LEV-6)."""

    subject = "callcenter.scheduling.leave.waitlisted.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    team_id: uuid.UUID
    position: int = Field(ge=1, description="Place in the team's waiting list, in order of request")
    full_shift_ids: list[uuid.UUID] = Field(description="The shifts where the team's places are taken")
    waitlisted_at: datetime

    def key(self) -> str:
        return str(self.leave_id)


class LeavePromotedV1(Event):
    """Published when a place freed under the team's cap takes a waiting leave request to approval (LEV-6)."""

    subject = "callcenter.scheduling.leave.promoted.v1"

    leave_id: uuid.UUID
    employee_id: uuid.UUID
    team_id: uuid.UUID
    freed_by_leave_id: uuid.UUID = Field(description="The request whose rejection, withdrawal or cancellation freed it")
    awaiting: uuid.UUID = Field(description="The approver the request now waits for (LEV-1)")
    promoted_at: datetime

    def key(self) -> str:
        return str(self.leave_id)
