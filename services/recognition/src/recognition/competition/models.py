"""Skills competitions: categories, entrants, judges, scores, winners' training follow-up (REC-7)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from recognition.db import Base


class CompetitionStatus(StrEnum):
    """A competition's round, in order."""

    registration = "registration"
    preliminary = "preliminary"
    final = "final"
    awarded = "awarded"
    completed = "completed"


class Competition(Base):
    __tablename__ = "competition"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # registration | preliminary | final | awarded | completed
    finalists_per_category: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{code, name, max_score}]
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CompetitionCategory(Base):
    __tablename__ = "competition_category"
    __table_args__ = (UniqueConstraint("competition_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    competition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))


class CompetitionJudge(Base):
    __tablename__ = "competition_judge"

    competition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition.id"), primary_key=True)
    judge_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Entrant(Base):
    """One employee registered in one category of a competition."""

    __tablename__ = "competition_entrant"
    __table_args__ = (UniqueConstraint("category_id", "employee_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    competition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition.id"), index=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition_category.id"))
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    finalist: Mapped[bool] = mapped_column(Boolean, default=False)
    winner: Mapped[bool] = mapped_column(Boolean, default=False)
    preliminary_total: Mapped[float | None] = mapped_column(Float)
    final_total: Mapped[float | None] = mapped_column(Float)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CompetitionScore(Base):
    __tablename__ = "competition_score"
    __table_args__ = (UniqueConstraint("entrant_id", "round", "judge_id", "criterion"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entrant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition_entrant.id"), index=True)
    round: Mapped[str] = mapped_column(String(16))  # preliminary | final
    judge_id: Mapped[uuid.UUID]
    criterion: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrainingPlan(Base):
    """What a winner owes colleagues after the competition."""

    __tablename__ = "training_plan"

    entrant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition_entrant.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(Text)
    sessions_planned: Mapped[int] = mapped_column(Integer)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrainingSession(Base):
    __tablename__ = "training_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entrant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("competition_entrant.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(Text)
    attendee_count: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
