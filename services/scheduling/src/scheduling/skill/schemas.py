"""The skill catalog and people's skills: request and response models (ROS-5)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter_shared.inputs import Day, RequestModel
from callcenter_shared.names import PersonName

SkillCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9_-]*$"),
]


class SkillCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "english", "name": "English line", "description": "Takes calls in English"}]
        }
    )

    code: SkillCode = Field(description="How shifts name the skill (`required_skills`): lower case, digits, - and _")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class SkillRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    description: str
    created_by: uuid.UUID | None
    created_by_name: PersonName = None
    created_at: datetime


class SkillGrant(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"obtained_on": "2026-10-15"}]})

    obtained_on: Day = Field(description="The day the person obtained the skill (passed its training), not after today")


class EmployeeSkillRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    employee_id: uuid.UUID
    employee_name: PersonName = None
    skill_code: str
    skill_name: str
    obtained_on: date
    granted_by: uuid.UUID | None
    granted_by_name: PersonName = None
    granted_at: datetime
