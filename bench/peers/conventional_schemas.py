"""The conventional peer's request and response schemas: pydantic models, `from_attributes` where
an ORM object becomes the answer, as the FastAPI tutorial writes them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class EmployeeIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    level: int = Field(ge=1, le=5)
    superior_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    agent_number: str | None = Field(None, max_length=32)
    certified: bool = False
    probation_end_date: date | None = None
    birthday: date | None = None
    hire_date: date | None = None
    external_id: str | None = Field(None, max_length=255)


class EmployeeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    level: int
    superior_id: uuid.UUID | None
    superior_name: str | None = None
    team_id: uuid.UUID | None
    agent_number: str | None
    certified: bool | None
    probation_end_date: date | None
    birthday: date | None
    hire_date: date | None
    active: bool
    version: int
    updated_at: datetime
    external_id: str | None
    private_fields_hidden: bool = False


class EmployeePage(BaseModel):
    items: list[EmployeeOut]
    limit: int
    offset: int
    total: int


class CaseIn(BaseModel):
    category: str = Field(min_length=1, max_length=64)
    channel: Literal["phone", "online", "email", "internal", "handover_item"]
    customer_contact: str = Field("", max_length=500)
    description: str = Field(min_length=1, max_length=10_000)
    named_agent_id: uuid.UUID | None = None
    emergency: bool = False


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    category: str
    channel: str
    customer_contact: str | None
    description: str
    named_agent_id: uuid.UUID | None
    named_agent_name: str | None = None
    emergency: bool
    owner_id: uuid.UUID
    owner_name: str | None = None
    handler_id: uuid.UUID
    handler_name: str | None = None
    level: int
    status: str
    allowances_minutes: list[int]
    level_started_at: datetime
    level_due_at: datetime
    acknowledged_at: datetime | None
    overdue_at: datetime | None
    reply_due_at: datetime | None
    replied_at: datetime | None
    reply_breached: bool
    emergency_report_due_at: datetime | None
    emergency_reported_at: datetime | None
    department_handler_id: uuid.UUID | None
    department_handler_name: str | None = None
    department_result: str | None
    handover_item_id: uuid.UUID | None
    resolution: str | None
    resolved_by: uuid.UUID | None
    resolved_by_name: str | None = None
    resolved_at: datetime | None
    callback_at: datetime | None
    callback_reached: bool | None
    callback_satisfied: bool | None
    attributed_agent_id: uuid.UUID | None
    attributed_agent_name: str | None = None
    paused_at: datetime | None
    pause_waiting_on: str | None
    pause_reason: str | None
    pause_ends_at: datetime | None
    paused_minutes: float
    opened_at: datetime


class CasePage(BaseModel):
    items: list[CaseOut]
    limit: int
    offset: int
    total: int


class AnswerOut(BaseModel):
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


class SectionOut(BaseModel):
    title: str
    weight: float
    score: float | None
    zeroed_by: str | None = None


class DisputeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    raised_by: uuid.UUID
    reason: str
    raised_at: datetime
    reviewer_id: uuid.UUID | None
    outcome: str | None
    resolution_note: str | None
    score_before: float
    score_after: float | None
    resolved_at: datetime | None


class EvaluationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    scorecard_id: uuid.UUID
    scorecard_version: int
    calibration_id: uuid.UUID | None
    interaction_id: str
    agent_id: uuid.UUID
    agent_name: str | None = None
    evaluator_id: uuid.UUID
    evaluator_name: str | None = None
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
    sections: list[SectionOut]
    answers: list[AnswerOut]
    disputes: list[DisputeOut]


class EvaluationPage(BaseModel):
    items: list[EvaluationOut]
    limit: int
    offset: int
    total: int


class MetricRowIn(BaseModel):
    agent_id: uuid.UUID
    day: date
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    value: float = Field(ge=0)


class MetricBatchIn(BaseModel):
    source: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    batch_id: str = Field(min_length=1, max_length=128)
    rows: list[MetricRowIn] = Field(min_length=1, max_length=10_000)


class MetricBatchOut(BaseModel):
    source: str
    batch_id: str
    rows: int
    inserted: int
    duplicate: bool


class GrantOut(BaseModel):
    id: uuid.UUID
    award_id: uuid.UUID
    award_name: str
    material: bool
    recipient_id: uuid.UUID | None
    recipient_name: str | None
    team_id: uuid.UUID | None
    reason: str
    criteria: str
    evidence: dict[str, Any]
    amount: Decimal | None
    amount_hidden: bool
    source: str
    period_start: date | None
    period_end: date | None
    granted_by: uuid.UUID | None
    granted_by_name: str | None = None
    granted_at: datetime


class GrantPage(BaseModel):
    items: list[GrantOut]
    limit: int
    offset: int
    total: int


class NominationIn(BaseModel):
    award_id: uuid.UUID
    nominee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    reason: str = Field(min_length=10, max_length=4000)
    evidence_links: list[str] = Field(default_factory=list, max_length=20)


class NominationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    award_id: uuid.UUID
    nominee_id: uuid.UUID | None
    nominee_name: str | None = None
    team_id: uuid.UUID | None
    nominated_by: uuid.UUID
    nominated_by_name: str | None = None
    reason: str
    evidence_links: list[str]
    status: str
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    decision_note: str | None
    grant_id: uuid.UUID | None
    created_at: datetime
