from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class CenterHoliday(Base):
    """A center-specific holiday, added to the country's public holidays (ROS-3).

    Its name in English (`name`), in Simplified Chinese (`name_zh`), or both: at least one is set.
    """

    __tablename__ = "center_holiday"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
