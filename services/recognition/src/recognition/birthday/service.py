"""Upcoming birthdays of a team, for its leader (REC-9), from the org read copy."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.org import team_members
from recognition.access import chain_of


@dataclass(frozen=True)
class Birthday:
    employee_id: uuid.UUID
    name: str
    birthday: date
    next_birthday: date
    in_days: int
    turning: int


def next_birthday(born: date, today: date) -> date:
    """The next celebration on or after today; 29 February is celebrated on 28 February in common years."""
    for year in (today.year, today.year + 1):
        day = born.day if not (born.month == 2 and born.day == 29 and not calendar.isleap(year)) else 28
        candidate = date(year, born.month, day)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


async def upcoming(
    session: AsyncSession, *, principal: Principal, team_id: uuid.UUID, days: int, today: date, limit: int, offset: int
) -> tuple[list[Birthday], int]:
    """Team members whose birthday falls within the next `days` days (today included), soonest first."""
    chain = await chain_of(session, employee_id=None, team_id=team_id)
    if principal.team_id != team_id and all(p.id != principal.employee_id for p in chain):
        raise Forbidden(t("A team's birthdays are listed for its members, its leader and the levels above them."))
    found = []
    for member in await team_members(session, team_id):
        if member.birthday is None:
            continue
        upcoming_day = next_birthday(member.birthday, today)
        in_days = (upcoming_day - today).days
        if in_days <= days:
            found.append(
                Birthday(
                    member.id, member.name, member.birthday, upcoming_day, in_days,
                    upcoming_day.year - member.birthday.year,
                )
            )  # fmt: skip
    # Ordered by the coming birthday, which SQL cannot index; one team's members are few.
    ordered = sorted(found, key=lambda b: (b.in_days, b.name, b.employee_id))
    return ordered[offset : offset + limit], len(ordered)
