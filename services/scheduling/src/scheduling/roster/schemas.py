from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from callcenter_shared.inputs import Day, Id, Moment, RequestModel, TimeOfDay
from callcenter_shared.names import PersonName

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
SkillCodes = list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]]
SKILLS = "ROS-5: codes of the skill catalog (`GET /v1/skills`); only people holding every one work the shift"


class ShiftCreate(RequestModel):
    """Give either `starts_at`/`ends_at` with a UTC offset, or a local `day` with `start_time`/`end_time`
    in the center's zone (an end before the start means the shift crosses midnight)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "team_id": "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70",
                    "name": "Night",
                    "day": "2026-11-05",
                    "start_time": "22:00",
                    "end_time": "06:00",
                    "required_headcount": 4,
                    "required_skills": ["mandarin", "billing"],
                },
                {
                    "team_id": "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70",
                    "name": "Day",
                    "starts_at": "2026-11-05T08:00:00+08:00",
                    "ends_at": "2026-11-05T16:00:00+08:00",
                    "required_headcount": 6,
                },
            ]
        },
    )

    team_id: Id
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    day: Day | None = None
    start_time: TimeOfDay | None = None
    end_time: TimeOfDay | None = None
    required_headcount: int = Field(ge=1, le=1000)
    required_skills: SkillCodes = Field(default_factory=list, max_length=20, description=SKILLS)
    duty_manager_id: Id | None = Field(default=None, description="ROS-2: the duty manager on this shift")
    call_taking: StrictBool = Field(
        default=True,
        description="Agents on it take calls: each needs an agent number (ORG-3) and must be on post (PRF-9). "
        "False for a training or back-office shift.",
    )
    full_day: StrictBool = Field(
        default=False,
        description="ROS-4: a 24-hour shift, given with its end equal to its start. A start equal to the end "
        "without it is refused.",
    )

    @model_validator(mode="after")
    def _one_way_of_timing(self) -> ShiftCreate:
        absolute = self.starts_at is not None and self.ends_at is not None
        local = self.day is not None and self.start_time is not None and self.end_time is not None
        if absolute == local:
            raise ValueError("give either starts_at and ends_at, or day, start_time and end_time")
        same = self.start_time == self.end_time if local else self.starts_at == self.ends_at
        if self.full_day and not same:
            raise ValueError("full_day means 24 hours: give an end equal to the start")
        return self


class ShiftUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"required_headcount": 5}]})

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    required_headcount: int | None = Field(default=None, ge=1, le=1000)
    required_skills: SkillCodes | None = Field(
        default=None,
        max_length=20,
        description=f"{SKILLS}. People already on the shift stay; the coverage report names any who lack one.",
    )
    duty_manager_id: Id | None = None


class ShiftRead(BaseModel):
    id: uuid.UUID
    team_id: uuid.UUID
    name: str
    starts_at: datetime
    ends_at: datetime
    starts_at_local: datetime
    ends_at_local: datetime
    required_headcount: int
    required_skills: list[str]
    call_taking: bool
    duty_manager_id: uuid.UUID | None
    duty_manager_name: PersonName = None
    rotation_id: uuid.UUID | None = Field(default=None, description="ROS-6: the rotation that generated the shift")
    staffed: int
    version: int


class AssignmentCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"employee_id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}]})

    employee_id: Id


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shift_id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: PersonName = None
    active: bool
    removed_at: datetime | None
    removed_reason: str | None
    created_at: datetime


class StaffingChangeCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": "reduce_headcount", "new_headcount": 3, "reason": "Low call volume forecast"},
                {
                    "kind": "remove_assignment",
                    "assignment_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "reason": "Sent to training",
                },
            ]
        },
    )

    kind: Literal["reduce_headcount", "remove_assignment"]
    new_headcount: int | None = Field(default=None, ge=0, le=1000)
    assignment_id: Id | None = None
    reason: Text

    @model_validator(mode="after")
    def _target(self) -> StaffingChangeCreate:
        if self.kind == "reduce_headcount" and self.new_headcount is None:
            raise ValueError("reduce_headcount needs new_headcount")
        if self.kind == "remove_assignment" and self.assignment_id is None:
            raise ValueError("remove_assignment needs assignment_id")
        return self


class Decision(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "Agreed for tonight"}]})

    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class Refusal(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "The queue forecast is too high that night"}]})

    reason: Text


class StaffingChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shift_id: uuid.UUID
    kind: str
    new_headcount: int | None
    assignment_id: uuid.UUID | None
    reason: str
    status: str
    requested_by: uuid.UUID
    requested_by_name: PersonName = None
    approver_id: uuid.UUID | None
    approver_name: PersonName = None
    decided_by: uuid.UUID | None
    decided_by_name: PersonName = None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


class CoverageGap(BaseModel):
    team_id: uuid.UUID
    hour_start: datetime
    hour_start_local: datetime
    shift_ids: list[uuid.UUID]
    required: int
    staffed: int
    certified_agents: int
    missing_skills: list[str] = Field(
        default_factory=list,
        description="ROS-5: skills a shift of the hour requires that someone rostered on it does not hold",
    )
    reasons: list[Literal["no_shift", "below_headcount", "no_certified_agent", "missing_skill"]]


class Coverage(BaseModel):
    starts_at: datetime
    ends_at: datetime
    team_ids: list[uuid.UUID]
    gaps: list[CoverageGap]


class ShiftImportResult(BaseModel):
    imported: int
    shift_ids: list[uuid.UUID] = Field(description="The new shifts, in the file's row order")


ShiftSort = Literal["starts_at", "-starts_at"]
AssignmentSort = Literal["starts_at", "-starts_at", "created_at", "-created_at"]
StaffingChangeSort = Literal["created_at", "-created_at"]
