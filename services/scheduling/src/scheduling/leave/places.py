"""A team's cap on leave in the same shift, and its waiting list (LEV-6).

A request takes a place in each shift its person works during the leave (`LeavePlace`). While
it is undecided or approved it holds those places; at most the team's cap of its people hold a
place in one shift. A request that finds a shift full waits, in order of request; when a
request lets its places go (rejected, withdrawn, cancelled), the first waiting request that now
fits takes them and goes to approval, and its requester is told (an event, and a task).

Everything that counts or changes a team's places holds the team's row lock first (after the
person's, as the directory does), so two requests for the last place are decided one after the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.contracts.scheduling import LeavePromotedV1, LeaveWaitlistedV1
from callcenter_shared.db import lock_rows
from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import t
from scheduling.leave.models import HOLDING, Leave, LeavePlace, LeaveStatus
from scheduling.org.models import Team
from scheduling.roster.models import Shift
from scheduling.settings import Settings


class LeaveCapReached(RuleViolation):
    rule = "LEV-6"


async def lock_team(session: AsyncSession, team_id: uuid.UUID | None) -> None:
    """Hold the team's row until commit: its leave places change one request at a time."""
    if team_id is not None:
        await lock_rows(session, Team.id, [team_id])


async def cap_of(session: AsyncSession, team_id: uuid.UUID, settings: Settings) -> int:
    own = await session.scalar(select(Team.leave_cap).where(Team.id == team_id))
    return own if own is not None else settings.leave_cap_per_shift


async def _taken(session: AsyncSession, team_id: uuid.UUID, shift_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many of the team's requests hold a place in each shift."""
    wanted = set(shift_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(LeavePlace.shift_id, func.count())
        .join(Leave, Leave.id == LeavePlace.leave_id)
        .where(LeavePlace.shift_id.in_(wanted), Leave.team_id == team_id, Leave.status.in_(HOLDING))
        .group_by(LeavePlace.shift_id)
    )
    return {shift_id: int(count) for shift_id, count in rows.all()}


async def full_shifts(
    session: AsyncSession, team_id: uuid.UUID, shift_ids: Sequence[uuid.UUID], settings: Settings
) -> list[uuid.UUID]:
    """The shifts among `shift_ids` where the team's places are all taken (the caller holds the team's lock)."""
    cap = await cap_of(session, team_id, settings)
    taken = await _taken(session, team_id, shift_ids)
    return [shift_id for shift_id in shift_ids if taken.get(shift_id, 0) >= cap]


def take(session: AsyncSession, leave: Leave, shift_ids: Iterable[uuid.UUID]) -> None:
    for shift_id in shift_ids:
        session.add(LeavePlace(id=uuid.uuid4(), leave_id=leave.id, shift_id=shift_id))


async def places_of(session: AsyncSession, leave_id: uuid.UUID) -> list[uuid.UUID]:
    return list((await session.scalars(select(LeavePlace.shift_id).where(LeavePlace.leave_id == leave_id))).all())


async def waitlist(session: AsyncSession, leave: Leave, full: Sequence[uuid.UUID], now: datetime) -> None:
    """Put the request on its team's waiting list, and say so."""
    assert leave.team_id is not None
    leave.status = LeaveStatus.waiting
    await session.flush()
    position = (await positions(session, [leave]))[leave.id]
    await outbox.add(
        session,
        LeaveWaitlistedV1(
            leave_id=leave.id,
            employee_id=leave.employee_id,
            team_id=leave.team_id,
            position=position,
            full_shift_ids=list(full),
            waitlisted_at=now,
        ),
        at=now,
    )


async def positions(session: AsyncSession, leaves: Iterable[Leave]) -> dict[uuid.UUID, int]:
    """Each waiting request's place in the waiting list (1 is next): after the waiting requests of its team,
    asked earlier, that wait for a place in one of the same shifts."""
    asked = [leave for leave in leaves if leave.status == LeaveStatus.waiting and leave.team_id]
    if not asked:
        return {}
    rows = await session.execute(
        select(Leave.id, Leave.team_id, LeavePlace.shift_id)
        .join(LeavePlace, LeavePlace.leave_id == Leave.id)
        .where(Leave.team_id.in_({leave.team_id for leave in asked}), Leave.status == LeaveStatus.waiting)
        .order_by(Leave.created_at, Leave.id)
    )
    order: list[uuid.UUID] = []
    shifts: dict[uuid.UUID, set[tuple[uuid.UUID | None, uuid.UUID]]] = {}
    for leave_id, team_id, shift_id in rows.all():
        if leave_id not in shifts:
            order.append(leave_id)
            shifts[leave_id] = set()
        shifts[leave_id].add((team_id, shift_id))
    found: dict[uuid.UUID, int] = {}
    for leave in asked:
        if leave.id in shifts:
            before = order[: order.index(leave.id)]
            found[leave.id] = 1 + sum(1 for other in before if shifts[other] & shifts[leave.id])
    return found


async def give_away(session: AsyncSession, freed: Leave, settings: Settings, now: datetime) -> list[Leave]:
    """`freed` no longer holds its places (the caller holds the team's lock): the first waiting requests that
    now fit take them, in order of request, and go to approval. Returns the requests promoted."""
    if freed.team_id is None:
        return []
    freed_shifts = await places_of(session, freed.id)
    if not freed_shifts:
        return []
    candidates = (
        await session.scalars(
            select(Leave)
            .join(LeavePlace, LeavePlace.leave_id == Leave.id)
            .where(
                Leave.team_id == freed.team_id,
                Leave.status == LeaveStatus.waiting,
                LeavePlace.shift_id.in_(freed_shifts),
                Leave.starts_at > now,  # a waiting request whose leave has begun has nothing left to take
            )
            .order_by(Leave.created_at, Leave.id)
            .distinct()
        )
    ).all()
    promoted = []
    for candidate in candidates:
        if await full_shifts(session, freed.team_id, await places_of(session, candidate.id), settings):
            continue
        candidate.status = LeaveStatus.requested
        candidate.promoted_at = now
        candidate.updated_at = now
        await session.flush()
        awaiting = candidate.first_approver_id or candidate.final_approver_id
        await outbox.add(
            session,
            LeavePromotedV1(
                leave_id=candidate.id,
                employee_id=candidate.employee_id,
                team_id=freed.team_id,
                freed_by_leave_id=freed.id,
                awaiting=awaiting,
                promoted_at=now,
            ),
            at=now,
        )
        promoted.append(candidate)
    return promoted


async def take_new(session: AsyncSession, leave: Leave, shift_ids: Sequence[uuid.UUID], settings: Settings) -> None:
    """At approval: places in the shifts the person came to work since asking (a swap, an assignment),
    or a refusal when the team's places there are taken (the caller holds the team's lock)."""
    if leave.team_id is None:
        return
    held = set(await places_of(session, leave.id))
    new = [shift_id for shift_id in shift_ids if shift_id not in held]
    full = await full_shifts(session, leave.team_id, new, settings)
    if full:
        raise LeaveCapReached(
            t(
                "Since the request, the person works {shifts}, where the team's {cap} place(s) for leave are taken.",
                shifts=await describe(session, full, settings),
                cap=await cap_of(session, leave.team_id, settings),
            )
        )
    take(session, leave, new)


async def describe(session: AsyncSession, shift_ids: Sequence[uuid.UUID], settings: Settings) -> str:
    """The shifts by name and start, in the center's zone."""
    center = ZoneInfo(settings.timezone)
    rows = await session.execute(
        select(Shift.name, Shift.starts_at).where(Shift.id.in_(shift_ids)).order_by(Shift.starts_at)
    )
    return ", ".join(f"{name} ({starts_at.astimezone(center):%Y-%m-%d %H:%M})" for name, starts_at in rows.all())
