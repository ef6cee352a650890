"""The configurable limits of the performance rules; every number is a default a center may change."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True)

    dispute_days: int = Field(default=7, ge=1, description="QA-4: days an agent has to dispute a released evaluation")
    bonus_standard: float = Field(default=100.0, gt=0, description="PRF-4: the composite that earns no bonus")
    bonus_cap_percent: float = Field(default=20.0, ge=0, description="PRF-4: the highest bonus percentage")
    attainment_cap: float = Field(default=1.2, gt=0, description="PRF-3: attainment counts at most this much")
    new_hire_days: int = Field(default=60, ge=1, description="PRF-8: days after hire an agent counts as new")
    trend_periods: int = Field(default=3, ge=2, description="PRF-6: falling composites over this many periods")
    complaints_per_month: int = Field(default=3, ge=1, description="PRF-7a: verified complaints in a calendar month")
    complaints_per_year: int = Field(default=5, ge=1, description="PRF-7a: verified complaints in a rolling year")
    qa_item_failures: int = Field(default=3, ge=1, description="PRF-7b: failures of the same QA item ...")
    qa_item_failure_days: int = Field(default=60, ge=1, description="PRF-7b: ... within this many days")
    discipline_per_month: int = Field(default=3, ge=1, description="PRF-7d: discipline violations in a month")
    min_reason_length: int = Field(default=5, ge=1, description="PRF-5: shortest acceptable reason for bonus points")
