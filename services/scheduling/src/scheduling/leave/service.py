"""Leave: level-by-level approval, notice, probation, hours missed, balances, caps (LEV-1..6, ROS-3)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import LeaveApprovedV1, LeaveCancelledV1, LeaveRejectedV1, LeaveRequestedV1
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import below, is_agent
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from scheduling import access
from scheduling.holiday import service as holiday
from scheduling.leave import balance, delegation, places
from scheduling.leave.models import HOLDING, KIND_NAMES, Leave, LeaveStatus, LeaveType
from scheduling.leave.schemas import LeaveCreate
from scheduling.org.models import Employee
from scheduling.roster import coverage
from scheduling.roster import service as roster
from scheduling.roster.models import Assignment, Shift
from scheduling.settings import Settings
from scheduling.swap import service as swaps

OPEN = LeaveStatus.requested
MAX_LEAVE = timedelta(days=180)


class ChainBroken(RuleViolation):
    rule = "LEV-1"


class NoticeTooShort(RuleViolation):
    rule = "LEV-2"


class ProbationNoPersonalLeave(RuleViolation):
    rule = "LEV-4"


class HolidayNeedsHead(RuleViolation):
    rule = "ROS-3"


async def get(session: AsyncSession, leave_id: uuid.UUID, *, lock: bool = False) -> Leave:
    """The request; with `lock`, its row stays locked until commit so two deciders cannot race (PostgreSQL)."""
    return await get_or_404(
        session, Leave, leave_id, missing=t("Leave request {leave_id} does not exist.", leave_id=leave_id), lock=lock
    )


def awaiting(leave: Leave) -> uuid.UUID | None:
    if leave.status != OPEN:
        return None
    if leave.first_approver_id is not None and leave.first_approved_at is None:
        return leave.first_approver_id
    return leave.final_approver_id


async def affected(
    session: AsyncSession, employee_id: uuid.UUID, starts_at: datetime, ends_at: datetime
) -> list[tuple[Assignment, Shift]]:
    rows = await session.execute(
        select(Assignment, Shift)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            Assignment.employee_id == employee_id,
            Assignment.active.is_(True),
            Shift.starts_at < ends_at,
            Shift.ends_at > starts_at,
        )
        .order_by(Shift.starts_at)
    )
    return [(row[0], row[1]) for row in rows.all()]


def hours_missed(shifts: Sequence[Shift], starts_at: datetime, ends_at: datetime) -> float:
    """LEV-3: the hours of the affected shifts that the leave actually covers."""
    total = timedelta()
    for shift in shifts:
        overlap = min(shift.ends_at, ends_at) - max(shift.starts_at, starts_at)
        if overlap > timedelta():
            total += overlap
    return round(total.total_seconds() / 3600, 2)


async def _on_holiday(session: AsyncSession, settings: Settings, starts_at: datetime, ends_at: datetime) -> bool:
    center = ZoneInfo(settings.timezone)
    first = starts_at.astimezone(center).date()
    last = (ends_at - timedelta(seconds=1)).astimezone(center).date()
    return bool(await holiday.holidays_between(session, settings, first, last))


async def request(
    session: AsyncSession, *, principal: Principal, data: LeaveCreate, settings: Settings, now: datetime
) -> Leave:
    """Request leave; the approval chain follows the requester's level (LEV-1)."""
    person = await access.employee(session, principal.employee_id)
    starts_at, ends_at = data.starts_at.astimezone(UTC), data.ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        raise InvalidInput(
            t("Leave must end after it starts."),
            errors=[{"path": "body.ends_at", "message": "not after starts_at", "type": "value_error"}],
        )
    if ends_at - starts_at > MAX_LEAVE:
        raise InvalidInput(t("One request covers at most 180 days."))
    center = ZoneInfo(settings.timezone)
    today = now.astimezone(center).date()
    if (
        data.leave_type == LeaveType.personal
        and person.probation_end_date is not None
        and today <= person.probation_end_date
    ):
        raise ProbationNoPersonalLeave(
            t(
                "{name} is on probation until {probation_end_date}: no personal leave during probation.",
                name=person.name,
                probation_end_date=person.probation_end_date.isoformat(),
            )
        )
    shifts = await affected(session, person.id, starts_at, ends_at)
    if data.leave_type == LeaveType.sick:
        reference = shifts[0][1].starts_at if shifts else starts_at
        notice = timedelta(hours=settings.sick_leave_notice_hours)
        if now > reference - notice:
            raise NoticeTooShort(
                t(
                    "Sick leave must be requested at least {sick_leave_notice_hours:g} h before the shift "
                    "starts ({shift_start}); it is too late now.",
                    sick_leave_notice_hours=settings.sick_leave_notice_hours,
                    shift_start=reference.astimezone(center).strftime("%Y-%m-%d %H:%M"),
                )
            )
    elif now > starts_at - timedelta(hours=settings.leave_notice_hours):
        raise NoticeTooShort(
            t(
                "{leave_type} must be requested at least {leave_notice_hours:g} h ahead; it is too "
                "late for this period.",
                leave_type=KIND_NAMES[LeaveType(data.leave_type)],
                leave_notice_hours=settings.leave_notice_hours,
            )
        )
    first: uuid.UUID | None = None
    deputy: uuid.UUID | None = None
    if is_agent(person):
        first = person.superior_id
        final = await access.superior_at_level(session, person, settings.leave_head_level)
    elif below(person, settings.leave_head_level):
        if data.deputy_id is None:
            raise ChainBroken(
                t("A team leader names who holds the team's affairs during the leave (deputy_id) before asking.")
            )
        stand_in = await session.get(type(person), data.deputy_id)
        if stand_in is None or not stand_in.active or stand_in.id == person.id or stand_in.team_id != person.team_id:
            raise ChainBroken(t("The deputy must be an active member of the leader's own team."))
        deputy = stand_in.id
        final = await access.superior_at_level(session, person, settings.leave_head_level)
    else:
        final = await session.get(type(person), person.superior_id) if person.superior_id else None
    if final is None:
        raise ChainBroken(t("{name} has no superior in the chain to approve the leave.", name=person.name))
    await swaps.lock_people(session, [person.id])  # two overlapping requests at once would both pass
    overlapping = await session.scalar(
        select(Leave.id).where(
            Leave.employee_id == person.id,
            Leave.status.in_([OPEN, LeaveStatus.approved]),
            Leave.starts_at < ends_at,
            Leave.ends_at > starts_at,
        )
    )
    if overlapping is not None:
        raise Conflict(t("This period overlaps the leave request {overlapping}.", overlapping=overlapping))
    shifts = await affected(session, person.id, starts_at, ends_at)  # again, now that no swap can move them
    hours = hours_missed([s for _, s in shifts], starts_at, ends_at)
    year = balance.year_of(starts_at, settings)
    if data.leave_type == balance.ANNUAL:
        await balance.require_available(session, person, year, hours, settings)
    await places.lock_team(session, person.team_id)
    shift_ids = [shift.id for _, shift in shifts]
    full = await places.full_shifts(session, person.team_id, shift_ids, settings) if person.team_id else []
    leave = Leave(
        id=uuid.uuid4(),
        employee_id=person.id,
        leave_type=data.leave_type,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=data.reason,
        status=OPEN,
        first_approver_id=first,
        final_approver_id=final.id,
        deputy_id=deputy,
        on_holiday=await _on_holiday(session, settings, starts_at, ends_at),
        team_id=person.team_id,
        hours_requested=hours,
        balance_year=year,
        created_at=now,
        updated_at=now,
    )
    session.add(leave)
    await session.flush()
    places.take(session, leave, shift_ids)
    if full:
        await places.waitlist(session, leave, full, now)
    await outbox.add(
        session,
        LeaveRequestedV1(
            leave_id=leave.id,
            employee_id=person.id,
            leave_type=leave.leave_type,
            starts_at=starts_at,
            ends_at=ends_at,
            requested_at=now,
        ),
        at=now,
    )
    return leave


async def approve(
    session: AsyncSession,
    *,
    principal: Principal,
    leave_id: uuid.UUID,
    holiday_reason: str | None,
    settings: Settings,
    now: datetime,
) -> tuple[Leave, list[dict[str, object]]]:
    """The next approver in the chain approves; the last one takes the person off the affected shifts."""
    # A swap approved meanwhile would move the person's shifts after `affected` read them:
    # the person's lock first, as swap approval takes it, then the request.
    # Then the team's, as the leave places change under it (LEV-6).
    unlocked = await get(session, leave_id)
    await swaps.lock_people(session, [unlocked.employee_id])
    await places.lock_team(session, unlocked.team_id)
    leave = await get(session, leave_id, lock=True)
    _require_open(leave)
    turn = awaiting(leave)
    acting_for = await _turn_of(session, principal, leave, now)
    leave.updated_at = now
    if turn == leave.first_approver_id and leave.first_approved_at is None:
        leave.first_approved_at = now
        leave.first_approved_by = principal.employee_id
        leave.first_acting_for_id = acting_for
        await session.flush()
        return leave, []
    leave.on_holiday = leave.on_holiday or await _on_holiday(session, settings, leave.starts_at, leave.ends_at)
    if leave.on_holiday and not holiday_reason:
        raise HolidayNeedsHead(
            t(
                "The leave touches a public holiday: the department head may allow it only with a reason "
                "(holiday_reason)."
            )
        )
    shifts = await affected(session, leave.employee_id, leave.starts_at, leave.ends_at)
    hours = hours_missed([s for _, s in shifts], leave.starts_at, leave.ends_at)
    await places.take_new(session, leave, [s.id for _, s in shifts], settings)
    if leave.leave_type == balance.ANNUAL:
        person = await access.employee(session, leave.employee_id)
        await balance.require_available(session, person, leave.balance_year, hours, settings, deciding=leave.id)
    leave.hours_missed = hours
    for assignment, _ in shifts:
        await roster.remove_assignment(session, assignment, reason=f"On {leave.leave_type} leave", now=now)
    leave.status = LeaveStatus.approved
    leave.decided_by = principal.employee_id
    leave.decided_acting_for_id = acting_for
    leave.decided_at = now
    leave.holiday_reason = holiday_reason if leave.on_holiday else None
    await session.flush()
    await delegation.schedule(session, leave, now)
    await outbox.add(
        session,
        LeaveApprovedV1(
            leave_id=leave.id,
            employee_id=leave.employee_id,
            leave_type=leave.leave_type,
            starts_at=leave.starts_at,
            ends_at=leave.ends_at,
            hours_missed=leave.hours_missed,
            approved_by=principal.employee_id,
            approved_at=now,
            acting_for_id=acting_for,
        ),
        at=now,
    )
    return leave, await coverage.shift_gaps(session, [s.id for _, s in shifts])


async def _turn_of(session: AsyncSession, principal: Principal, leave: Leave, now: datetime) -> uuid.UUID | None:
    """Refuse anyone but the approver whose turn it is, or their deputy while they are on leave (LEV-7).

    Returns the absent approver the caller acts for, if they do.
    """
    turn = awaiting(leave)
    if principal.employee_id == turn:
        return None
    acting_for = await delegation.acting_for(session, principal, [turn], now)
    if acting_for is not None:
        delegation.refuse_own(principal, leave.employee_id)
        return acting_for
    if principal.employee_id in (leave.first_approver_id, leave.final_approver_id):
        raise ChainBroken(t("Leave is approved level by level: it is not your turn yet."))
    raise Forbidden(t("Only the approver whose turn it is may decide this leave."))


def _require_open(leave: Leave) -> None:
    if leave.status == LeaveStatus.waiting:
        raise Conflict(
            t("The leave request waits for a place under the team's cap (LEV-6): it is decided once it has one.")
        )
    if leave.status != OPEN:
        raise Conflict(t("The leave request is already {status}.", status=leave.status))


async def _locked(session: AsyncSession, leave_id: uuid.UUID) -> Leave:
    """The request locked after its team, in the order approval locks them (LEV-6)."""
    await places.lock_team(session, (await get(session, leave_id)).team_id)
    return await get(session, leave_id, lock=True)


async def reject(
    session: AsyncSession, *, principal: Principal, leave_id: uuid.UUID, reason: str, settings: Settings, now: datetime
) -> Leave:
    leave = await _locked(session, leave_id)
    _require_open(leave)
    turn = awaiting(leave)
    acting_for = None if principal.employee_id == turn else await delegation.acting_for(session, principal, [turn], now)
    if principal.employee_id != turn and acting_for is None:
        raise Forbidden(t("Only the approver whose turn it is may decide this leave."))
    if acting_for is not None:
        delegation.refuse_own(principal, leave.employee_id)
    leave.decided_acting_for_id = acting_for
    leave.status = LeaveStatus.rejected
    leave.decided_by = principal.employee_id
    leave.decided_at = now
    leave.decision_reason = reason
    leave.updated_at = now
    await session.flush()
    await outbox.add(
        session,
        LeaveRejectedV1(
            leave_id=leave.id,
            employee_id=leave.employee_id,
            rejected_by=principal.employee_id,
            reason=reason,
            rejected_at=now,
            acting_for_id=acting_for,
        ),
        at=now,
    )
    await places.give_away(session, leave, settings, now)
    return leave


async def withdraw(
    session: AsyncSession, *, principal: Principal, leave_id: uuid.UUID, settings: Settings, now: datetime
) -> Leave:
    """The requester withdraws an undecided or waiting request; a place it held goes to the first waiting (LEV-6)."""
    leave = await _locked(session, leave_id)
    if principal.employee_id != leave.employee_id:
        raise Forbidden(t("Only the requester may withdraw a leave request."))
    if leave.status not in (OPEN, LeaveStatus.waiting):
        raise Conflict(t("Only an undecided request can be withdrawn; this one is {status}.", status=leave.status))
    held = leave.status in HOLDING
    leave.status = LeaveStatus.cancelled
    leave.cancelled_by = principal.employee_id
    leave.updated_at = now
    await session.flush()
    await outbox.add(
        session,
        LeaveCancelledV1(
            leave_id=leave.id, employee_id=leave.employee_id, cancelled_at=now, cancelled_by=principal.employee_id
        ),
        at=now,
    )
    if held:
        await places.give_away(session, leave, settings, now)
    return leave


async def cancel(
    session: AsyncSession, *, principal: Principal, leave_id: uuid.UUID, reason: str, settings: Settings, now: datetime
) -> Leave:
    """Approved leave cancelled before it starts, by its requester or its approver: annual hours go back to the
    balance (LEV-5), its places to the first waiting (LEV-6). The shifts it freed stay open for the roster."""
    leave = await _locked(session, leave_id)
    if principal.employee_id not in (leave.employee_id, leave.decided_by):
        raise Forbidden(t("Only the requester or the approver who approved it may cancel approved leave."))
    if leave.status != LeaveStatus.approved:
        raise Conflict(
            t(
                "Only approved leave is cancelled (withdraw an undecided request); this one is {status}.",
                status=leave.status,
            )
        )
    if leave.starts_at <= now:
        raise Conflict(t("The leave has begun: only leave that has not started can be cancelled."))
    leave.status = LeaveStatus.cancelled
    leave.cancelled_by = principal.employee_id
    leave.cancel_reason = reason
    leave.updated_at = now
    await session.flush()
    await delegation.on_cancelled(session, leave, now)
    await outbox.add(
        session,
        LeaveCancelledV1(
            leave_id=leave.id,
            employee_id=leave.employee_id,
            cancelled_at=now,
            cancelled_by=principal.employee_id,
            reason=reason,
            hours_restored=leave.hours_missed or 0.0,
        ),
        at=now,
    )
    await places.give_away(session, leave, settings, now)
    return leave


async def waiting_positions(session: AsyncSession, leaves: Sequence[Leave]) -> dict[uuid.UUID, int]:
    """Each waiting request's place in its team's waiting list (LEV-6)."""
    return await places.positions(session, leaves)


async def balance_for(
    session: AsyncSession,
    *,
    principal: Principal,
    employee_id: uuid.UUID | None,
    year: int | None,
    settings: Settings,
    now: datetime,
) -> balance.Balance:
    """A person's annual-leave balance, for them and those who see their records (LEV-5)."""
    person = await access.employee(session, employee_id or principal.employee_id)
    await access.require_visible(session, principal, person.id)
    return await balance.balance_of(session, person, year or balance.year_of(now, settings), settings)


async def read(session: AsyncSession, *, principal: Principal, leave_id: uuid.UUID, now: datetime) -> Leave:
    """The request, for those who see its requester, its approvers, and a deputy who acts or acted for one."""
    leave = await get(session, leave_id)
    deciders = (leave.first_approver_id, leave.final_approver_id, leave.first_approved_by, leave.decided_by)
    if principal.employee_id in deciders or await delegation.acting_for(session, principal, deciders[:2], now):
        return leave
    await access.require_visible(session, principal, leave.employee_id)
    return leave


_SORTABLE = {"starts_at": Leave.starts_at, "created_at": Leave.created_at}


async def list_leave(
    session: AsyncSession,
    *,
    principal: Principal,
    status: str | None,
    employee_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
    now: datetime,
) -> tuple[Sequence[Leave], int]:
    query = select(Leave)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        # An approver's requests are theirs to see, and their deputy's while they are away (LEV-7).
        approvers = {principal.employee_id} | await delegation.absent_leaders(session, principal.employee_id, now)
        query = query.where(
            Leave.employee_id.in_(visible)
            | Leave.first_approver_id.in_(approvers)
            | Leave.final_approver_id.in_(approvers)
            | (Leave.first_approved_by == principal.employee_id)
            | (Leave.decided_by == principal.employee_id)
        )
    if status is not None:
        query = query.where(Leave.status == status)
    if employee_id is not None:
        query = query.where(Leave.employee_id == employee_id)
    if team_id is not None:
        query = query.where(Leave.employee_id.in_(select(Employee.id).where(Employee.team_id == team_id)))
    if starts_from is not None:
        query = query.where(Leave.ends_at > starts_from)
    if starts_before is not None:
        query = query.where(Leave.starts_at < starts_before)
    order = order_by(sort, _SORTABLE, "-starts_at", Leave.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)
