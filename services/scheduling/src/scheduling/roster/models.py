from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class StaffingChangeStatus(StrEnum):
    """Where a staffing change waiting for the duty manager stands (ROS-2)."""

    requested = "requested"
    approved = "approved"
    rejected = "rejected"


class StaffingChangeKind(StrEnum):
    """What a staffing change asks for (ROS-2)."""

    reduce_headcount = "reduce_headcount"
    remove_assignment = "remove_assignment"


class Shift(Base):
    """A shift of one team (ROS-1): times in UTC, shown in the center's zone. A shift a rotation generated
    carries the rotation and its key (the day and the pattern's slot), once per rotation (ROS-6)."""

    __tablename__ = "shift"
    __table_args__ = (
        Index("ix_shift_team_starts", "team_id", "starts_at"),
        UniqueConstraint("rotation_id", "rotation_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    required_headcount: Mapped[int] = mapped_column(Integer)
    required_skills: Mapped[str] = mapped_column(Text, default="")  # JSON list of skill codes (ROS-5)
    # Agents on a call-taking shift take calls: they need an agent number (ORG-3) and must be on post (PRF-9).
    call_taking: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    duty_manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employee.id"))
    rotation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rotation.id"))
    rotation_key: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[uuid.UUID] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Assignment(Base):
    """One employee on one shift; `removed_at` is set when they are taken off (leave, staffing change)."""

    __tablename__ = "assignment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class StaffingChange(Base):
    """A request to reduce a shift's staffing, decided by the duty manager (ROS-2)."""

    __tablename__ = "staffing_change"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # reduce_headcount | remove_assignment
    new_headcount: Mapped[int | None] = mapped_column(Integer)
    assignment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assignment.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=StaffingChangeStatus.requested)
    requested_by: Mapped[uuid.UUID] = mapped_column()
    approver_id: Mapped[uuid.UUID | None] = mapped_column()
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OffPostPeriod(Base):
    """An agent taken off post for training by a bottom-rank review (PRF-7), from performance's events;
    open (`ended_at` empty) until the re-assessment puts them back on post (PRF-9)."""

    __tablename__ = "off_post_period"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    review_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_outcome: Mapped[str | None] = mapped_column(String(32))


class ReleasedAssignment(Base):
    """An assignment released because its agent went off post (PRF-9): the gap it leaves is reported to the
    team's leader until the shift is staffed again or starts."""

    __tablename__ = "released_assignment"

    assignment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assignment.id"), primary_key=True)
    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift.id"), index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("team.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column()
    review_id: Mapped[uuid.UUID] = mapped_column()
    released_at: Mapped[datetime] = mapped_column(UtcDateTime)
