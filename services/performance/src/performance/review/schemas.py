from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Day, Id, RequestModel
from callcenter_shared.names import PersonName


class TrainingResultCreate(RequestModel):
    agent_id: Id
    course: str = Field(min_length=1, max_length=200, examples=["New broadband tariffs"])
    kind: Literal["assessment", "resit", "mandatory"]
    outcome: Literal["passed", "failed", "missed"]
    taken_on: Day


class TrainingResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: PersonName = None
    course: str
    kind: str
    outcome: str
    taken_on: date
    recorded_by: uuid.UUID
    recorded_by_name: PersonName = None
    recorded_at: datetime


class ViolationCreate(RequestModel):
    employee_id: Id
    kind: str = Field(min_length=1, max_length=32, examples=["absent_from_post"])
    occurred_on: Day
    detail: str = Field(min_length=3, max_length=2000)


class ViolationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: PersonName = None
    kind: str
    occurred_on: date
    reference: str
    detail: str
    recorded_at: datetime


class StepCreate(RequestModel):
    note: str = Field(min_length=5, max_length=4000, description="Nothing is decided without the record (PRF-7)")


class ReassessmentCreate(StepCreate):
    passed: bool


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str
    by: uuid.UUID | None
    by_name: PersonName = None
    note: str
    at: datetime


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: PersonName = None
    rule: str
    evidence: str
    status: str
    flagged_at: datetime
    steps: list[StepRead]
