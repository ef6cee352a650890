from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter_shared.inputs import Id, RequestModel
from callcenter_shared.names import PersonName


class Channel(StrEnum):
    phone = "phone"
    online = "online"
    email = "email"
    internal = "internal"
    handover_item = "handover_item"


CUSTOMER_CHANNELS = {Channel.phone, Channel.online, Channel.email}


class CaseCreate(RequestModel):
    category: str = Field(min_length=1, max_length=64, examples=["service_attitude"])
    # An enum member arrives as its JSON string.
    channel: Channel = Field(strict=False, examples=["phone"])
    customer_contact: str = Field("", max_length=500, examples=["Ms. Li, 138 0000 0000"])
    description: str = Field(min_length=1, max_length=10_000, examples=["Customer says the agent hung up on her."])
    named_agent_id: Id | None = Field(None, description="The agent the customer names, if any (ESC-12)")
    emergency: bool = Field(False, description="Act first, report to the direct superior within 1 h (ESC-6)")


class EscalateRequest(RequestModel):
    reason: str = Field(min_length=1, max_length=2000, examples=["Refund above my authority."])
    to_level: int | None = Field(None, ge=1, le=5, description="If given, must be exactly one level up (ESC-4)")
    to_handler_id: Id | None = Field(None, description="If given, must be the direct superior (ESC-4)")


class ResolveRequest(RequestModel):
    resolution: str = Field("", max_length=10_000, examples=["Refunded the fee and apologised."])


class ReasonRequest(RequestModel):
    reason: str = Field(min_length=1, max_length=2000)


class TextRequest(RequestModel):
    text: str = Field(min_length=1, max_length=10_000)


class WaitingOn(StrEnum):
    customer = "customer"
    third_party = "third_party"


class PauseRequest(RequestModel):
    waiting_on: WaitingOn = Field(strict=False, description="Whom the case waits on (ESC-13)", examples=["customer"])
    reason: str = Field(min_length=1, max_length=2000, examples=["Customer will send the invoice copy."])
    minutes: int | None = Field(
        None, ge=1, le=60 * 24 * 30,
        description="Resume by itself after this long; at most the category's maximum pause, which is the default",
    )  # fmt: skip


class HandoffRequest(RequestModel):
    to_employee_id: Id
    reason: str = Field(min_length=1, max_length=2000)


class DepartmentAssign(RequestModel):
    handler_id: Id = Field(description="The handler in another department (ESC-10)")
    note: str = Field("", max_length=2000)


class CallbackCreate(RequestModel):
    reached: bool = Field(description="Whether the customer was reached")
    satisfied: bool | None = Field(None, description="The customer's verdict, when reached")
    note: str = Field("", max_length=2000)


class AttributionCreate(RequestModel):
    agent_id: Id | None = Field(None, description="Defaults to the agent the customer named")
    note: str = Field("", max_length=2000)


class CaseRead(BaseModel):
    id: uuid.UUID
    number: str
    category: str
    channel: str
    customer_contact: str | None = Field(description="Only for people in the case's chain; null otherwise")
    description: str
    named_agent_id: uuid.UUID | None
    named_agent_name: PersonName = None
    emergency: bool
    owner_id: uuid.UUID
    owner_name: PersonName = None
    handler_id: uuid.UUID
    handler_name: PersonName = None
    acting_for_id: uuid.UUID | None = Field(
        description="The absent person (on approved leave, or gone) whose seat the handler holds (ESC-14, LEV-7)"
    )
    acting_for_name: PersonName = None
    level: int
    status: str
    allowances_minutes: list[int]
    level_started_at: datetime
    level_due_at: datetime
    acknowledged_at: datetime | None
    overdue_at: datetime | None
    reply_due_at: datetime | None
    replied_at: datetime | None
    reply_breached: bool
    emergency_report_due_at: datetime | None
    emergency_reported_at: datetime | None
    department_handler_id: uuid.UUID | None
    department_handler_name: PersonName = None
    department_result: str | None
    handover_item_id: uuid.UUID | None
    resolution: str | None
    resolved_by: uuid.UUID | None
    resolved_by_name: PersonName = None
    resolved_at: datetime | None
    callback_at: datetime | None
    callback_reached: bool | None
    callback_satisfied: bool | None
    attributed_agent_id: uuid.UUID | None
    attributed_agent_name: PersonName = None
    paused_at: datetime | None = Field(description="Set while the case is paused: its clocks are stopped (ESC-13)")
    pause_waiting_on: str | None
    pause_reason: str | None
    pause_ends_at: datetime | None = Field(description="When the clocks resume by themselves at the latest")
    paused_minutes: float = Field(description="Time spent paused so far (finished pauses), kept out of level time")
    opened_at: datetime


class HistoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: PersonName = None
    actor_level: int | None
    case_level: int
    action: str
    detail: dict[str, object]


class StintRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: int
    handler_id: uuid.UUID
    handler_name: PersonName = None
    acting_for_id: uuid.UUID | None = Field(None, description="The absent person the handler held it for (ESC-14)")
    acting_for_name: PersonName = None
    started_at: datetime
    ended_at: datetime | None
    paused_seconds: int = Field(description="Of the stint, the time the case was paused (ESC-13)")
    outcome: str | None


class InstructionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    given_by: uuid.UUID
    given_by_name: PersonName = None
    given_by_level: int
    text: str
    given_at: datetime


class LevelTimeRead(BaseModel):
    level: int
    stints: int
    resolved_here: int
    average_minutes: float = Field(description="Time at the level with the clock running; paused time left out")
    longest_minutes: float
    paused_stints: int = Field(description="Stints with a pause (ESC-13)")
    paused_minutes: float = Field(description="Total time paused at the level, shown apart (ESC-13)")


class BreachCountRead(BaseModel):
    category: str
    level_timeouts: int
    overdue_at_top: int
    reply_breaches: int
    missing_emergency_reports: int
    total: int


CaseSort = Literal["opened_at", "-opened_at", "level_due_at", "-level_due_at"]
