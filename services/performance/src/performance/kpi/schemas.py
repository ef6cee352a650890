from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from callcenter_shared.contracts.ingest import AgentDailyMetric
from callcenter_shared.inputs import Day, Id, Month, RequestModel
from callcenter_shared.names import PersonName


class KpiFormula(RequestModel):
    """A formula from a fixed, safe set (PRF-1); nothing the client sends is ever evaluated as code."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    kind: Literal["ratio", "average", "threshold", "sum"] = Field(
        description="ratio: scale × Σmetric / Σdenominator_metric; average: scale × mean of the daily values; "
        "threshold: scale × share of days whose value is `threshold_op` threshold; sum: Σmetric (missing = 0)"
    )
    metric: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    denominator_metric: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    scale: float = Field(default=1.0, gt=0, le=1_000_000)
    threshold: float | None = None
    threshold_op: Literal["le", "ge"] | None = None
    direction: Literal["higher", "lower"]
    target: float = Field(ge=0)
    new_hire_target: float | None = Field(
        default=None, ge=0, description="PRF-8: target for agents in their first days"
    )
    weight: float = Field(gt=0, le=1000)

    @model_validator(mode="after")
    def _formula_complete(self) -> KpiFormula:
        if self.kind == "ratio" and not self.denominator_metric:
            raise ValueError("a ratio needs denominator_metric")
        if self.kind != "ratio" and self.denominator_metric:
            raise ValueError("only a ratio has a denominator_metric")
        if self.kind == "threshold" and (self.threshold is None or self.threshold_op is None):
            raise ValueError("a threshold KPI needs threshold and threshold_op")
        if self.kind != "threshold" and (self.threshold is not None or self.threshold_op is not None):
            raise ValueError("only a threshold KPI has threshold and threshold_op")
        return self


class KpiCreate(KpiFormula):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")


class KpiUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    target: float | None = Field(default=None, ge=0)
    new_hire_target: float | None = Field(default=None, ge=0)
    weight: float | None = Field(default=None, gt=0, le=1000)
    active: bool | None = None


class KpiRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    description: str
    kind: str
    metric: str
    denominator_metric: str | None
    scale: float
    threshold: float | None
    threshold_op: str | None
    direction: str
    target: float
    new_hire_target: float | None
    weight: float
    active: bool = True


class KpiDefinitionRead(KpiRead):
    """A current definition; a period's frozen copies (`KpiRead`) have no version of their own."""

    version: int = Field(description='Bumped by every change; send it back as `If-Match: "<version>"`')


class MetricRowIn(AgentDailyMetric):
    """A row of the event contract, held to the same strict input rules as every request body."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    day: Day


class MetricBatchIn(RequestModel):
    source: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", examples=["acd"])
    batch_id: str = Field(min_length=1, max_length=128, examples=["acd-2026-10-31"])
    rows: list[MetricRowIn] = Field(min_length=1, max_length=10_000)


class MetricBatchResult(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: str
    batch_id: str
    rows: int
    inserted: int
    duplicate: bool = Field(description="True when this batch had been received before: nothing changed")


class MetricRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    agent_id: uuid.UUID
    agent_name: PersonName = None
    day: date
    metric: str
    value: float
    source: str
    batch_id: str


class PeriodCreate(RequestModel):
    month: Month | None = Field(default=None, examples=["2026-10"])
    start_date: Day | None = None
    end_date: Day | None = None

    @model_validator(mode="after")
    def _one_way(self) -> PeriodCreate:
        if (self.month is None) == (self.start_date is None or self.end_date is None):
            raise ValueError("give either month, or start_date and end_date")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class PeriodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    start_date: date
    end_date: date
    status: str
    opened_at: datetime
    closed_at: datetime | None
    agent_count: int | None


class KpiResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kpi_code: str
    value: float | None
    target: float
    weight: float
    attainment: float | None


class AdjustmentCreate(RequestModel):
    composite_delta: float = Field(ge=-1000, le=1000)
    reason: str = Field(min_length=5, max_length=2000)


class AdjustmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    composite_delta: float
    reason: str
    created_by: uuid.UUID
    created_by_name: PersonName = None
    created_at: datetime


class BonusComputation(BaseModel):
    """PRF-4: bonus % = percentage by which the composite exceeds the standard, capped; 0 below."""

    composite: float
    standard: float
    excess_percent: float
    cap_percent: float
    bonus_percent: float
    explanation: str


class AgentScorecardRead(BaseModel):
    period_id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: PersonName = None
    team_id: uuid.UUID | None
    new_hire: bool
    composite: float
    rank_in_team: int
    rank_in_center: int
    kpis: list[KpiResultRead]
    adjustments: list[AdjustmentRead]
    adjusted_composite: float
    bonus: BonusComputation


class BonusPointCreate(RequestModel):
    agent_id: Id
    month: Month = Field(examples=["2026-10"])
    points: float = Field(ge=0, le=100)
    reason: str = Field(default="", max_length=2000, description="PRF-5: why high, why low")


class BonusPointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: PersonName = None
    team_id: uuid.UUID
    month: date
    points: float
    reason: str
    given_by: uuid.UUID
    given_by_name: PersonName = None
    given_at: datetime


class TeamBonusPoints(BaseModel):
    team_id: uuid.UUID
    month: date
    members: int
    scored: int
    points: list[BonusPointRead]
    flagged: bool = Field(description="PRF-5: every member got identical points")
    rule: str | None = None
    detail: str | None = None


class NewHireKpi(BaseModel):
    kpi_code: str
    value: float | None
    new_hire_target: float
    veteran_target: float
    attainment: float | None


class NewHireRead(BaseModel):
    """PRF-8: an agent in their first days, measured so far this month against new-hire targets."""

    agent_id: uuid.UUID
    name: str
    team_id: uuid.UUID | None
    hire_date: date
    days_since_hire: int
    tracked_until: date
    month_start: date
    kpis: list[NewHireKpi]
