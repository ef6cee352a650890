from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter_shared.inputs import Id, RequestModel
from callcenter_shared.names import PersonName

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class SwapCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "requester_assignment_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "counterpart_assignment_id": "6f5e4d3c-2b1a-4c9d-8e7f-0a1b2c3d4e5f",
                    "note": "Family dinner on Thursday",
                },
                {
                    "requester_assignment_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "counterpart_assignment_id": "6f5e4d3c-2b1a-4c9d-8e7f-0a1b2c3d4e5f",
                    "note": "Wang Fang phoned in from hospital; Li Na covers her Thursday",
                    "on_behalf": True,
                },
            ]
        },
    )

    requester_assignment_id: Id
    counterpart_assignment_id: Id
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    on_behalf: bool = Field(
        default=False,
        description="SWP-8: a team leader files the swap between two members of their team; the requester is the "
        "holder of `requester_assignment_id`, and each member still consents (or the duty manager approves it as "
        "an emergency).",
    )


class SwapRefusal(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "I already have plans that evening"}]})

    reason: Reason


class SwapEmergencyApproval(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Wang Fang is in hospital and cannot consent; Li Na agreed by phone"}]
        }
    )

    reason: Reason


class SwapApproval(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{}, {"holiday_reason": "Approved by the department head: the agent's wedding"}]
        },
    )

    holiday_reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] | None = (
        None
    )


class Awaiting(BaseModel):
    step: Literal["counterpart", "members", "team_leaders", "manager"] | None = Field(
        description="`members`: a swap filed on behalf waits for the members still to consent (SWP-8)"
    )
    employee_ids: list[uuid.UUID]


class SwapStepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    actor_id: uuid.UUID | None
    actor_name: PersonName = None
    acting_for_id: uuid.UUID | None = Field(None, description="The absent team leader the actor acted for (LEV-7)")
    acting_for_name: PersonName = None
    reason: str | None
    at: datetime


class SwapRead(BaseModel):
    id: uuid.UUID
    status: str
    requester_id: uuid.UUID
    requester_name: PersonName = None
    counterpart_id: uuid.UUID
    counterpart_name: PersonName = None
    requester_assignment_id: uuid.UUID
    counterpart_assignment_id: uuid.UUID | None = Field(description="None for a give-away (SWP-7)")
    kind: Literal["swap", "give_away"] = Field(description="SWP-7: a give-away hands the shift over with nothing back")
    offer_id: uuid.UUID | None = Field(description="SWP-7: the open-board offer whose taker is the counterpart")
    filed_by: uuid.UUID | None = Field(description="SWP-8: the team leader who filed it on behalf of the two members")
    filed_by_name: PersonName = None
    requester_consented_at: datetime | None = Field(description="SWP-8: the requester's consent, filed on behalf")
    counterpart_consented_at: datetime | None = Field(description="SWP-8: the counterpart's consent, filed on behalf")
    emergency_approved_by: uuid.UUID | None = Field(
        description="SWP-8: the duty manager who approved it as an emergency, in place of the consents"
    )
    emergency_approved_by_name: PersonName = None
    emergency_approved_at: datetime | None
    emergency_reason: str | None
    requester_leader_id: uuid.UUID | None
    requester_leader_name: PersonName = None
    counterpart_leader_id: uuid.UUID | None
    counterpart_leader_name: PersonName = None
    requester_leader_signed_at: datetime | None
    counterpart_leader_signed_at: datetime | None
    approver_id: uuid.UUID | None
    approver_name: PersonName = None
    accepted_at: datetime | None
    approved_at: datetime | None
    expires_at: datetime
    on_holiday: bool
    holiday_reason: str | None
    note: str
    closed_by: uuid.UUID | None
    closed_by_name: PersonName = None
    closed_at: datetime | None
    close_reason: str | None
    reversed_by: uuid.UUID | None
    reversed_by_name: PersonName = None
    reversed_at: datetime | None
    reversal_reason: str | None
    awaiting: Awaiting
    history: list[SwapStepRead]
    created_at: datetime


SwapSort = Literal["created_at", "-created_at", "expires_at", "-expires_at"]
