from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callcenter_shared.db import UtcDateTime
from scheduling.db import Base


class Skill(Base):
    """A skill of the center's catalog that a shift may require (ROS-5): the English line, the complaints
    desk, the VIP line. Shifts name it by its `code`."""

    __tablename__ = "skill"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column()  # None: the HR system's service account
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EmployeeSkill(Base):
    """A skill an employee holds, since the day they obtained it (ROS-5); revoking it deletes the row."""

    __tablename__ = "employee_skill"

    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    skill_code: Mapped[str] = mapped_column(ForeignKey("skill.code"), primary_key=True, index=True)
    obtained_on: Mapped[date] = mapped_column(Date)
    granted_by: Mapped[uuid.UUID | None] = mapped_column()  # None: the HR system's service account
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
