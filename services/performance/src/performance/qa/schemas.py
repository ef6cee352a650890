from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Day, Id, RequestModel
from callcenter_shared.names import PersonName


class ItemIn(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$", examples=["greeting"])
    text: str = Field(min_length=1, max_length=500, examples=["Greets with name and agent number"])
    dimension: str = Field(
        min_length=1,
        max_length=32,
        description="QA-2: service_skills, efficiency, expression, learning or operation",
        examples=["service_skills"],
    )
    points: float = Field(gt=0, le=1000, examples=[10])
    critical: Literal["none", "section", "evaluation"] = Field(
        default="none", description="A failed `evaluation` item zeroes the evaluation, a `section` item its section"
    )
    allow_na: bool = False


class SectionIn(RequestModel):
    title: str = Field(min_length=1, max_length=200, examples=["Opening"])
    weight: float = Field(gt=0, le=1000, examples=[30])
    items: list[ItemIn] = Field(min_length=1, max_length=200)


class ScorecardCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200, examples=["Inbound voice"])
    sections: list[SectionIn] = Field(min_length=1, max_length=50)


class ScorecardUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    sections: list[SectionIn] | None = Field(default=None, min_length=1, max_length=50)


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    text: str
    dimension: str
    points: float
    critical: str
    allow_na: bool


class SectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    weight: float
    items: list[ItemRead]


class ScorecardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    family_id: uuid.UUID
    version: int
    name: str
    status: str
    created_by: uuid.UUID
    created_by_name: PersonName = None
    created_at: datetime
    published_at: datetime | None
    sections: list[SectionRead]


class AnswerIn(RequestModel):
    item_id: Id
    result: Literal["pass", "partial", "fail", "na"]
    points: float | None = Field(default=None, ge=0, description="Only for `partial`: the points given")
    note: str = Field(default="", max_length=2000, description="QA-6: why; required for partial and fail")


class EvaluationCreate(RequestModel):
    scorecard_id: Id
    interaction_id: str = Field(min_length=1, max_length=100, examples=["acd-2026-11-20-000123"])
    agent_id: Id
    channel: str = Field(min_length=1, max_length=32, examples=["voice"])
    interaction_date: Day
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class AnswersUpdate(RequestModel):
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class DisputeCreate(RequestModel):
    reason: str = Field(min_length=5, max_length=4000, examples=["The customer hung up before I could confirm."])


class DisputeResolve(RequestModel):
    outcome: Literal["upheld", "adjusted"]
    note: str = Field(min_length=5, max_length=4000)
    answers: list[AnswerIn] | None = Field(default=None, description="Required when adjusting: the corrected answers")


class AnswerRead(BaseModel):
    item_id: uuid.UUID
    code: str
    section: str
    text: str
    dimension: str
    points_possible: float
    critical: str
    result: str
    points: float | None
    note: str


class SectionScore(BaseModel):
    title: str
    weight: float
    score: float | None = Field(description="None when every item of the section was N/A")
    zeroed_by: str | None = Field(default=None, description="Code of the failed section-critical item")


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    raised_by: uuid.UUID
    raised_by_name: PersonName = None
    reason: str
    raised_at: datetime
    reviewer_id: uuid.UUID | None
    reviewer_name: PersonName = None
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader the reviewer decided for, as their deputy (LEV-7)"
    )
    acting_for_name: PersonName = None
    outcome: str | None
    resolution_note: str | None
    score_before: float
    score_after: float | None
    resolved_at: datetime | None


class EvaluationRead(BaseModel):
    id: uuid.UUID
    scorecard_id: uuid.UUID
    scorecard_version: int
    calibration_id: uuid.UUID | None
    interaction_id: str
    agent_id: uuid.UUID
    agent_name: PersonName = None
    evaluator_id: uuid.UUID
    evaluator_name: PersonName = None
    channel: str
    interaction_date: date
    status: str
    score: float
    failed_critical: bool
    outcome: str | None
    created_at: datetime
    released_at: datetime | None
    dispute_until: datetime | None
    finalized_at: datetime | None
    sections: list[SectionScore]
    answers: list[AnswerRead]
    disputes: list[DisputeRead]


class CalibrationCreate(RequestModel):
    scorecard_id: Id
    interaction_id: str = Field(min_length=1, max_length=100)
    agent_id: Id
    channel: str = Field(min_length=1, max_length=32)
    interaction_date: Day


class CalibrationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scorecard_id: uuid.UUID
    interaction_id: str
    agent_id: uuid.UUID
    agent_name: PersonName = None
    channel: str
    interaction_date: date
    created_by: uuid.UUID
    created_by_name: PersonName = None
    created_at: datetime


class ItemSpread(BaseModel):
    item_id: uuid.UUID
    code: str
    points_by_evaluator: dict[str, float | None]
    median: float | None
    spread: float | None = Field(description="Highest minus lowest points given (N/A left out)")


class EvaluatorDeviation(BaseModel):
    evaluator_id: uuid.UUID
    evaluator_name: PersonName = None
    score: float
    deviation_from_median: float


class CalibrationReport(BaseModel):
    calibration_id: uuid.UUID
    evaluations: int
    median_score: float | None
    score_spread: float | None
    items: list[ItemSpread]
    evaluators: list[EvaluatorDeviation]


EvaluationSort = Literal["created_at", "-created_at", "released_at", "-released_at"]
