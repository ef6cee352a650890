"""Award catalog, nominations, grants (the honor wall), material award pools and letters of praise
(REC-1, REC-2, REC-4, REC-10, REC-11)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from recognition.db import Base


class NominationStatus(StrEnum):
    """Where a nomination stands."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class LetterStatus(StrEnum):
    """Where a letter of praise stands: it waits for its signer, who signs or declines it (REC-11)."""

    awaiting_signature = "awaiting_signature"
    signed = "signed"
    declined = "declined"


class AwardScope(StrEnum):
    individual = "individual"
    team = "team"


class Award(Base):
    __tablename__ = "award"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(16))  # individual | team
    material: Mapped[bool] = mapped_column(Boolean)
    form: Mapped[str] = mapped_column(String(32))  # bonus, gift, certificate, letter, honor_wall
    frequency: Mapped[str] = mapped_column(String(16))  # instant | monthly | quarterly
    approver_level: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[str] = mapped_column(Text)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Nomination(Base):
    __tablename__ = "nomination"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"), index=True)
    nominee_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    nominated_by: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    evidence_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=NominationStatus.pending)  # pending | approved | rejected
    decided_by: Mapped[uuid.UUID | None]
    acting_for_id: Mapped[uuid.UUID | None]  # the absent leader `decided_by` acted for (LEV-7)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    grant_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Grant(Base):
    """One award given to one person or team: a line on the honor wall."""

    __tablename__ = "award_grant"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"), index=True)
    recipient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    source: Mapped[str] = mapped_column(String(16))  # nomination | track | pool
    source_key: Mapped[str] = mapped_column(String(300), unique=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    granted_by: Mapped[uuid.UUID | None]
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class MaterialPool(Base):
    """A material award's money split across a team, with the basis of the split (REC-4)."""

    __tablename__ = "material_pool"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(index=True)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    basis: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Letter(Base):
    """A letter of praise for a grant: requested naming a senior signer, a document only once signed (REC-11).

    The PDF is rendered once, when the signer signs, and kept as it was signed (the archive copy).
    """

    __tablename__ = "praise_letter"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("award_grant.id"), index=True)
    signer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requested_by: Mapped[uuid.UUID]
    achievement: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24), default=LetterStatus.awaiting_signature, index=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
