from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class Rotation(Base):
    """A team's repeating pattern of shifts, weekly or every n days from an anchor date (ROS-6).

    The pattern is fixed once created (a new pattern is a new rotation), so the shifts it generated keep their
    key: the day and the slot of the pattern (`Shift.rotation_key`), unique per rotation."""

    __tablename__ = "rotation"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[str] = mapped_column(String(8))  # weekly | days
    cycle_days: Mapped[int] = mapped_column(Integer)
    anchor_date: Mapped[date | None] = mapped_column(Date)  # day 1 of an n-day cycle
    on_holidays: Mapped[str] = mapped_column(String(8))  # work | skip
    pattern: Mapped[str] = mapped_column(Text)  # JSON list of the slots (RotationSlot)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
