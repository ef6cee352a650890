from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Day, Id, RequestModel
from callcenter_shared.names import PersonName


class CoachingCreate(RequestModel):
    agent_id: Id
    goals: list[str] = Field(min_length=1, max_length=20, examples=[["Bring AHT under 300 s", "Confirm every fix"]])
    notes: str = Field(default="", max_length=4000)
    follow_up_due: Day | None = None


class FollowUpCreate(RequestModel):
    note: str = Field(min_length=3, max_length=4000)
    next_due: Day | None = Field(default=None, description="The next follow-up; none closes the item")


class FollowUpRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    note: str
    by: uuid.UUID
    by_name: PersonName = None
    at: datetime
    next_due: date | None


class CoachingRead(BaseModel):
    id: uuid.UUID
    agent_id: uuid.UUID
    agent_name: PersonName = None
    leader_id: uuid.UUID | None
    leader_name: PersonName = None
    origin: str
    status: str
    goals: list[str]
    notes: str
    follow_up_due: date | None
    period_id: uuid.UUID | None
    created_at: datetime
    completed_at: datetime | None
    follow_ups: list[FollowUpRead]


CoachingSort = Literal["created_at", "-created_at", "follow_up_due", "-follow_up_due"]
