from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from callcenter_shared.inputs import Id, RequestModel
from callcenter_shared.names import PersonName

OfferKind = Literal["swap", "give_away"]
OfferStatusName = Literal["open", "taken", "cancelled", "expired"]


class OfferCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"assignment_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "kind": "swap", "note": "Any day shift"},
                {"assignment_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "kind": "give_away"},
            ]
        },
    )

    assignment_id: Id = Field(description="One's own assignment to offer")
    kind: OfferKind = Field(
        default="swap",
        description="`swap`: the taker gives one of their assignments in return; `give_away`: nothing in return, "
        "allowed only while the shift keeps its head-count without the giver (SWP-7)",
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class OfferTake(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"assignment_id": "6f5e4d3c-2b1a-4c9d-8e7f-0a1b2c3d4e5f"}, {}]},
    )

    assignment_id: Id | None = Field(
        default=None,
        description="For a `swap` offer: the taker's own assignment given in return (one of `assignments_to_give` "
        "on the board); none for a `give_away`",
    )


class OfferRead(BaseModel):
    id: uuid.UUID
    status: OfferStatusName
    kind: OfferKind
    offerer_id: uuid.UUID
    offerer_name: PersonName = None
    assignment_id: uuid.UUID
    shift_id: uuid.UUID
    shift_name: str
    team_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    note: str
    expires_at: datetime = Field(description="The shift's start: the offer expires then (SWP-6)")
    may_take: bool = Field(description="Whether the caller may take it now (SWP-1, SWP-2, SWP-4, SWP-5, SWP-7)")
    assignments_to_give: list[uuid.UUID] = Field(
        description="For a `swap` offer the caller may take: their assignments that may be given in return"
    )
    taker_id: uuid.UUID | None
    taker_name: PersonName = None
    taker_assignment_id: uuid.UUID | None
    swap_id: uuid.UUID | None = Field(description="The swap taking it opened: it follows SWP-3's approvals")
    taken_at: datetime | None
    closed_by: uuid.UUID | None
    closed_by_name: PersonName = None
    closed_at: datetime | None
    close_reason: str | None
    created_at: datetime
