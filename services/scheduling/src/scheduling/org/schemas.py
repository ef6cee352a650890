from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from callcenter_shared.inputs import Day, Id, RequestModel
from callcenter_shared.names import PersonName

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AgentNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{1,32}$")]
Login = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    Field(description="The login: the value of the identity provider's employee claim (JWT_EMPLOYEE_CLAIM)"),
]
Level = Annotated[int, Field(ge=1, le=5, description="1 agent, 2 team leader, 3 deputy GM, 4 GM, 5 executive")]
EmployeeSort = Literal["name", "agent_number"]


LeaveCap = Annotated[
    StrictInt | None,
    Field(ge=1, le=1000, description="LEV-6: how many of the team may be on leave in one shift (null: the center's)"),
]


class TeamCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Hotline A"}, {"name": "VIP line", "leave_cap": 1}]}
    )

    name: Name
    leave_cap: LeaveCap = None


class TeamUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Hotline A (night)"}]})

    name: Name | None = None
    active: StrictBool | None = None
    leave_cap: LeaveCap = None


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    leader_id: uuid.UUID | None
    leader_name: PersonName = None
    active: bool
    leave_cap: int | None = Field(
        default=None, description="How many of the team may be on leave in the same shift; null: the center's (LEV-6)"
    )
    version: int


class EmployeeCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "王芳",
                    "level": 1,
                    "superior_id": "5b0f3c52-8a8e-4a53-9a7f-2f1d2c3b4a50",
                    "team_id": "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70",
                    "agent_number": "A1001",
                    "certified": True,
                    "probation_end_date": "2027-02-28",
                    "birthday": "1998-05-17",
                    "hire_date": "2026-11-01",
                    "external_id": "wang.fang@example.com",
                }
            ]
        },
    )

    id: Id | None = Field(default=None, description="Keep the id of an HR system; generated when absent")
    name: Name
    level: Level
    superior_id: Id | None = None
    team_id: Id | None = None
    agent_number: AgentNumber | None = None
    certified: StrictBool = False
    probation_end_date: Day | None = None
    birthday: Day | None = None
    hire_date: Day | None = None
    external_id: Login | None = None


class EmployeeUpdate(RequestModel):
    """Fields to change; absent fields stay as they are, `null` clears an optional field."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"certified": True, "agent_number": "A1002"}]})

    name: Name | None = None
    level: Level | None = None
    superior_id: Id | None = None
    team_id: Id | None = None
    agent_number: AgentNumber | None = None
    certified: StrictBool | None = None
    probation_end_date: Day | None = None
    birthday: Day | None = None
    hire_date: Day | None = None
    active: StrictBool | None = None
    external_id: Login | None = None
    successor_id: Id | None = Field(
        default=None,
        description=(
            "Who takes over, in the same change: the new superior of this person's direct reports when the "
            "change would leave them without a valid one (ORG-6; for agents, their team's new leader), and a "
            "leaver's open work (ORG-7; by default their superior). Required when the person has reports "
            "the change strands; refused when the change leaves nothing to take over."
        ),
    )


# What an agent does not see of her teammates' entries: they read as null, with `private_fields_hidden`.
PRIVATE_FIELDS = ("certified", "probation_end_date", "birthday", "hire_date", "external_id")


class EmployeeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    level: int
    superior_id: uuid.UUID | None
    superior_name: PersonName = None
    team_id: uuid.UUID | None
    agent_number: str | None
    certified: bool | None = Field(description="null when `private_fields_hidden`")
    probation_end_date: date | None
    birthday: date | None
    hire_date: date | None
    active: bool
    version: int
    updated_at: datetime
    external_id: str | None
    private_fields_hidden: bool = Field(
        default=False,
        description="True on a teammate's entry read by an agent: " + ", ".join(PRIVATE_FIELDS) + " are null",
    )

    @classmethod
    def of(cls, employee: object, *, private_fields: bool = True) -> EmployeeRead:
        """The entry, with its private fields nulled unless `private_fields`."""
        read = cls.model_validate(employee)
        return read if private_fields else read.without_private_fields()

    def without_private_fields(self) -> EmployeeRead:
        """A teammate's entry as an agent reads it: private fields null, `private_fields_hidden` set."""
        return self.model_copy(update={**dict.fromkeys(PRIVATE_FIELDS), "private_fields_hidden": True})


class ImportRowError(BaseModel):
    row: int = Field(description="Index in the submitted array, from 0")
    rule: str | None = None
    detail: str


class ImportResult(BaseModel):
    imported: int
    employees: list[EmployeeRead]
