from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class HandoverStatus(StrEnum):
    """Where a handover stands (HND-1..10)."""

    open = "open"
    completed = "completed"


class HandoverItemStatus(StrEnum):
    """Where a handover item stands: open until acknowledged, then resolved, carried or escalated."""

    open = "open"
    acknowledged = "acknowledged"
    carried = "carried"
    escalated = "escalated"
    resolved = "resolved"


class Handover(Base):
    """The handover of one team at one shift boundary (HND-1..10)."""

    __tablename__ = "handover"
    __table_args__ = (UniqueConstraint("outgoing_shift_id", "incoming_shift_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    outgoing_shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"))
    incoming_shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"))
    status: Mapped[str] = mapped_column(String(16), default=HandoverStatus.open)
    instructions: Mapped[str | None] = mapped_column(Text)
    major_events: Mapped[str | None] = mapped_column(Text)
    equipment_ok: Mapped[bool | None] = mapped_column(Boolean)
    equipment_damage: Mapped[str | None] = mapped_column(Text)
    reusable_resolutions: Mapped[str | None] = mapped_column(Text)
    # HND-10: the duty manager the damage report went to (none named: any level 3 manager), and who took it in.
    damage_reported_to: Mapped[uuid.UUID | None] = mapped_column()
    damage_acknowledged_by: Mapped[uuid.UUID | None] = mapped_column()
    damage_acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    report_published_by: Mapped[uuid.UUID | None] = mapped_column()
    report_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_off_by: Mapped[uuid.UUID | None] = mapped_column()
    # The absent leader whose deputy published the report or signed off, acting for them (LEV-7).
    report_acting_for_id: Mapped[uuid.UUID | None] = mapped_column()
    signed_off_acting_for_id: Mapped[uuid.UUID | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HandoverCheckIn(Base):
    """An incoming person's arrival for the handover (HND-1)."""

    __tablename__ = "handover_check_in"
    __table_args__ = (UniqueConstraint("handover_id", "employee_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"))
    checked_in_at: Mapped[datetime] = mapped_column(UtcDateTime)
    minutes_late: Mapped[int] = mapped_column(Integer, default=0)


class HandoverRelease(Base):
    """When an outgoing person was released, recorded only once the handover completed (HND-2, HND-9)."""

    __tablename__ = "handover_release"
    __table_args__ = (UniqueConstraint("handover_id", "employee_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"))
    released_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HandoverItem(Base):
    """An open item handed from an outgoing owner to an incoming receiver (HND-5, HND-6, HND-8)."""

    __tablename__ = "handover_item"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text)
    contacts: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"))
    receiver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    carry_count: Mapped[int] = mapped_column(Integer, default=0)
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover_item.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open|acknowledged|carried|escalated|resolved
    read_back: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalation_reason: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column()
    resolved_case_id: Mapped[uuid.UUID | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HandoverQuestion(Base):
    """A question the incoming staff ask about the report or an item; answered before sign-off (HND-4)."""

    __tablename__ = "handover_question"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    handover_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover.id"), index=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("handover_item.id"))
    asked_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[uuid.UUID | None] = mapped_column()
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Interaction(Base):
    """A customer interaction reported by the phone system; in progress while `ended_at` is empty (HND-3)."""

    __tablename__ = "interaction"
    __table_args__ = (UniqueConstraint("external_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    external_id: Mapped[str] = mapped_column(String(100))
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
