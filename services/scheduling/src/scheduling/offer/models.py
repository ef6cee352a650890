from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class OfferStatus(StrEnum):
    """Where an offer on the open shift board stands (SWP-7)."""

    open = "open"
    taken = "taken"
    cancelled = "cancelled"
    expired = "expired"


class SwapOffer(Base):
    """One's own assignment offered on the open shift board to anyone eligible (SWP-7): for a swap (the taker
    gives one of their assignments in return) or as a give-away (nothing in return). The first eligible taker
    becomes the counterpart of a swap that follows SWP-3's approvals; the offer expires when its shift starts."""

    __tablename__ = "swap_offer"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offerer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), index=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # swap | give_away
    status: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    taker_id: Mapped[uuid.UUID | None] = mapped_column()
    taker_assignment_id: Mapped[uuid.UUID | None] = mapped_column()
    swap_id: Mapped[uuid.UUID | None] = mapped_column()
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[uuid.UUID | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
