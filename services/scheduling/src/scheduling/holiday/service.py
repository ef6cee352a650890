"""The holiday calendar (ROS-3): the country's public holidays plus the center's own additions.

Every holiday has its name in English and, where known, in Simplified Chinese: the `holidays`
package names the public holidays in each language it has for the country (China: zh_CN and
en_US among others), and a center holiday carries the names it was given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Literal

import holidays
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Conflict, InvalidInput
from callcenter_shared.i18n import CHINESE, ENGLISH, t
from scheduling import access
from scheduling.holiday.models import CenterHoliday
from scheduling.settings import Settings

Source = Literal["public", "center"]


@dataclass(frozen=True)
class Holiday:
    """One day of the calendar, with its name in English and in Simplified Chinese (either may be missing)."""

    day: date
    source: Source
    name_en: str | None
    name_zh: str | None

    def name_in(self, language: str) -> str:
        """The name in `language` (`i18n.ENGLISH` or `i18n.CHINESE`), else in the other one."""
        first, second = (self.name_zh, self.name_en) if language == CHINESE else (self.name_en, self.name_zh)
        return first or second or ""

    @classmethod
    def of_center(cls, row: CenterHoliday) -> Holiday:
        return cls(day=row.day, source="center", name_en=row.name, name_zh=row.name_zh)


@cache
def _localized_countries() -> dict[str, list[str]]:
    return {country: list(languages) for country, languages in holidays.list_localized_countries().items()}


def library_language(country: str, language: str) -> str | None:
    """The `holidays` package's language for `language` in `country`, or None when it has none.

    English takes en_US when the country has it, else another English; a country the package does not
    translate keeps its own names (English for most). Chinese takes zh_CN only: the API serves
    Simplified Chinese, and a country without it has no Chinese names.
    """
    supported = _localized_countries().get(country.upper(), [])
    if language == CHINESE:
        return "zh_CN" if "zh_CN" in supported else None
    english = sorted(code for code in supported if code.startswith("en"))
    return "en_US" if "en_US" in english else english[0] if english else None


@lru_cache(maxsize=64)
def _public(country: str, year: int) -> dict[date, tuple[str, str | None]]:
    """The country's public holidays of `year`: (English name, Chinese name or None) by day."""
    english = holidays.country_holidays(country, years=year, language=library_language(country, ENGLISH))
    chinese_language = library_language(country, CHINESE)
    chinese = (
        dict(holidays.country_holidays(country, years=year, language=chinese_language).items())
        if chinese_language
        else {}
    )
    return {day: (name, chinese.get(day)) for day, name in english.items()}


async def calendar(session: AsyncSession, settings: Settings, *, start: date, end: date) -> list[Holiday]:
    """Holidays from `start` to `end` inclusive, by day; a center holiday replaces a public one on its day."""
    found: dict[date, Holiday] = {}
    for year in range(start.year, end.year + 1):
        for day, (name_en, name_zh) in _public(settings.holiday_country, year).items():
            if start <= day <= end:
                found[day] = Holiday(day=day, source="public", name_en=name_en, name_zh=name_zh)
    rows = await session.scalars(select(CenterHoliday).where(CenterHoliday.day >= start, CenterHoliday.day <= end))
    for row in rows:
        found[row.day] = Holiday.of_center(row)
    return [found[day] for day in sorted(found)]


async def holidays_between(session: AsyncSession, settings: Settings, start: date, end: date) -> list[date]:
    return [holiday.day for holiday in await calendar(session, settings, start=start, end=end)]


async def add(
    session: AsyncSession, *, principal: Principal, day: date, name: str | None, name_zh: str | None, now: datetime
) -> Holiday:
    """Add a center-specific holiday (L3 and above), named in English, in Chinese or both."""
    access.require_holiday_editor(principal)
    if name is None and name_zh is None:
        raise InvalidInput(
            t("Name the holiday: give name (English), name_zh (Chinese) or both."),
            errors=[{"path": "body.name", "message": "name or name_zh is required", "type": "missing"}],
        )
    if await session.scalar(select(CenterHoliday.id).where(CenterHoliday.day == day)) is not None:
        raise Conflict(t("{day} is already a center holiday.", day=day.isoformat()))
    holiday = CenterHoliday(
        id=uuid.uuid4(), day=day, name=name, name_zh=name_zh, created_by=principal.employee_id, created_at=now
    )
    session.add(holiday)
    await session.flush()
    return Holiday.of_center(holiday)
