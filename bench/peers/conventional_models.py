"""The conventional peer's ORM models: declarative classes over the services' tables, as the
SQLAlchemy tutorial writes them (the schemas are in `conventional_schemas`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
    }


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


class OrgEmployee(Base):
    __tablename__ = "org_employee"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str]
    level: Mapped[int]
    superior_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None]
    active: Mapped[bool]


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
