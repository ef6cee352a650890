"""Events published by the scheduling service (stream CALLCENTER_SCHEDULING)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from callcenter_shared.envelope import Event


class TeamUpsertedV1(Event):
    """Published when a team is created or changed."""

    subject = "callcenter.scheduling.team.upserted.v1"

    team_id: uuid.UUID
    name: str
    leader_id: uuid.UUID | None = None
    active: bool = True
    version: int = Field(ge=1, description="Increases with every change; readers keep the highest.")

    def key(self) -> str:
        return str(self.team_id)


class EmployeeUpsertedV1(Event):
    """Published when an employee is hired, changed, transferred, promoted or leaves."""

    subject = "callcenter.scheduling.employee.upserted.v1"

    employee_id: uuid.UUID
    name: str
    level: int = Field(ge=1, le=5, description="ORG-1: 1 agent ... 5 executive in charge")
    superior_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    agent_number: str | None = None
    certified: bool = False
    probation_end_date: date | None = None
    birthday: date | None = None
    hire_date: date | None = None
    active: bool = True
    version: int = Field(ge=1, description="Increases with every change; readers keep the highest.")
    external_id: str | None = Field(
        default=None, max_length=255, description="The login: the identity provider's claim that names the person"
    )

    def key(self) -> str:
        return str(self.employee_id)


class EmployeeLeftV1(Event):
    """Published when an employee leaves (is deactivated): their open work passes to the successor (ORG-7).

    A fact to act on once, next to the `employee.upserted` that records the new state: each service
    that holds work waiting on the leaver moves it to `successor_id` and records the move.
    """

    subject = "callcenter.scheduling.employee.left.v1"

    employee_id: uuid.UUID
    successor_id: uuid.UUID = Field(description="Who takes over the leaver's open work (ORG-7)")
    version: int = Field(ge=1, description="The leaver's directory version that records the departure")
    left_at: datetime

    def key(self) -> str:
        return str(self.employee_id)


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


class SwapApprovedV1(Event):
    """Published when a department manager approves a swap and the roster has changed."""

    subject = "callcenter.scheduling.swap.approved.v1"

    swap_id: uuid.UUID
    requester_id: uuid.UUID
    counterpart_id: uuid.UUID
    requester_assignment_id: uuid.UUID
    counterpart_assignment_id: uuid.UUID
    approved_by: uuid.UUID
    approved_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


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


class HandoverLateV1(Event):
    """Published when incoming staff check in later than the handover rule allows (HND-1)."""

    subject = "callcenter.scheduling.handover.late.v1"

    handover_id: uuid.UUID
    employee_id: uuid.UUID
    team_id: uuid.UUID | None = None
    shift_starts_at: datetime
    checked_in_at: datetime
    minutes_late: int = Field(ge=1, description="Minutes after the latest allowed check-in time")

    def key(self) -> str:
        return str(self.employee_id)


class HandoverCompletedV1(Event):
    """Published when a handover is formally completed and the outgoing staff are released."""

    subject = "callcenter.scheduling.handover.completed.v1"

    handover_id: uuid.UUID
    team_id: uuid.UUID | None = None
    signed_off_by: uuid.UUID
    completed_at: datetime
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader `signed_off_by` acted for, as their deputy (LEV-7)"
    )

    def key(self) -> str:
        return str(self.handover_id)


class HandoverItemEscalationRequestedV1(Event):
    """Published when an open item may not be carried again and must be escalated (HND-8)."""

    subject = "callcenter.scheduling.handover_item.escalation_requested.v1"

    item_id: uuid.UUID
    handover_id: uuid.UUID
    team_id: uuid.UUID | None = None
    owner_id: uuid.UUID = Field(description="Who holds the item now (first-contact owner)")
    title: str
    description: str = ""
    progress: str = ""
    contacts: str = ""
    carry_count: int = Field(ge=0)
    due_at: datetime | None = None
    reason: Literal["carried_too_often", "past_due"]
    requested_at: datetime

    def key(self) -> str:
        return str(self.item_id)


class SwapRequestedV1(Event):
    """Published when an employee asks to swap one of their assignments with a colleague's (SWP-3)."""

    subject = "callcenter.scheduling.swap.requested.v1"

    swap_id: uuid.UUID
    requester_id: uuid.UUID
    counterpart_id: uuid.UUID
    requester_assignment_id: uuid.UUID
    counterpart_assignment_id: uuid.UUID
    expires_at: datetime = Field(description="The earlier shift's start: the request expires then (SWP-6)")
    requested_at: datetime
    filed_by: uuid.UUID | None = Field(
        default=None,
        description="SWP-8: the team leader who filed it on behalf of the two members, who each still consent",
    )

    def key(self) -> str:
        return str(self.swap_id)


class SwapAcceptedV1(Event):
    """Published when the counterpart accepts a swap request (SWP-3), or both members consented to one filed on
    their behalf (SWP-8)."""

    subject = "callcenter.scheduling.swap.accepted.v1"

    swap_id: uuid.UUID
    counterpart_id: uuid.UUID
    accepted_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapSignedV1(Event):
    """Published when a team leader signs a swap (SWP-3)."""

    subject = "callcenter.scheduling.swap.signed.v1"

    swap_id: uuid.UUID
    leader_id: uuid.UUID
    signed_at: datetime
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader `leader_id` acted for, as their deputy (LEV-7)"
    )

    def key(self) -> str:
        return str(self.swap_id)


class SwapRejectedV1(Event):
    """Published when the counterpart, a team leader or the manager refuses a swap, with a reason.

    `step` is `counterpart` also when a member refuses a swap filed on their behalf (SWP-8).
    """

    subject = "callcenter.scheduling.swap.rejected.v1"

    swap_id: uuid.UUID
    rejected_by: uuid.UUID
    step: Literal["counterpart", "team_leader", "manager"]
    reason: str
    rejected_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapCancelledV1(Event):
    """Published when a pending swap is withdrawn, or cancelled because an assignment changed under it."""

    subject = "callcenter.scheduling.swap.cancelled.v1"

    swap_id: uuid.UUID
    cancelled_by: uuid.UUID | None = Field(default=None, description="None when the system cancelled it")
    reason: str
    cancelled_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapExpiredV1(Event):
    """Published when a swap request is still unanswered as the earlier shift starts (SWP-6)."""

    subject = "callcenter.scheduling.swap.expired.v1"

    swap_id: uuid.UUID
    expired_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapReversedV1(Event):
    """Published when a manager reverses an approved swap before the earlier shift starts."""

    subject = "callcenter.scheduling.swap.reversed.v1"

    swap_id: uuid.UUID
    reversed_by: uuid.UUID
    reason: str
    reversed_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapEmergencyApprovedV1(Event):
    """Published when the duty manager approves a swap filed on behalf as an emergency, in place of the members'
    consent (SWP-8); the team leaders and the manager still decide (SWP-3)."""

    subject = "callcenter.scheduling.swap.emergency_approved.v1"

    swap_id: uuid.UUID
    approved_by: uuid.UUID = Field(description="The duty manager")
    reason: str
    approved_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class ShiftGivenAwayV1(Event):
    """Published when a give-away from the open board is approved: the giver's assignment now belongs to the
    taker, who gave nothing in return (SWP-7)."""

    subject = "callcenter.scheduling.shift.given_away.v1"

    swap_id: uuid.UUID
    offer_id: uuid.UUID | None = None
    giver_id: uuid.UUID
    taker_id: uuid.UUID
    assignment_id: uuid.UUID
    shift_id: uuid.UUID
    approved_by: uuid.UUID
    approved_at: datetime

    def key(self) -> str:
        return str(self.swap_id)


class SwapOfferPostedV1(Event):
    """Published when someone offers their assignment on the open shift board, to swap or to give away (SWP-7)."""

    subject = "callcenter.scheduling.swap_offer.posted.v1"

    offer_id: uuid.UUID
    offerer_id: uuid.UUID
    assignment_id: uuid.UUID
    shift_id: uuid.UUID
    kind: Literal["swap", "give_away"]
    expires_at: datetime = Field(description="The shift's start: the offer expires then (SWP-6)")
    posted_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferTakenV1(Event):
    """Published when the first eligible taker takes an offer: they are the counterpart of the swap it opens,
    already accepted, which waits for the team leaders (SWP-7, SWP-3)."""

    subject = "callcenter.scheduling.swap_offer.taken.v1"

    offer_id: uuid.UUID
    swap_id: uuid.UUID
    offerer_id: uuid.UUID
    taker_id: uuid.UUID
    kind: Literal["swap", "give_away"]
    assignment_id: uuid.UUID = Field(description="The offered assignment")
    taker_assignment_id: uuid.UUID | None = Field(
        default=None, description="What the taker gives in return; None for a give-away"
    )
    taken_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferCancelledV1(Event):
    """Published when the offerer withdraws an open offer, or the system does because its assignment changed."""

    subject = "callcenter.scheduling.swap_offer.cancelled.v1"

    offer_id: uuid.UUID
    cancelled_by: uuid.UUID | None = Field(default=None, description="None when the system cancelled it")
    reason: str
    cancelled_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferExpiredV1(Event):
    """Published when an offer is still untaken as its shift starts (SWP-7, SWP-6)."""

    subject = "callcenter.scheduling.swap_offer.expired.v1"

    offer_id: uuid.UUID
    expired_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


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


class HandoverEquipmentDamagedV1(Event):
    """Published when a handover report records damaged equipment, for the duty manager (HND-10)."""

    subject = "callcenter.scheduling.handover.equipment_damaged.v1"

    handover_id: uuid.UUID
    team_id: uuid.UUID | None = None
    reported_by: uuid.UUID
    duty_manager_id: uuid.UUID | None = None
    damage: str
    reported_at: datetime

    def key(self) -> str:
        return str(self.handover_id)


class HandoverItemResolvedV1(Event):
    """Published when a handover item is closed with its resolution (HND-6)."""

    subject = "callcenter.scheduling.handover_item.resolved.v1"

    item_id: uuid.UUID
    handover_id: uuid.UUID
    resolved_by: uuid.UUID | None = None
    case_id: uuid.UUID | None = Field(default=None, description="Set when an escalation case resolved it (HND-8)")
    resolution: str
    resolved_at: datetime

    def key(self) -> str:
        return str(self.item_id)
