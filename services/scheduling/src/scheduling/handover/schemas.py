from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from callcenter_shared.inputs import Id, Moment, RequestModel
from callcenter_shared.names import PersonName

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class HandoverCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "team_id": "0e7c1f0a-6d3b-4a8e-9c1d-2b3a4c5d6e70",
                    "outgoing_shift_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                    "incoming_shift_id": "6f5e4d3c-2b1a-4c9d-8e7f-0a1b2c3d4e5f",
                }
            ]
        },
    )

    team_id: Id
    outgoing_shift_id: Id
    incoming_shift_id: Id


class ReportPublish(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "instructions": "The deputy GM asks to call back every billing complaint today.",
                    "major_events": "Network outage in district 3 from 14:00 to 15:10.",
                    "equipment_ok": False,
                    "equipment_damage": "Headset at seat 12 crackles.",
                    "reusable_resolutions": "Refunds for double charges: use form B-7, approved within 1 h.",
                }
            ]
        },
    )

    instructions: OptionalText = ""
    major_events: OptionalText = ""
    equipment_ok: bool
    equipment_damage: OptionalText = ""
    reusable_resolutions: OptionalText = ""

    @model_validator(mode="after")
    def _damage_described(self) -> ReportPublish:
        if not self.equipment_ok and not self.equipment_damage:
            raise ValueError("describe the damage in equipment_damage when equipment_ok is false")
        return self


class ItemCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Customer 138****0000: double charge",
                    "description": "Charged twice for the November plan.",
                    "progress": "Refund form B-7 filed at 15:20, waiting for finance.",
                    "contacts": "Customer 138****0000 (prefers after 18:00); finance desk ext. 4411",
                    "receiver_id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "due_at": "2026-11-05T20:00:00+08:00",
                }
            ]
        },
    )

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    description: OptionalText = ""
    progress: Text
    contacts: Text
    receiver_id: Id
    due_at: Moment | None = None
    carried_from_item_id: Id | None = None


class Acknowledgement(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"read_back": "I will call finance at 19:00 and phone the customer with the refund date."}]
        },
    )

    read_back: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]


class QuestionCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"question": "Has finance confirmed the amount?"}]})

    question: Text
    item_id: Id | None = None


class AnswerCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "Yes, 59 yuan."}]})

    answer: Text


class Resolution(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"resolution": "Refund paid; customer informed at 19:10."}]}
    )

    resolution: Text


class InteractionReport(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "external_id": "call-20261105-0001",
                    "employee_id": "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "state": "in_progress",
                }
            ]
        },
    )

    external_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    employee_id: Id
    state: Literal["in_progress", "ended"]


class InteractionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    external_id: str
    employee_id: uuid.UUID
    employee_name: PersonName = None
    started_at: datetime
    ended_at: datetime | None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    handover_id: uuid.UUID
    title: str
    description: str
    progress: str
    contacts: str
    due_at: datetime | None
    handed_by: uuid.UUID
    handed_by_name: PersonName = None
    receiver_id: uuid.UUID
    receiver_name: PersonName = None
    owner_id: uuid.UUID
    owner_name: PersonName = None
    carry_count: int
    carried_from_id: uuid.UUID | None
    status: str
    read_back: str | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None
    escalation_reason: str | None
    resolution: str | None
    resolved_by: uuid.UUID | None
    resolved_by_name: PersonName = None
    resolved_case_id: uuid.UUID | None
    resolved_at: datetime | None


class QuestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID | None
    asked_by: uuid.UUID
    asked_by_name: PersonName = None
    question: str
    answer: str | None
    answered_by: uuid.UUID | None
    answered_by_name: PersonName = None
    asked_at: datetime
    answered_at: datetime | None


class OutgoingRead(BaseModel):
    employee_id: uuid.UUID
    employee_name: PersonName = None
    interaction_in_progress: bool
    released_at: datetime | None
    on_duty: bool


class IncomingRead(BaseModel):
    employee_id: uuid.UUID
    employee_name: PersonName = None
    checked_in_at: datetime | None
    minutes_late: int | None


class HandoverRead(BaseModel):
    id: uuid.UUID
    team_id: uuid.UUID
    outgoing_shift_id: uuid.UUID
    incoming_shift_id: uuid.UUID
    status: str
    check_in_deadline: datetime
    instructions: str | None
    major_events: str | None
    equipment_ok: bool | None
    equipment_damage: str | None
    reusable_resolutions: str | None = Field(description="HND-7: the shift's resolutions worth reusing")
    damage_reported_to: uuid.UUID | None = Field(
        description="HND-10: the duty manager the damage went to; null with damage: any level 3 manager"
    )
    damage_reported_to_name: PersonName = None
    damage_acknowledged_by: uuid.UUID | None
    damage_acknowledged_by_name: PersonName = None
    damage_acknowledged_at: datetime | None
    report_published_by: uuid.UUID | None
    report_published_by_name: PersonName = None
    report_published_at: datetime | None
    report_acting_for_id: uuid.UUID | None = Field(
        description="The absent team leader the report was published for, by their deputy (LEV-7)"
    )
    report_acting_for_name: PersonName = None
    signed_off_by: uuid.UUID | None
    signed_off_by_name: PersonName = None
    signed_off_acting_for_id: uuid.UUID | None = Field(
        description="The absent team leader the handover was signed off for, by their deputy (LEV-7)"
    )
    signed_off_acting_for_name: PersonName = None
    completed_at: datetime | None
    outgoing: list[OutgoingRead]
    incoming: list[IncomingRead]
    items: list[ItemRead]
    questions: list[QuestionRead]


class HandoverSummary(BaseModel):
    """A handover in a list; `GET /v1/handovers/{id}` has its report, people, items and questions."""

    id: uuid.UUID
    team_id: uuid.UUID
    outgoing_shift_id: uuid.UUID
    incoming_shift_id: uuid.UUID
    status: Literal["open", "completed"]
    boundary_at: datetime = Field(description="When the incoming shift starts (UTC)")
    boundary_at_local: datetime = Field(description="The same moment on the center's clock")
    report_published_at: datetime | None
    completed_at: datetime | None
