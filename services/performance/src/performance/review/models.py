from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter_shared.db import UtcDateTime
from performance.db import Base


class ReviewStatus(StrEnum):
    """Where a bottom-rank review stands (PRF-7)."""

    flagged = "flagged"
    in_training = "in_training"
    back_on_post = "back_on_post"
    referred_to_hr = "referred_to_hr"


class TrainingKind(StrEnum):
    assessment = "assessment"
    resit = "resit"
    mandatory = "mandatory"


class TrainingOutcome(StrEnum):
    passed = "passed"
    failed = "failed"
    missed = "missed"


class Complaint(Base):
    """A verified complaint attributed to an agent (ESC-12), kept as evidence for PRF-7a."""

    __tablename__ = "complaint"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(String(64))
    complaint_date: Mapped[date] = mapped_column(Date)
    verified_by: Mapped[uuid.UUID]
    attributed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Violation(Base):
    """A discipline violation (late for handover, or recorded by a leader), evidence for PRF-7d."""

    __tablename__ = "discipline_violation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    detail: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrainingResult(Base):
    """A training outcome: assessment, resit or mandatory course (PRF-7c, PRF-7e)."""

    __tablename__ = "training_result"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # assessment | resit | mandatory
    outcome: Mapped[str] = mapped_column(String(8))  # passed | failed | missed
    taken_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Review(Base):
    """A bottom-rank review: flagged → in_training → back_on_post | referred_to_hr (PRF-7)."""

    __tablename__ = "review"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    rule: Mapped[str] = mapped_column(String(8))
    evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime)

    steps: Mapped[list[ReviewStep]] = relationship(
        order_by="ReviewStep.at", cascade="all, delete-orphan", lazy="selectin"
    )


class ReviewStep(Base):
    __tablename__ = "review_step"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))  # flagged | in_training | back_on_post | referred_to_hr
    by: Mapped[uuid.UUID | None]
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
