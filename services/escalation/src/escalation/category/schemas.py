from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import RequestModel

Minutes = Annotated[int, Field(ge=1, le=60 * 24 * 30)]

MINUTES_PER_LEVEL = Field(
    min_length=5,
    max_length=5,
    description="Minutes allowed at L1..L5 (index 0 is L1) before the case climbs a level (ESC-3)",
    examples=[[30, 60, 120, 240, 480]],
)


class CategoryCreate(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$", examples=["service_attitude"])
    name: str = Field(min_length=1, max_length=200, examples=["Complaint about service attitude"])
    entry_level: int = Field(ge=1, le=5, description="The level that handles the case first (ESC-2)")
    level_minutes: list[Minutes] = MINUTES_PER_LEVEL
    reply_limit_minutes: int = Field(480, ge=1, le=60 * 24 * 30, description="Customer reply limit (ESC-9)")
    warning_minutes: int = Field(15, ge=0, le=24 * 60, description="Warn the handler this long before a deadline")
    emergency_report_minutes: int = Field(60, ge=1, le=24 * 60, description="Emergency report due (ESC-6)")
    max_pause_minutes: Minutes | None = Field(
        None, description="Longest pause before the clocks resume by themselves (ESC-13); null: CASE_MAX_PAUSE_MINUTES"
    )
    must_report: bool = Field(False, description="Starts at L2 or above and notifies the chain (ESC-8)")
    attributable: bool = Field(False, description="A complaint that can be attributed to an agent (ESC-12)")


class CategoryUpdate(RequestModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    entry_level: int | None = Field(None, ge=1, le=5)
    level_minutes: list[Minutes] | None = Field(None, min_length=5, max_length=5)
    reply_limit_minutes: int | None = Field(None, ge=1, le=60 * 24 * 30)
    warning_minutes: int | None = Field(None, ge=0, le=24 * 60)
    emergency_report_minutes: int | None = Field(None, ge=1, le=24 * 60)
    max_pause_minutes: Minutes | None = Field(None, description="ESC-13; null: back to CASE_MAX_PAUSE_MINUTES")
    must_report: bool | None = None
    attributable: bool | None = None
    active: bool | None = None


class CategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    entry_level: int
    level_minutes: list[int]
    reply_limit_minutes: int
    warning_minutes: int
    emergency_report_minutes: int
    max_pause_minutes: int | None
    must_report: bool
    attributable: bool
    active: bool
    version: int
