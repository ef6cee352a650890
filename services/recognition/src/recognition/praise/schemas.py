"""Peer praise, points, the reward shop and reciprocity flags: request and response models (REC-5, REC-6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Id, RequestModel
from callcenter_shared.names import PersonName
from callcenter_shared.web import Page


class PraiseCreate(RequestModel):
    receiver_id: Id
    points: int = Field(ge=1, le=10_000)
    message: str = Field(min_length=5, max_length=2000, description="A concrete example of what they did")
    value: str = Field(min_length=1, max_length=100, description="One of the company values (GET /v1/praise/values)")


class PraiseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    giver_id: uuid.UUID
    giver_name: PersonName = None
    receiver_id: uuid.UUID
    receiver_name: PersonName = None
    points: int
    message: str
    value: str
    month: str
    given_at: datetime


class AllowanceRead(BaseModel):
    month: str
    allowance: int
    spent: int
    remaining: int


class LedgerEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    delta: int
    kind: str
    ref_id: uuid.UUID
    at: datetime


class PointsRead(BaseModel):
    employee_id: uuid.UUID
    employee_name: PersonName = None
    balance: int = Field(description="Earned points: they never expire")
    ledger: Page[LedgerEntry]


class LeaderboardRow(BaseModel):
    employee_id: uuid.UUID
    name: str
    points: int
    praises: int


class RewardCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    cost_points: int = Field(ge=1, le=1_000_000)
    stock: int = Field(ge=0, le=1_000_000)


class Restock(RequestModel):
    add: int = Field(ge=1, le=1_000_000)


class RewardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    cost_points: int
    stock: int


class RedemptionCreate(RequestModel):
    reward_id: Id


class RedemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_id: uuid.UUID
    employee_name: PersonName = None
    reward_id: uuid.UUID
    points: int
    status: str
    requested_at: datetime
    decided_by: uuid.UUID | None
    decided_by_name: PersonName = None
    decided_at: datetime | None
    fulfilled_at: datetime | None


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_a: uuid.UUID
    employee_a_name: PersonName = None
    employee_b: uuid.UUID
    employee_b_name: PersonName = None
    mutual_points: int
    details: str
    status: str
    detected_at: datetime
    reviewed_by: uuid.UUID | None
    reviewed_by_name: PersonName = None
    reviewed_at: datetime | None


class FlagReview(RequestModel):
    outcome: Literal["cleared", "confirmed"]


class CoverageRow(BaseModel):
    employee_id: uuid.UUID
    name: str
    last_praised_at: datetime | None
    due: bool = Field(description="Not praised by the leader within the last N days")


class CoverageRead(BaseModel):
    team_id: uuid.UUID
    leader_id: uuid.UUID | None
    leader_name: PersonName = None
    days: int
    praised_in_last_24h: bool = Field(description="The daily reminder: has the leader praised anyone today?")
    covered: int
    members: int
    not_praised: list[CoverageRow]
    all_members: list[CoverageRow]
