"""Peer praise, the points ledger, the reward catalog and reciprocity flags (REC-5, REC-6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from recognition.db import Base


class RedemptionStatus(StrEnum):
    """Where a reward redemption stands."""

    requested = "requested"
    approved = "approved"
    fulfilled = "fulfilled"
    rejected = "rejected"


class FlagStatus(StrEnum):
    """A points-trading flag is open until reviewed."""

    open = "open"
    cleared = "cleared"
    confirmed = "confirmed"


class Praise(Base):
    __tablename__ = "praise"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    giver_id: Mapped[uuid.UUID] = mapped_column(index=True)
    receiver_id: Mapped[uuid.UUID] = mapped_column(index=True)
    receiver_team_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    points: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM in the center's time zone
    given_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PraiseAllowance(Base):
    """Points a giver has spent in one month; a new month starts at zero (no rollover)."""

    __tablename__ = "praise_allowance"

    giver_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    spent: Mapped[int] = mapped_column(Integer)


class PointsBalance(Base):
    """Earned points that can be redeemed; they never expire."""

    __tablename__ = "points_balance"

    employee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    balance: Mapped[int] = mapped_column(Integer)


class PointsLedger(Base):
    __tablename__ = "points_ledger"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # praise_received | redemption | redemption_refund
    ref_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class Reward(Base):
    __tablename__ = "reward"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    cost_points: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Redemption(Base):
    __tablename__ = "redemption"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    reward_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reward.id"))
    points: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # requested | approved | fulfilled | rejected
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReciprocityFlag(Base):
    """Two people who mostly praise each other, held for an admin's review."""

    __tablename__ = "reciprocity_flag"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    employee_a: Mapped[uuid.UUID] = mapped_column(index=True)
    employee_b: Mapped[uuid.UUID] = mapped_column(index=True)
    mutual_points: Mapped[int] = mapped_column(Integer)
    details: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | cleared | confirmed
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reviewed_by: Mapped[uuid.UUID | None]
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
