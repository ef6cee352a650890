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
    "members": t("the two members' consent"),
    "team_leaders": t("the team leaders"),
    "manager": t("the manager"),
    None: t("nobody"),
}


class SwapKind(StrEnum):
    """A swap trades two assignments; a give-away hands one over with nothing in return (SWP-7)."""

    swap = "swap"
    give_away = "give_away"


class Swap(Base):
    """A swap of two assignments between two employees of the same level (SWP-1..6); from the open board a
    give-away hands the requester's assignment to the counterpart with nothing in return (SWP-7); a team
    leader may file one on behalf of two members (SWP-8)."""

    __tablename__ = "swap"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    requester_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    counterpart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    requester_assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), index=True)
    # None for a give-away (SWP-7): the counterpart gives nothing in return.
    counterpart_assignment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assignment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=SwapKind.swap, server_default=SwapKind.swap.value)
    # The open-board offer whose taker became the counterpart (SWP-7).
    offer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("swap_offer.id"), index=True)
    # SWP-8: the team leader who filed it on behalf of the two members, and each member's consent.
    filed_by: Mapped[uuid.UUID | None] = mapped_column()
    requester_consented_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counterpart_consented_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # SWP-8: the duty manager's emergency approval, which stands in for the members' consent.
    emergency_approved_by: Mapped[uuid.UUID | None] = mapped_column()
    emergency_approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    emergency_reason: Mapped[str | None] = mapped_column(Text)
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
