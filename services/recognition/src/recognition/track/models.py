"""Periodic award tracks fed by performance events (REC-3)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from recognition.db import Base


class TrackPeriod(Base):
    """A KPI period as recognition sees it: how many results to expect, and whether awards were computed."""

    __tablename__ = "track_period"

    period_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    agent_count: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    touches: Mapped[int] = mapped_column(Integer, default=0)


class AgentPeriodResult(Base):
    """One agent's closed scorecard for one period (from `agent_period_scorecard.closed`)."""

    __tablename__ = "agent_period_result"
    __table_args__ = (UniqueConstraint("period_id", "agent_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period_id: Mapped[uuid.UUID] = mapped_column(index=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None]
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    composite: Mapped[float] = mapped_column(Float)
    rank_in_team: Mapped[int] = mapped_column(Integer)
    rank_in_center: Mapped[int] = mapped_column(Integer)
    new_hire: Mapped[bool] = mapped_column(Boolean, default=False)
    kpis: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class QaResult(Base):
    """A finalized QA evaluation score (from `qa_evaluation.finalized`), for the QA track."""

    __tablename__ = "qa_result"

    evaluation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    score: Mapped[float] = mapped_column(Float)
    finalized_on: Mapped[date] = mapped_column(Date, index=True)


class TrackRule(Base):
    """Which track grants which award, in which scope: the configurable part of REC-3."""

    __tablename__ = "track_rule"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    track: Mapped[str] = mapped_column(String(32))  # kpi_top | kpi_most_improved | qa_top
    scope: Mapped[str] = mapped_column(String(16))  # team | center
    kpi_code: Mapped[str | None] = mapped_column(String(64))  # None: every KPI
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"))
    min_agents: Mapped[int] = mapped_column(Integer, default=2)  # agents with data needed in the scope
    min_evaluations: Mapped[int] = mapped_column(Integer, default=2)  # QA track: evaluations per agent
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by every change: the rule's ETag, so a stale PATCH gets 412.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
