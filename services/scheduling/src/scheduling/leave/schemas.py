from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

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
    decided_at: datetime | None
    decision_reason: str | None
    coverage_gaps: list[ShiftGap] = []


LeaveSort = Literal["starts_at", "-starts_at", "created_at", "-created_at"]
