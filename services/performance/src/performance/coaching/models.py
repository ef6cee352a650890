from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter_shared.db import UtcDateTime
from performance.db import Base


class CoachingStatus(StrEnum):
    """A coaching item is open until done (PRF-6)."""

    open = "open"
    done = "done"


class Coaching(Base):
    """A performance interview or coaching item with goals and a follow-up date (PRF-6)."""

    __tablename__ = "coaching"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agent_id: Mapped[uuid.UUID] = mapped_column(index=True)
    leader_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    origin: Mapped[str] = mapped_column(String(16))  # interview | falling_trend
    status: Mapped[str] = mapped_column(String(8))  # open | done
    goals: Mapped[str] = mapped_column(Text)  # one goal per line
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    period_id: Mapped[uuid.UUID | None]
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    follow_ups: Mapped[list[CoachingFollowUp]] = relationship(
        order_by="CoachingFollowUp.at", cascade="all, delete-orphan", lazy="selectin"
    )


class CoachingFollowUp(Base):
    __tablename__ = "coaching_follow_up"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    coaching_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coaching.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    by: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_due: Mapped[date | None] = mapped_column(Date)
