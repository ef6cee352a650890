"""Award tracks: request and response models (REC-3)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Id, RequestModel


class TrackRuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    track: str
    scope: str
    kpi_code: str | None
    award_id: uuid.UUID
    min_agents: int
    min_evaluations: int
    enabled: bool
    version: int = Field(description='Bumped by every change; send it back as `If-Match: "<version>"`')


class TrackRuleCreate(RequestModel):
    track: Literal["kpi_top", "kpi_most_improved", "qa_top"]
    scope: Literal["team", "center"]
    kpi_code: str | None = Field(None, max_length=64, description="Only this KPI; none means every KPI")
    award_id: Id
    min_agents: int = Field(2, ge=1, le=1000, description="Agents with data needed in the scope")
    min_evaluations: int = Field(2, ge=1, le=1000, description="QA track: evaluations an agent needs")
    enabled: bool = True


class TrackRuleUpdate(RequestModel):
    award_id: Id | None = None
    min_agents: int | None = Field(None, ge=1, le=1000)
    min_evaluations: int | None = Field(None, ge=1, le=1000)
    enabled: bool | None = None


class TeamShareRead(BaseModel):
    team_id: uuid.UUID
    team_name: str
    agents: int
    recognised: int
    share: float = Field(description="Recognised agents / agents, 0..1")
