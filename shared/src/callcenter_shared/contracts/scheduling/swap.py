"""Events of shift swaps and give-aways (SWP-1..8)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from callcenter_shared.envelope import Event


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
