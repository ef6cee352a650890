from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter_shared.inputs import Id, Moment, RequestModel
from callcenter_shared.names import PersonName

LeaveType = Literal["personal", "sick", "annual", "marriage", "bereavement", "maternity", "other"]


class LeaveCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "leave_type": "sick",
                    "starts_at": "2026-11-05T08:00:00+08:00",
                    "ends_at": "2026-11-05T16:00:00+08:00",
                    "reason": "Fever",
                },
                {
                    "leave_type": "annual",
                    "starts_at": "2026-11-10T00:00:00+08:00",
                    "ends_at": "2026-11-12T00:00:00+08:00",
                    "deputy_id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                },
            ]
        },
    )

    leave_type: LeaveType
    starts_at: Moment
    ends_at: Moment
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    deputy_id: Id | None = None


class LeaveApproval(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{}, {"holiday_reason": "Family emergency over the holiday"}]}
    )

    holiday_reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] | None = (
        None
    )


class LeaveRefusal(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Peak week for the hotline"}]})

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class LeaveCancellation(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "The family trip is off"}]})

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class LeaveBalanceRead(BaseModel):
    """A person's annual leave in one year, in hours (LEV-5)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employee_id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "year": 2026,
                    "tenure_years": 3,
                    "entitlement_hours": 40,
                    "carried_over_hours": 0,
                    "taken_hours": 16,
                    "reserved_hours": 8,
                    "remaining_hours": 24,
                    "available_hours": 16,
                }
            ]
        }
    )

    employee_id: uuid.UUID
    employee_name: PersonName = None
    year: int
    tenure_years: int = Field(description="Completed years of service on 1 January (0 when the hire date is unknown)")
    entitlement_hours: float = Field(description="The policy's hours for that tenure (ANNUAL_LEAVE_HOURS_BY_TENURE)")
    carried_over_hours: float = Field(description="Unused hours of the year before, up to ANNUAL_LEAVE_MAX_CARRY_HOURS")
    taken_hours: float = Field(description="Hours missed (LEV-3) by the year's approved annual leave")
    reserved_hours: float = Field(description="Hours asked for by annual requests not yet decided or waiting")
    remaining_hours: float = Field(description="Entitlement + carried over - taken")
    available_hours: float = Field(description="What a new annual request may take: remaining - reserved")


class ShiftGap(BaseModel):
    shift_id: uuid.UUID
    name: str
    starts_at: datetime
    required: int
    staffed: int
    missing: int


class LeaveRead(BaseModel):
    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: PersonName = None
    leave_type: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    status: str
    first_approver_id: uuid.UUID | None
    first_approver_name: PersonName = None
    first_approved_at: datetime | None
    first_approved_by: uuid.UUID | None = Field(description="Who gave the first approval")
    first_approved_by_name: PersonName = None
    first_acting_for_id: uuid.UUID | None = Field(
        description="The absent team leader the first approval was given for by their deputy (LEV-7)"
    )
    first_acting_for_name: PersonName = None
    final_approver_id: uuid.UUID
    final_approver_name: PersonName = None
    deputy_id: uuid.UUID | None
    deputy_name: PersonName = None
    awaiting: uuid.UUID | None
    awaiting_name: PersonName = None
    on_holiday: bool
    holiday_reason: str | None
    hours_missed: float | None
    decided_by: uuid.UUID | None
    decided_by_name: PersonName = None
    decided_acting_for_id: uuid.UUID | None = Field(
        description="The absent team leader `decided_by` decided for, as their deputy (LEV-7)"
    )
    decided_acting_for_name: PersonName = None
    decided_at: datetime | None
    decision_reason: str | None
    team_id: uuid.UUID | None = Field(description="The team whose cap on leave in a shift the request counts against")
    hours_requested: float = Field(description="The hours the request would deduct, as the shifts stood when asked")
    balance_year: int = Field(description="The year whose annual-leave balance it is charged to (LEV-5)")
    waiting_position: int | None = Field(
        description="While `waiting`: its place in the team's waiting list, 1 next (LEV-6)"
    )
    promoted_at: datetime | None = Field(description="When a freed place took it off the waiting list (LEV-6)")
    cancelled_by: uuid.UUID | None
    cancelled_by_name: PersonName = None
    cancel_reason: str | None
    coverage_gaps: list[ShiftGap] = []


LeaveSort = Literal["starts_at", "-starts_at", "created_at", "-created_at"]
