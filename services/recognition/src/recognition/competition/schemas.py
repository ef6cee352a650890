from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callcenter_shared.inputs import Day, Id, RequestModel
from callcenter_shared.names import PersonName

CompetitionStatus = Literal["registration", "preliminary", "final", "awarded", "completed"]
CompetitionSort = Literal["created_at", "-created_at", "name", "-name"]


class CompetitionSummary(BaseModel):
    """A competition in a list: where it stands, without its entrants and scores."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    status: str = Field(description="registration, preliminary, final, awarded, then completed (REC-7)")
    created_by: uuid.UUID
    created_by_name: PersonName = None
    created_at: datetime
    completed_at: datetime | None


class CategoryIn(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)


class CriterionIn(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)
    max_score: float = Field(gt=0, le=1000)


class CompetitionCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    categories: list[CategoryIn] = Field(min_length=1, max_length=20)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=20)
    finalists_per_category: int = Field(3, ge=1, le=50)
    judge_ids: list[Id] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _unique_codes(self) -> CompetitionCreate:
        for label, codes in (
            ("category", [c.code for c in self.categories]),
            ("criterion", [c.code for c in self.criteria]),
        ):
            if len(set(codes)) != len(codes):
                raise ValueError(f"each {label} code must be unique")
        return self


class JudgesAdd(RequestModel):
    judge_ids: list[Id] = Field(min_length=1, max_length=50)


class EntrantCreate(RequestModel):
    category_code: str
    employee_id: Id | None = Field(None, description="Defaults to the caller (self-registration)")


class ScoreSheet(RequestModel):
    entrant_id: Id
    scores: dict[str, float] = Field(description="One score per criterion code", min_length=1)


class TrainingPlanCreate(RequestModel):
    topic: str = Field(min_length=5, max_length=2000)
    sessions_planned: int = Field(ge=1, le=100)


class TrainingSessionCreate(RequestModel):
    held_on: Day
    topic: str = Field(min_length=3, max_length=2000)
    attendee_count: int = Field(ge=1, le=10_000)


class EntrantRead(BaseModel):
    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: PersonName = None
    category_code: str
    finalist: bool
    winner: bool
    preliminary_total: float | None
    final_total: float | None
    sessions_planned: int | None
    sessions_held: int


class CategoryRead(BaseModel):
    code: str
    name: str
    entrants: list[EntrantRead]
    winners: list[uuid.UUID]


class CompetitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    status: str
    finalists_per_category: int
    criteria: list[CriterionIn]
    judge_ids: list[uuid.UUID]
    categories: list[CategoryRead]
    completed_at: datetime | None
    outstanding: list[str] = Field(description="What still stands between the competition and completion")
