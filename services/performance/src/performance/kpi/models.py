from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from performance.db import Base


class PeriodStatus(StrEnum):
    """A KPI period is open until closed; a closed period is immutable (PRF-3)."""

    open = "open"
    closed = "closed"


class KpiKind(StrEnum):
    """How a KPI is computed from the raw metrics (PRF-1)."""

    ratio = "ratio"
    average = "average"
    threshold = "threshold"
    sum = "sum"


class KpiFormulaColumns:
    """What a KPI is computed from (PRF-1): a formula kind from a fixed set and its metric codes."""

    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))  # ratio | average | threshold | sum
    metric: Mapped[str] = mapped_column(String(64))
    denominator_metric: Mapped[str | None] = mapped_column(String(64))
    scale: Mapped[float] = mapped_column(Float, default=1.0)
    threshold: Mapped[float | None] = mapped_column(Float)
    threshold_op: Mapped[str | None] = mapped_column(String(2))  # le | ge
    direction: Mapped[str] = mapped_column(String(8))  # higher | lower
    target: Mapped[float] = mapped_column(Float)
    new_hire_target: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)


class KpiDefinition(KpiFormulaColumns, Base):
    __tablename__ = "kpi_definition"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by every change: the definition's ETag, so a stale PATCH gets 412.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KpiPeriod(Base):
    __tablename__ = "kpi_period"
    __table_args__ = (UniqueConstraint("start_date", "end_date"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    opened_by: Mapped[uuid.UUID]
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_by: Mapped[uuid.UUID | None]
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    agent_count: Mapped[int | None] = mapped_column(Integer)


class PeriodKpi(KpiFormulaColumns, Base):
    """The KPI definitions as announced when the period opened; the close uses these (PRF-1)."""

    __tablename__ = "period_kpi"

    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kpi_period.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class MetricBatch(Base):
    """A received batch; the same (source, batch id) with other content is refused (PRF-2)."""

    __tablename__ = "metric_batch"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RawMetric(Base):
    """One raw value per agent, day, metric and source batch (PRF-2); written with Core statements."""

    __tablename__ = "raw_metric"
    __table_args__ = (Index("ix_raw_metric_day_agent", "day", "agent_id"),)

    agent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class AgentPeriodResult(Base):
    """An agent's closed scorecard for a period (PRF-3); never changed after the close."""

    __tablename__ = "agent_period_result"

    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kpi_period.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    new_hire: Mapped[bool] = mapped_column(Boolean)
    composite: Mapped[float] = mapped_column(Float)
    rank_in_team: Mapped[int] = mapped_column(Integer)
    rank_in_center: Mapped[int] = mapped_column(Integer)


class AgentPeriodKpi(Base):
    __tablename__ = "agent_period_kpi"

    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kpi_period.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kpi_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    attainment: Mapped[float | None] = mapped_column(Float)


class PeriodAdjustment(Base):
    """A correction to a closed scorecard, with its reason; the closed numbers stay as they were (PRF-3)."""

    __tablename__ = "period_adjustment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kpi_period.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    composite_delta: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BonusPoint(Base):
    """A leader's monthly bonus points for one member, with the reason (PRF-5)."""

    __tablename__ = "bonus_point"
    __table_args__ = (UniqueConstraint("agent_id", "month"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID]
    team_id: Mapped[uuid.UUID] = mapped_column(index=True)
    month: Mapped[date] = mapped_column(Date)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    given_by: Mapped[uuid.UUID]
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
