"""Whether two people may swap: the same level (SWP-1), the monthly limit (SWP-4), overlap and rest (SWP-5)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import RuleViolation
from callcenter_shared.levels import is_agent
from scheduling.org.models import Employee
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap.models import Swap, SwapStatus


class DifferentLevels(RuleViolation):
    rule = "SWP-1"


class MonthlyLimit(RuleViolation):
    rule = "SWP-4"


class UnsafeRoster(RuleViolation):
    rule = "SWP-5"


async def approved_this_month(session: AsyncSession, employee_id: uuid.UUID, moment: datetime, zone: str) -> int:
    """Approved swaps of the person whose earlier shift falls in the same calendar month (center's zone) (SWP-4)."""
    center = ZoneInfo(zone)
    local = moment.astimezone(center)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    count = await session.scalar(
        select(func.count())
        .select_from(Swap)
        .where(
            Swap.status == SwapStatus.approved,
            or_(Swap.requester_id == employee_id, Swap.counterpart_id == employee_id),
            Swap.earliest_start >= month_start,
            Swap.earliest_start < next_month,
        )
    )
    return int(count or 0)


async def _check_monthly_limit(
    session: AsyncSession, people: Sequence[Employee], earliest: datetime, settings: Settings
) -> None:
    for person in people:
        done = await approved_this_month(session, person.id, earliest, settings.timezone)
        if done >= settings.swap_max_per_month:
            raise MonthlyLimit(
                f"{person.name} already has {done} approved swaps this month; "
                f"at most {settings.swap_max_per_month} are allowed."
            )


async def _check_person_after(
    session: AsyncSession, person: Employee, *, takes: Shift, gives_up: Assignment, settings: Settings
) -> None:
    """The person, once on `takes` instead of `gives_up`, has no overlap and enough rest (SWP-5)."""
    if not person.active:
        raise UnsafeRoster(f"{person.name} is no longer active and cannot take a shift.")
    if is_agent(person) and not person.certified:
        raise UnsafeRoster(f"{person.name} is not a certified agent, so {takes.name} would lack a qualified agent.")
    rest = timedelta(hours=settings.min_rest_hours)
    others = (
        await session.execute(
            select(Shift)
            .join(Assignment, Assignment.shift_id == Shift.id)
            .where(Assignment.employee_id == person.id, Assignment.active.is_(True), Assignment.id != gives_up.id)
        )
    ).scalars()
    for other in others:
        if other.starts_at < takes.ends_at and takes.starts_at < other.ends_at:
            raise UnsafeRoster(f"After the swap {person.name} would be on two overlapping shifts ({other.name}).")
        gap = takes.starts_at - other.ends_at if other.ends_at <= takes.starts_at else other.starts_at - takes.ends_at
        if gap < rest:
            hours = gap.total_seconds() / 3600
            raise UnsafeRoster(
                f"After the swap {person.name} would rest only {hours:g} h between {other.name} and {takes.name}; "
                f"the minimum is {settings.min_rest_hours:g} h."
            )


async def check_rules(
    session: AsyncSession,
    *,
    requester: Employee,
    counterpart: Employee,
    mine: tuple[Assignment, Shift],
    theirs: tuple[Assignment, Shift],
    settings: Settings,
    earliest: datetime,
) -> None:
    """Both people, once swapped, still obey SWP-1, SWP-4 and SWP-5."""
    if requester.level != counterpart.level:
        raise DifferentLevels(
            f"Swaps are only between employees of the same level: {requester.name} is level {requester.level}, "
            f"{counterpart.name} is level {counterpart.level}."
        )
    await _check_monthly_limit(session, [requester, counterpart], earliest, settings)
    await _check_person_after(session, requester, takes=theirs[1], gives_up=mine[0], settings=settings)
    await _check_person_after(session, counterpart, takes=mine[1], gives_up=theirs[0], settings=settings)
