"""Rotations and the roster they generate: request and response models (ROS-6)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from callcenter_shared.inputs import Day, Id, RequestModel, TimeOfDay
from callcenter_shared.names import PersonName
from scheduling.roster.schemas import SKILLS, SkillCodes

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MAX_CYCLE_DAYS = 28

_EXAMPLE_TEAM = "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70"


class RotationSlot(RequestModel):
    """One shift of the pattern: on which day of the cycle, when (the center's zone; an end before the start
    crosses midnight), how many people and which skills."""

    day: int = Field(
        ge=1,
        le=MAX_CYCLE_DAYS,
        description="Weekly: 1 = Monday .. 7 = Sunday. Every n days: 1 = the anchor date .. `cycle_days`.",
    )
    name: Name
    start_time: TimeOfDay
    end_time: TimeOfDay
    required_headcount: int = Field(ge=1, le=1000)
    required_skills: SkillCodes = Field(default_factory=list, max_length=20, description=SKILLS)
    call_taking: StrictBool = Field(default=True, description="False for a training or back-office shift (ORG-3)")
    full_day: StrictBool = Field(default=False, description="A 24-hour shift: give an end equal to the start")

    @model_validator(mode="after")
    def _length(self) -> RotationSlot:
        if (self.start_time == self.end_time) != self.full_day:
            raise ValueError("a start equal to the end is a 24-hour shift: say full_day true (and only then)")
        return self


class RotationCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Weekdays early and late",
                    "cycle": "weekly",
                    "shifts": [
                        {"day": d, "name": n, "start_time": s, "end_time": e, "required_headcount": 2}
                        for d in range(1, 6)
                        for n, s, e in (("Early", "08:00", "16:00"), ("Late", "16:00", "00:00"))
                    ],
                },
                {
                    "name": "Four on four off nights",
                    "cycle": "days",
                    "cycle_days": 8,
                    "anchor_date": "2026-11-09",
                    "shifts": [
                        {
                            "day": d,
                            "name": "Night",
                            "start_time": "22:00",
                            "end_time": "06:00",
                            "required_headcount": 3,
                            "required_skills": ["english"],
                        }
                        for d in range(1, 5)
                    ],
                },
            ]
        },
    )

    name: Name
    cycle: Literal["weekly", "days"] = Field(description="`weekly`, or every `cycle_days` days from `anchor_date`")
    cycle_days: int | None = Field(default=None, ge=1, le=MAX_CYCLE_DAYS, description="For `cycle: days` only")
    anchor_date: Day | None = Field(default=None, description="For `cycle: days`: day 1 of a cycle")
    on_holidays: Literal["work", "skip"] = Field(
        default="work",
        description="ROS-3: on a public or center holiday, generate the shift and mark it (`work`), or leave it out "
        "(`skip`)",
    )
    shifts: list[RotationSlot] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _cycle(self) -> RotationCreate:
        if self.cycle == "weekly" and (self.cycle_days not in (None, 7) or self.anchor_date is not None):
            raise ValueError("a weekly rotation takes neither cycle_days nor anchor_date")
        if self.cycle == "days" and (self.cycle_days is None or self.anchor_date is None):
            raise ValueError("a rotation of every n days needs cycle_days and anchor_date")
        length = 7 if self.cycle == "weekly" else self.cycle_days or 0
        if any(slot.day > length for slot in self.shifts):
            raise ValueError(f"every shift's day is within the cycle of {length} days")
        return self


class RotationSlotRead(BaseModel):
    day: int
    name: str
    start_time: time
    end_time: time
    required_headcount: int
    required_skills: list[str]
    call_taking: bool
    full_day: bool


class RotationRead(BaseModel):
    id: uuid.UUID
    team_id: uuid.UUID
    name: str
    cycle: Literal["weekly", "days"]
    cycle_days: int
    anchor_date: date | None
    on_holidays: Literal["work", "skip"]
    shifts: list[RotationSlotRead]
    created_by: uuid.UUID
    created_by_name: PersonName = None
    created_at: datetime


class RotationGenerate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"first_day": "2026-11-09", "last_day": "2026-11-22", "preview": True},
                {
                    "first_day": "2026-11-09",
                    "last_day": "2026-11-22",
                    "assign": ["7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "3b2a1c0d-9e8f-4a7b-6c5d-4e3f2a1b0c9d"],
                },
            ]
        },
    )

    first_day: Day = Field(description="The first day to generate (the center's calendar), today or later")
    last_day: Day = Field(description="The last day, inclusive; at most ROTATION_MAX_DAYS days in all")
    preview: StrictBool = Field(
        default=False, description="Only say what would be created and who would be assigned; nothing is written"
    )
    assign: list[Id] = Field(
        default_factory=list,
        max_length=200,
        description="People to put on the new shifts in turn (round robin, in this order), each under every rule "
        "of a direct assignment (ROS-4, ROS-5, ORG-3, PRF-9); whoever a rule refuses is skipped and reported",
    )

    @model_validator(mode="after")
    def _order(self) -> RotationGenerate:
        if self.last_day < self.first_day:
            raise ValueError("last_day is on or after first_day")
        return self


class Placed(BaseModel):
    employee_id: uuid.UUID
    employee_name: PersonName = None


class Passed(BaseModel):
    """Someone of `assign` a rule kept off this shift, and why."""

    employee_id: uuid.UUID
    employee_name: PersonName = None
    rule: str | None = Field(description="The rule that refused them (ROS-4, ROS-5, ORG-3, PRF-9), if one did")
    reason: str


class GeneratedShift(BaseModel):
    status: Literal["created", "existing", "skipped"] = Field(
        description="`created` (in a preview: would be), `existing` (generated before: not duplicated), "
        "`skipped` (see `skipped_reason`)"
    )
    skipped_reason: Literal["holiday", "in_the_past"] | None = None
    shift_id: uuid.UUID | None = Field(description="Null for a shift a preview would create, or a skipped one")
    day: date
    slot: int = Field(description="The shift's position in the rotation's pattern, from 1")
    name: str
    starts_at: datetime
    ends_at: datetime
    starts_at_local: datetime
    ends_at_local: datetime
    required_headcount: int
    required_skills: list[str]
    holiday: str | None = Field(description="ROS-3: the holiday the shift falls on, if any")
    assigned: list[Placed] = Field(default_factory=list)
    passed_over: list[Passed] = Field(default_factory=list)
    open_places: int = Field(
        description="Places still open: of a new shift after the round robin, of an existing one as staffed now; "
        "0 for a skipped one"
    )


class RotationRun(BaseModel):
    rotation_id: uuid.UUID
    team_id: uuid.UUID
    first_day: date
    last_day: date
    preview: bool
    created: int = Field(description="Shifts created (in a preview: that would be)")
    existing: int
    skipped: int
    assigned: int
    open_places: int
    shifts: list[GeneratedShift]


RotationSort = Literal["name", "-name", "created_at", "-created_at"]
