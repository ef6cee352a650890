from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter_shared.db import UtcDateTime
from performance.db import Base


class ScorecardStatus(StrEnum):
    """A QA scorecard is edited as a draft and used once published."""

    draft = "draft"
    published = "published"


class EvaluationStatus(StrEnum):
    """Where a QA evaluation stands (QA-1..6)."""

    draft = "draft"
    released = "released"
    disputed = "disputed"
    final = "final"


class Scorecard(Base):
    """One version of a QA form; versions of the same form share `family_id` (QA-1)."""

    __tablename__ = "scorecard"
    __table_args__ = (UniqueConstraint("family_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # draft | published
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    sections: Mapped[list[ScorecardSection]] = relationship(
        order_by="ScorecardSection.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ScorecardSection(Base):
    __tablename__ = "scorecard_section"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    scorecard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(Float)

    items: Mapped[list[ScorecardItem]] = relationship(
        order_by="ScorecardItem.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ScorecardItem(Base):
    __tablename__ = "scorecard_item"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    section_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(500))
    dimension: Mapped[str] = mapped_column(String(32))
    points: Mapped[float] = mapped_column(Float)
    critical: Mapped[str] = mapped_column(String(16))  # none | section | evaluation
    allow_na: Mapped[bool] = mapped_column(Boolean)


class Calibration(Base):
    """Several evaluators score the same interaction to compare their judgement (QA-5)."""

    __tablename__ = "qa_calibration"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    scorecard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard.id"))
    interaction_id: Mapped[str] = mapped_column(String(100))
    agent_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(String(32))
    interaction_date: Mapped[date] = mapped_column(Date)
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Evaluation(Base):
    __tablename__ = "qa_evaluation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    scorecard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard.id"), index=True)
    scorecard_version: Mapped[int] = mapped_column(Integer)
    calibration_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("qa_calibration.id"), index=True)
    interaction_id: Mapped[str] = mapped_column(String(100))
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # Indexed: a team leader lists their agents' evaluations and their own (agent_id IN (...) OR evaluator_id = me).
    evaluator_id: Mapped[uuid.UUID] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(32))
    interaction_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # draft | released | disputed | final
    score: Mapped[float] = mapped_column(Float)
    failed_critical: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(16))  # undisputed | upheld | adjusted
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    answers: Mapped[list[EvaluationAnswer]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    disputes: Mapped[list[Dispute]] = relationship(
        order_by="Dispute.raised_at", cascade="all, delete-orphan", lazy="selectin"
    )


class EvaluationAnswer(Base):
    __tablename__ = "qa_evaluation_answer"

    evaluation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qa_evaluation.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scorecard_item.id"), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    result: Mapped[str] = mapped_column(String(8))  # pass | partial | fail | na
    points: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class Dispute(Base):
    """An agent's dispute and its resolution; `answers_before` keeps what the evaluator had scored (QA-4)."""

    __tablename__ = "qa_dispute"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    evaluation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("qa_evaluation.id", ondelete="CASCADE"), index=True)
    raised_by: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reviewer_id: Mapped[uuid.UUID | None]
    acting_for_id: Mapped[uuid.UUID | None]  # the absent leader the reviewer acted for (LEV-7)
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld | adjusted
    resolution_note: Mapped[str | None] = mapped_column(Text)
    score_before: Mapped[float] = mapped_column(Float)
    score_after: Mapped[float | None] = mapped_column(Float)
    answers_before: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
