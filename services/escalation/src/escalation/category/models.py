from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from escalation.db import Base


class Category(Base):
    """A kind of case and its escalation policy (ESC-2, ESC-8, ESC-9, ESC-12)."""

    __tablename__ = "category"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    entry_level: Mapped[int] = mapped_column(Integer)
    # Minutes allowed at L1..L5, index 0 is L1.
    level_minutes: Mapped[list[int]] = mapped_column(JSON)
    reply_limit_minutes: Mapped[int] = mapped_column(Integer)
    warning_minutes: Mapped[int] = mapped_column(Integer)
    emergency_report_minutes: Mapped[int] = mapped_column(Integer)
    # The longest a case may be paused before its clocks resume by themselves (ESC-13); None: the setting.
    max_pause_minutes: Mapped[int | None] = mapped_column(Integer)
    must_report: Mapped[bool] = mapped_column(Boolean, default=False)
    attributable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
