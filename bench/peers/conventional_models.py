"""The conventional peer's ORM models and schemas: declarative classes over the services' tables,
pydantic models with `from_attributes`, as the FastAPI and SQLAlchemy tutorials write them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, DateTime, ForeignKey, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
    }


# scheduling


class Employee(Base):
    __tablename__ = "employee"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str]
    level: Mapped[int]
    superior_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employee.id"))
    team_id: Mapped[uuid.UUID | None]
    agent_number: Mapped[str | None]
    certified: Mapped[bool] = mapped_column(default=False)
    probation_end_date: Mapped[date | None]
    birthday: Mapped[date | None]
    hire_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    external_id: Mapped[str | None]

    superior: Mapped[Employee | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def superior_name(self) -> str | None:
        return self.superior.name if self.superior is not None else None


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


# the org read copy, in escalation, performance and recognition


class OrgEmployee(Base):
    __tablename__ = "org_employee"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    level: Mapped[int]
    superior_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None]
    active: Mapped[bool]


# escalation


class Category(Base):
    __tablename__ = "category"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str]
    entry_level: Mapped[int]
    level_minutes: Mapped[list[int]]
    warning_minutes: Mapped[int]
    emergency_report_minutes: Mapped[int]
    active: Mapped[bool]


class CaseNumberCounter(Base):
    __tablename__ = "case_number_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]


class Case(Base):
    __tablename__ = "case"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str]
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("category.id"))
    category_code: Mapped[str]
    channel: Mapped[str]
    customer_contact: Mapped[str]
    description: Mapped[str]
    named_agent_id: Mapped[uuid.UUID | None]
    emergency: Mapped[bool]
    owner_id: Mapped[uuid.UUID]
    owner_team_id: Mapped[uuid.UUID | None]
    handler_id: Mapped[uuid.UUID]
    level: Mapped[int]
    status: Mapped[str]
    allowances: Mapped[list[int]]
    warning_minutes: Mapped[int]
    emergency_report_minutes: Mapped[int]
    level_started_at: Mapped[datetime]
    level_due_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    overdue_at: Mapped[datetime | None]
    reply_due_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    reply_breached: Mapped[bool] = mapped_column(default=False)
    emergency_report_due_at: Mapped[datetime | None]
    emergency_reported_at: Mapped[datetime | None]
    department_handler_id: Mapped[uuid.UUID | None]
    department_result: Mapped[str | None]
    handover_item_id: Mapped[uuid.UUID | None]
    resolution: Mapped[str | None]
    resolved_by: Mapped[uuid.UUID | None]
    resolved_at: Mapped[datetime | None]
    callback_at: Mapped[datetime | None]
    callback_reached: Mapped[bool | None]
    callback_satisfied: Mapped[bool | None]
    attributed_agent_id: Mapped[uuid.UUID | None]
    paused_at: Mapped[datetime | None]
    pause_waiting_on: Mapped[str | None]
    pause_reason: Mapped[str | None]
    pause_ends_at: Mapped[datetime | None]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    paused_clocks: Mapped[Any] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @property
    def category(self) -> str:
        return self.category_code

    @property
    def allowances_minutes(self) -> list[int]:
        return self.allowances

    @property
    def paused_minutes(self) -> float:
        return round((self.paused_seconds or 0) / 60, 2)


class CaseStint(Base):
    __tablename__ = "case_stint"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"))
    level: Mapped[int]
    handler_id: Mapped[uuid.UUID]
    started_at: Mapped[datetime]
    paused_seconds: Mapped[int] = mapped_column(default=0)


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


# performance


class ScorecardSection(Base):
    __tablename__ = "scorecard_section"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    position: Mapped[int]
    title: Mapped[str]
    weight: Mapped[float]


class ScorecardItem(Base):
    __tablename__ = "scorecard_item"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    section_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard_section.id"))
    position: Mapped[int]
    code: Mapped[str]
    text: Mapped[str]
    dimension: Mapped[str]
    points: Mapped[float]
    critical: Mapped[str]

    section: Mapped[ScorecardSection] = relationship(lazy="raise")


class EvaluationAnswer(Base):
    __tablename__ = "qa_evaluation_answer"

    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("qa_evaluation.id"), primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard_item.id"), primary_key=True)
    result: Mapped[str]
    points: Mapped[float | None]
    note: Mapped[str]

    item: Mapped[ScorecardItem] = relationship(lazy="raise")


class Dispute(Base):
    __tablename__ = "qa_dispute"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("qa_evaluation.id"))
    raised_by: Mapped[uuid.UUID]
    reason: Mapped[str]
    raised_at: Mapped[datetime]
    reviewer_id: Mapped[uuid.UUID | None]
    outcome: Mapped[str | None]
    resolution_note: Mapped[str | None]
    score_before: Mapped[float]
    score_after: Mapped[float | None]
    resolved_at: Mapped[datetime | None]


class Evaluation(Base):
    __tablename__ = "qa_evaluation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    scorecard_id: Mapped[uuid.UUID]
    scorecard_version: Mapped[int]
    calibration_id: Mapped[uuid.UUID | None]
    interaction_id: Mapped[str]
    agent_id: Mapped[uuid.UUID]
    evaluator_id: Mapped[uuid.UUID]
    channel: Mapped[str]
    interaction_date: Mapped[date]
    status: Mapped[str]
    score: Mapped[float]
    failed_critical: Mapped[bool]
    outcome: Mapped[str | None]
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]

    answers: Mapped[list[EvaluationAnswer]] = relationship(lazy="raise")
    disputes: Mapped[list[Dispute]] = relationship(lazy="raise", order_by=Dispute.raised_at)


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


class MetricBatch(Base):
    __tablename__ = "metric_batch"

    source: Mapped[str] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(primary_key=True)
    content_hash: Mapped[str]
    row_count: Mapped[int]
    received_at: Mapped[datetime]


class RawMetric(Base):
    __tablename__ = "raw_metric"

    agent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[float]


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


# recognition


class Award(Base):
    __tablename__ = "award"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    scope: Mapped[str]
    material: Mapped[bool]
    automatic: Mapped[bool]
    active: Mapped[bool]


class Grant(Base):
    __tablename__ = "award_grant"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"))
    recipient_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None]
    reason: Mapped[str]
    criteria: Mapped[str]
    evidence: Mapped[dict[str, Any]]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    source: Mapped[str]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    granted_by: Mapped[uuid.UUID | None]
    granted_at: Mapped[datetime]

    award: Mapped[Award] = relationship(lazy="raise")


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


class Nomination(Base):
    __tablename__ = "nomination"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"))
    nominee_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None]
    nominated_by: Mapped[uuid.UUID]
    reason: Mapped[str]
    evidence_links: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(default="pending")
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None]
    grant_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime]


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
