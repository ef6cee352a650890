from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from escalation.db import Base

_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class CaseStatus(StrEnum):
    """A case is open until resolved."""

    open = "open"
    resolved = "resolved"


class CaseNumberCounter(Base):
    """The last case number handed out per year; bumped with one atomic upsert."""

    __tablename__ = "case_number_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """A complaint, inquiry or report and where it stands in the five-level chain."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_status_level", "status", "level"),
        Index("ix_case_status_level_due_at", "status", "level_due_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("category.id"), index=True)
    category_code: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    customer_contact: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text)
    named_agent_id: Mapped[uuid.UUID | None] = mapped_column()
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[uuid.UUID] = mapped_column()
    owner_team_id: Mapped[uuid.UUID | None] = mapped_column()
    handler_id: Mapped[uuid.UUID] = mapped_column()
    # The absent person whose seat the handler holds: a leader on leave, a leaver's post (ESC-14, LEV-7).
    acting_for_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    # The policy copied from the category when the case was opened (ESC-2): minutes at L1..L5.
    allowances: Mapped[list[int]] = mapped_column(JSON)
    warning_minutes: Mapped[int] = mapped_column(Integer)
    emergency_report_minutes: Mapped[int] = mapped_column(Integer)
    level_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    level_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_report_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    emergency_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    emergency_report: Mapped[str | None] = mapped_column(Text)
    department_handler_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    department_result: Mapped[str | None] = mapped_column(Text)
    handover_item_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    callback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    callback_reached: Mapped[bool | None] = mapped_column(Boolean)
    callback_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    callback_note: Mapped[str | None] = mapped_column(Text)
    attributed_agent_id: Mapped[uuid.UUID | None] = mapped_column()
    attributed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # ESC-13: while paused the clocks are stopped; `paused_clocks` holds what they had left to run.
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pause_waiting_on: Mapped[str | None] = mapped_column(String(16))
    pause_reason: Mapped[str | None] = mapped_column(Text)
    pause_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_clocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# "My cases", newest first (`reports.my_cases`): each side's newest page straight from its index, and the
# count from the indexes alone (the handler's also holds the owner, to skip the cases counted as owned).
Index("ix_case_owner_id_opened_at", Case.owner_id, Case.opened_at.desc(), Case.number)
Index(
    "ix_case_handler_id_opened_at",
    Case.handler_id,
    Case.opened_at.desc(),
    Case.number,
    postgresql_include=["owner_id"],
)


class CaseStint(Base):
    """One person's time holding a case at one level; the per-level clock (ESC-3, ESC-4)."""

    __tablename__ = "case_stint"

    id: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    handler_id: Mapped[uuid.UUID] = mapped_column(index=True)
    acting_for_id: Mapped[uuid.UUID | None] = mapped_column()  # whose seat the handler held (ESC-14)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    seconds: Mapped[int | None] = mapped_column(Integer)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # of `seconds` (ESC-13)
    outcome: Mapped[str | None] = mapped_column(String(32))


class CaseHistory(Base):
    """Append-only record of every change to a case (ESC-5): who, when, what, from which level."""

    __tablename__ = "case_history"

    seq: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_level: Mapped[int | None] = mapped_column(Integer)
    case_level: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(48), index=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    category_code: Mapped[str] = mapped_column(String(64), index=True)


class CaseInstruction(Base):
    """An instruction from a superior, recorded in detail on the case (ESC-7)."""

    __tablename__ = "case_instruction"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    given_by: Mapped[uuid.UUID] = mapped_column()
    given_by_level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
