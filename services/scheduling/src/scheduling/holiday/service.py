"""The holiday calendar (ROS-3): the country's public holidays plus the center's own additions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import lru_cache

import holidays
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Conflict
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.holiday.models import CenterHoliday
from scheduling.settings import Settings


@lru_cache(maxsize=64)
def _public(country: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(country, years=year).items())


async def calendar(session: AsyncSession, settings: Settings, *, start: date, end: date) -> list[tuple[date, str, str]]:
    """Holidays from `start` to `end` inclusive: (day, name, source) with source `public` or `center`."""
    found: dict[date, tuple[str, str]] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _public(settings.holiday_country, year).items():
            if start <= day <= end:
                found[day] = (name, "public")
    rows = await session.scalars(select(CenterHoliday).where(CenterHoliday.day >= start, CenterHoliday.day <= end))
    for row in rows:
        found[row.day] = (row.name, "center")
    return [(day, name, source) for day, (name, source) in sorted(found.items())]


async def holidays_between(session: AsyncSession, settings: Settings, start: date, end: date) -> list[date]:
    return [day for day, _, _ in await calendar(session, settings, start=start, end=end)]


async def add(session: AsyncSession, *, principal: Principal, day: date, name: str, now: datetime) -> CenterHoliday:
    """Add a center-specific holiday (L3 and above)."""
    access.require_holiday_editor(principal)
    if await session.scalar(select(CenterHoliday.id).where(CenterHoliday.day == day)) is not None:
        raise Conflict(t("{day} is already a center holiday.", day=day.isoformat()))
    holiday = CenterHoliday(id=uuid.uuid4(), day=day, name=name, created_by=principal.employee_id, created_at=now)
    session.add(holiday)
    await session.flush()
    return holiday
