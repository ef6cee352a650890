from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from callcenter_shared.i18n import Message, t
from scheduling.db import Base


class LeaveStatus(StrEnum):
    """Where a leave request stands (LEV-1..6)."""

    waiting = "waiting"  # beyond the team's cap: waits in order of request for a place (LEV-6)
    requested = "requested"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"


# The requests that hold a place under a team's cap (LEV-6): undecided or approved.
HOLDING = (LeaveStatus.requested, LeaveStatus.approved)


class LeaveType(StrEnum):
    """The kinds of leave (LEV-2: personal leave waits for probation; LEV-5: annual leave has a balance)."""

    personal = "personal"
    sick = "sick"
    annual = "annual"
    marriage = "marriage"
    bereavement = "bereavement"
    maternity = "maternity"
    other = "other"


# Each kind as a caller reads it, opening a sentence ("Personal leave must be requested ...").
KIND_NAMES: dict[LeaveType, Message] = {
    LeaveType.personal: t("Personal leave"),
    LeaveType.sick: t("Sick leave"),
    LeaveType.annual: t("Annual leave"),
    LeaveType.marriage: t("Marriage leave"),
    LeaveType.bereavement: t("Bereavement leave"),
    LeaveType.maternity: t("Maternity leave"),
    LeaveType.other: t("Other leave"),
}


class Leave(Base):
    """A leave request and its level-by-level approval (LEV-1..6)."""

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
    # Who gave the first approval, and the absent leader they acted for, if they did (LEV-7).
    first_approved_by: Mapped[uuid.UUID | None] = mapped_column()
    first_acting_for_id: Mapped[uuid.UUID | None] = mapped_column()
    final_approver_id: Mapped[uuid.UUID] = mapped_column()
    deputy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employee.id"))
    on_holiday: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday_reason: Mapped[str | None] = mapped_column(Text)
    hours_missed: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_acting_for_id: Mapped[uuid.UUID | None] = mapped_column()  # the absent leader `decided_by` acted for
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The requester's team when asking: the team whose cap the request counts against (LEV-6).
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"), index=True)
    # The hours the request would deduct, as the shifts stood when asked; annual leave reserves them (LEV-5).
    hours_requested: Mapped[float] = mapped_column(Float, default=0.0)
    # The year whose annual-leave balance the leave is charged to: the year it starts in (LEV-5).
    balance_year: Mapped[int] = mapped_column(Integer)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # left the waiting list (LEV-6)
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column()  # withdrawn, or approved leave cancelled
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A leader's leave: when the deputy began and stopped acting for them, as published (LEV-7).
    delegation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delegation_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LeavePlace(Base):
    """A shift a leave request takes a place in: the shifts the person worked in its period when asking (LEV-6).

    Counted against the team's cap while the request holds its place (`HOLDING`).
    """

    __tablename__ = "leave_place"
    __table_args__ = (UniqueConstraint("leave_id", "shift_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    leave_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leave.id"), index=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"), index=True)
