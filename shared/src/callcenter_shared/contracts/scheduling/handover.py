"""Events of shift handovers and their items (HND-1..10)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from callcenter_shared.envelope import Event


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
