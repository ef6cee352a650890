"""Annual-leave balances (LEV-5): a yearly entitlement by tenure, deducted in the hours missed (LEV-3).

Nothing is stored but the leave itself: a year's balance is its entitlement, plus what the year
before carried over, less the hours of its approved annual leave. A cancelled leave no longer
counts, so cancelling gives its hours back. Undecided and waiting annual requests reserve the
hours they asked for, so two requests cannot both spend the last hours. Every check runs under
the person's row lock (requests and approvals take it first), so the balance never goes negative.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import t
from scheduling.leave.models import Leave, LeaveStatus, LeaveType
from scheduling.org.models import Employee
from scheduling.settings import Settings

ANNUAL = LeaveType.annual
RESERVING = (LeaveStatus.requested, LeaveStatus.waiting)


class BeyondBalance(RuleViolation):
    rule = "LEV-5"


@dataclass(frozen=True)
class Balance:
    """One person's annual leave in one year, in hours."""

    employee_id: uuid.UUID
    year: int
    tenure_years: int
    entitlement_hours: float
    carried_over_hours: float
    taken_hours: float
    reserved_hours: float

    @property
    def remaining_hours(self) -> float:
        """Entitlement and carry-over less the approved annual leave."""
        return round(self.entitlement_hours + self.carried_over_hours - self.taken_hours, 2)

    @property
    def available_hours(self) -> float:
        """What a new request may still ask for: the remaining hours less those undecided requests reserve."""
        return round(self.remaining_hours - self.reserved_hours, 2)


def year_of(moment: datetime, settings: Settings) -> int:
    """The year a leave starting at `moment` is charged to: the year it starts in, in the center's zone."""
    return moment.astimezone(ZoneInfo(settings.timezone)).year


def tenure_years(hire_date: date | None, year: int) -> int:
    """Completed years of service on 1 January of `year`; -1 before the hire year; 0 when not known."""
    if hire_date is None:
        return 0
    if hire_date.year > year:
        return -1
    years = year - hire_date.year
    if (hire_date.month, hire_date.day) > (1, 1):  # the hire anniversary of the year before is still ahead
        years -= 1
    return max(years, 0)


def entitlement_hours(settings: Settings, tenure: int) -> float:
    """The policy's hours for this tenure: the row of the highest tenure reached."""
    if tenure < 0:
        return 0.0
    reached = [years for years in settings.annual_leave_hours_by_tenure if years <= tenure]
    return float(settings.annual_leave_hours_by_tenure[max(reached)]) if reached else 0.0


async def _hours_by_year(
    session: AsyncSession, employee_id: uuid.UUID, statuses: tuple[LeaveStatus, ...], column: str, *, skip: uuid.UUID
) -> dict[int, float]:
    hours = getattr(Leave, column)
    rows = await session.execute(
        select(Leave.balance_year, func.coalesce(func.sum(hours), 0.0))
        .where(
            Leave.employee_id == employee_id,
            Leave.leave_type == ANNUAL,
            Leave.status.in_(statuses),
            Leave.id != skip,
        )
        .group_by(Leave.balance_year)
    )
    return {year: float(total) for year, total in rows.all()}


async def balance_of(
    session: AsyncSession, person: Employee, year: int, settings: Settings, *, excluding: uuid.UUID | None = None
) -> Balance:
    """The person's balance for `year`; `excluding` leaves one request's reservation out (the one being decided)."""
    skip = excluding or uuid.UUID(int=0)
    taken = await _hours_by_year(session, person.id, (LeaveStatus.approved,), "hours_missed", skip=skip)
    reserved = await _hours_by_year(session, person.id, RESERVING, "hours_requested", skip=skip)
    carried = 0.0
    if settings.annual_leave_max_carry_hours > 0:
        # Carry-over starts in the first year the directory knows the person (hired, or entered later).
        first = max(person.hire_date.year if person.hire_date else 0, person.created_at.year)
        for earlier in range(first, year):
            left = entitlement_hours(settings, tenure_years(person.hire_date, earlier)) + carried
            carried = min(settings.annual_leave_max_carry_hours, max(0.0, left - taken.get(earlier, 0.0)))
    tenure = tenure_years(person.hire_date, year)
    return Balance(
        employee_id=person.id,
        year=year,
        tenure_years=max(tenure, 0),
        entitlement_hours=entitlement_hours(settings, tenure),
        carried_over_hours=round(carried, 2),
        taken_hours=round(taken.get(year, 0.0), 2),
        reserved_hours=round(reserved.get(year, 0.0), 2),
    )


async def require_available(
    session: AsyncSession,
    person: Employee,
    year: int,
    hours: float,
    settings: Settings,
    *,
    deciding: uuid.UUID | None = None,
) -> None:
    """Refuse annual leave of `hours` beyond what the person has left in `year` (the caller holds their lock).

    When deciding a request, the request's own reservation is left out and the others' still count:
    requests asked earlier keep the hours they reserved.
    """
    balance = await balance_of(session, person, year, settings, excluding=deciding)
    if hours <= balance.available_hours + 1e-9:
        return
    reserved = (
        t(", {reserved_hours:g} h reserved by requests not yet decided", reserved_hours=balance.reserved_hours)
        if balance.reserved_hours
        else ""
    )
    raise BeyondBalance(
        t(
            "This annual leave takes {hours:g} h but {name}'s {year} balance has {available_hours:g} h "
            "available ({entitlement_hours:g} h entitlement + {carried_over_hours:g} h carried over, "
            "{taken_hours:g} h taken{reserved}).",
            hours=hours,
            name=person.name,
            year=year,
            available_hours=balance.available_hours,
            entitlement_hours=balance.entitlement_hours,
            carried_over_hours=balance.carried_over_hours,
            taken_hours=balance.taken_hours,
            reserved=reserved,
        ),
        balance_hours=balance.available_hours,
        year=year,
    )
