from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class LeaveStatus(StrEnum):
    """Where a leave request stands (LEV-1..4)."""

    requested = "requested"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"


class Leave(Base):
    """A leave request and its level-by-level approval (LEV-1..4)."""

    __tablename__ = "leave"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    leave_type: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    first_approver_id: Mapped[uuid.UUID | None] = mapped_column()
    first_approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    final_approver_id: Mapped[uuid.UUID] = mapped_column()
    deputy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employee.id"))
    on_holiday: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday_reason: Mapped[str | None] = mapped_column(Text)
    hours_missed: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
