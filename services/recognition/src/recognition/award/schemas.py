from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from callcenter_shared.inputs import Amount, Id, RequestModel
from callcenter_shared.names import PersonName
from recognition.award.models import LetterStatus


class AwardCreate(RequestModel):
    code: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)
    scope: Literal["individual", "team"]
    material: bool
    form: Literal["bonus", "gift", "certificate", "letter", "honor_wall"]
    frequency: Literal["instant", "monthly", "quarterly"]
    approver_level: int = Field(ge=2, le=5)
    criteria: str = Field(min_length=5, max_length=2000)

    @model_validator(mode="after")
    def _form_matches_material(self) -> AwardCreate:
        if self.material != (self.form in {"bonus", "gift"}):
            raise ValueError(
                "material awards are a bonus or a gift; spiritual ones a certificate, letter or honor wall"
            )
        return self


class AwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    scope: str
    material: bool
    form: str
    frequency: str
    approver_level: int
    criteria: str
    automatic: bool
    active: bool


class NominationCreate(RequestModel):
    award_id: Id
    nominee_id: Id | None = Field(None, description="For an individual award")
    team_id: Id | None = Field(None, description="For a team award")
    reason: str = Field(min_length=10, max_length=4000, description="What they did, concretely")
    evidence_links: list[HttpUrl] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _one_nominee(self) -> NominationCreate:
        if (self.nominee_id is None) == (self.team_id is None):
            raise ValueError("name exactly one of nominee_id (a person) or team_id (a team)")
        return self


class NominationDecision(RequestModel):
    note: str | None = Field(None, max_length=2000)
    amount: Amount | None = Field(None, gt=0, max_digits=12, decimal_places=2, description="Material awards only")


class NominationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    award_id: uuid.UUID
    nominee_id: uuid.UUID | None
    nominee_name: PersonName = None
    team_id: uuid.UUID | None
    nominated_by: uuid.UUID
    nominated_by_name: PersonName = None
    reason: str
    evidence_links: list[str]
    status: str
    decided_by: uuid.UUID | None
    decided_by_name: PersonName = None
    acting_for_id: uuid.UUID | None = Field(
        default=None, description="The absent team leader `decided_by` decided for, as their deputy (LEV-7)"
    )
    acting_for_name: PersonName = None
    decided_at: datetime | None
    decision_note: str | None
    grant_id: uuid.UUID | None
    created_at: datetime


class GrantRead(BaseModel):
    id: uuid.UUID
    award_id: uuid.UUID
    award_name: str
    material: bool
    recipient_id: uuid.UUID | None
    recipient_name: str | None
    team_id: uuid.UUID | None
    reason: str
    criteria: str = Field(description="REC-10: the award's criteria at the time of the grant")
    evidence: dict[str, Any] = Field(description="REC-10: the data behind the grant (KPI values for tracks)")
    amount: Decimal | None = Field(description="Material amount: shown only to the recipient and their chain")
    amount_hidden: bool
    source: str
    period_start: date | None
    period_end: date | None
    granted_by: uuid.UUID | None
    granted_by_name: PersonName = None
    granted_at: datetime


class PoolShare(RequestModel):
    employee_id: Id
    amount: Amount = Field(ge=0, max_digits=12, decimal_places=2)
    basis_value: float = Field(description="This member's value of the basis, e.g. their composite score")


class PoolCreate(RequestModel):
    award_id: Id
    team_id: Id
    total_amount: Amount = Field(gt=0, max_digits=12, decimal_places=2)
    basis: str = Field(min_length=3, max_length=200, description="What the split follows, e.g. 'composite score'")
    reason: str = Field(min_length=5, max_length=2000)
    shares: list[PoolShare] = Field(min_length=1, max_length=500)


class PoolRead(BaseModel):
    id: uuid.UUID
    award_id: uuid.UUID
    team_id: uuid.UUID
    total_amount: Decimal
    basis: str
    grants: list[GrantRead]


class LetterRequest(RequestModel):
    signer_id: Id = Field(description="A senior manager (L4 or L5) who is asked to sign the letter")
    achievement: str | None = Field(None, max_length=2000, description="Defaults to the grant's reason")


NominationSort = Literal["created_at", "-created_at"]
LetterSort = Literal["requested_at", "-requested_at"]


class LetterDecline(RequestModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the signer will not sign this letter")


class LetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    grant_id: uuid.UUID
    signer_id: uuid.UUID
    signer_name: PersonName = None
    requested_by: uuid.UUID
    requested_by_name: PersonName = None
    achievement: str
    status: LetterStatus = Field(description="awaiting_signature, then signed or declined by the signer (REC-11)")
    requested_at: datetime
    decided_at: datetime | None
    decline_reason: str | None
    issued_on: date | None = Field(description="The date printed on the letter: the day it was signed")
    document: str | None = Field(
        default=None, description="Where the signed PDF is (GET); null until the signer has signed"
    )

    @model_validator(mode="after")
    def _link_signed_document(self) -> LetterRead:
        if self.status == LetterStatus.signed:
            self.document = f"/v1/letters/{self.id}/document"
        return self
