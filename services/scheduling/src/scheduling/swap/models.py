from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from callcenter_shared.i18n import Message, t
from scheduling.db import Base


class SwapStatus(StrEnum):
    """Where a swap stands (SWP-1..6)."""

    requested = "requested"
    accepted = "accepted"
    signed = "signed"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"
    reversed = "reversed"


PENDING = (SwapStatus.requested, SwapStatus.accepted, SwapStatus.signed)

# Whose turn a pending swap waits for (`service.awaiting`), as a caller reads it.
STEP_NAMES: dict[str | None, Message] = {
    "counterpart": t("the counterpart"),
    "team_leaders": t("the team leaders"),
    "manager": t("the manager"),
    None: t("nobody"),
}


class Swap(Base):
    """A swap of two assignments between two employees of the same level (SWP-1..6)."""

    __tablename__ = "swap"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    requester_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    counterpart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    requester_assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), index=True)
    counterpart_assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requester_leader_id: Mapped[uuid.UUID | None] = mapped_column()
    counterpart_leader_id: Mapped[uuid.UUID | None] = mapped_column()
    requester_leader_signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counterpart_leader_signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approver_id: Mapped[uuid.UUID | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    earliest_start: Mapped[datetime] = mapped_column(UtcDateTime)
    on_holiday: Mapped[bool] = mapped_column(Boolean, default=False)
    holiday_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    closed_by: Mapped[uuid.UUID | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)
    reversed_by: Mapped[uuid.UUID | None] = mapped_column()
    reversed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SwapStep(Base):
    """The append-only history of a swap: every transition, who, when and why."""

    __tablename__ = "swap_step"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    swap_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("swap.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    acting_for_id: Mapped[uuid.UUID | None] = mapped_column()  # the absent leader the actor acted for (LEV-7)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
