"""The chain of direct superiors: who handles a case at which level, its stints and clocks (and their
pauses, ESC-13), moving it up.

A case sits in a seat: the person at its level in the chain. When that person is absent (a team leader
on approved leave, LEV-7; a leaver's post, ORG-7) whoever acts for them holds the seat and the case,
recorded as acting for them (`acting_for_id`); the case still climbs from the seat, one level at a time,
and never waits on someone who is not there (ESC-14)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.acting import Seat, seat_of
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseEscalatedV1, CaseReopenedV1, CaseResumedV1
from callcenter_shared.i18n import t
from callcenter_shared.levels import is_one_level_up
from callcenter_shared.org import Person, find_person, get_person, superior_chain
from callcenter_shared.tables import deadline
from escalation.case.history import record
from escalation.case.models import Case, CaseStatus, CaseStint
from escalation.case.rules import CategoryChainIncomplete, LevelSkipped, PostVacant

LEVEL_TIMEOUT = "case.level_timeout"
LEVEL_WARNING = "case.level_warning"
LEVEL_CLOCKS = (LEVEL_TIMEOUT, LEVEL_WARNING)
PAUSE_ENDS = "case.pause_ends"  # the maximum pause ran out: the clocks resume by themselves (ESC-13)


def post_vacant(person: Person) -> str:
    """Why nobody can take a case at `person`'s seat: they left and no successor is known here yet."""
    return t(
        "{name} has left and nobody holding their post is known here yet; the case cannot skip their level.",
        name=person.name,
    )


async def held_seat(session: AsyncSession, person: Person) -> Seat:
    """Who holds `person`'s seat now (ESC-14): them, their delegate on leave, a leaver's successor.

    A leaver whose successor is not known yet: refused (ESC-14), never waiting on someone not there.
    """
    seat = await seat_of(session, person)
    if not seat.holder.active:
        raise PostVacant(post_vacant(person))
    return seat


async def seat_person(session: AsyncSession, case: Case) -> Person:
    """Whose seat the case sits in: the absent person its handler acts for, else the handler."""
    return await get_person(session, case.acting_for_id or case.handler_id)


async def handler_at(session: AsyncSession, owner: Person, level: int) -> Seat:
    """The seat at `level` in the owner's chain of direct superiors (the owner at or above it), and who holds it."""
    if owner.level >= level:
        return Seat(owner)
    for superior in await superior_chain(session, owner.id):
        if superior.level == level:
            return await held_seat(session, superior)
    raise CategoryChainIncomplete(
        t(
            "{name} has no superior at level {level} in the directory, so the case has nobody to start at.",
            name=owner.name,
            level=level,
        )
    )


@dataclass
class Climb:
    """One case moving one level up, with what the move needs already loaded."""

    case: Case
    superior: Seat
    reason: str
    stint: CaseStint | None


async def start_level(session: AsyncSession, case: Case, seat: Seat, now: datetime) -> None:
    """Give the case to whoever holds the seat and start that level's clock."""
    await _start_levels(session, [(case, seat)], now)


def _seat_case(case: Case, seat: Seat, now: datetime) -> CaseStint:
    case.handler_id = seat.holder.id
    case.acting_for_id = seat.acting_for_id
    case.acknowledged_at = None
    case.updated_at = now
    return CaseStint(
        case_id=case.id, level=seat.level, handler_id=seat.holder.id, acting_for_id=seat.acting_for_id, started_at=now
    )


async def _start_levels(session: AsyncSession, starts: Sequence[tuple[Case, Seat]], now: datetime) -> None:
    """Give each case to its seat's holder at the seat's level and start that level's clock from the fixed
    allowance."""
    stints: list[CaseStint] = []
    for case, seat in starts:
        case.level = seat.level
        case.level_started_at = now
        case.level_due_at = now + timedelta(minutes=case.allowances[seat.level - 1])
        case.overdue_at = None
        stint = _seat_case(case, seat, now)
        session.add(stint)
        stints.append(stint)
    await session.flush()  # the new stints' ids go into their deadlines
    clocks: list[deadlines.NewDeadline] = []
    for (case, seat), stint in zip(starts, stints, strict=True):
        clocks += level_clocks(case.id, seat.level, stint.id, case.level_due_at, case.warning_minutes, now)
    await deadlines.schedule_many(session, clocks, now=now)


def level_clocks(
    case_id: uuid.UUID, level: int, stint_id: int, due_at: datetime, warning_minutes: int, now: datetime
) -> list[deadlines.NewDeadline]:
    """The deadlines of a level just started: its time-out, and the warning before it when there is time for one."""
    payload = {"stint_id": stint_id, "level": level}
    clocks = [deadlines.NewDeadline(LEVEL_TIMEOUT, case_id, due_at, payload)]
    warn_at = due_at - timedelta(minutes=warning_minutes)
    if warning_minutes > 0 and warn_at > now:
        clocks.append(deadlines.NewDeadline(LEVEL_WARNING, case_id, warn_at, payload))
    return clocks


async def _current_stint(session: AsyncSession, case: Case) -> CaseStint | None:
    return await session.scalar(
        select(CaseStint)
        .where(CaseStint.case_id == case.id, CaseStint.ended_at.is_(None))
        .order_by(CaseStint.id.desc())
    )


def _close_stint(stint: CaseStint | None, now: datetime, outcome: str) -> None:
    if stint is not None:
        stint.ended_at = now
        stint.seconds = int((now - stint.started_at).total_seconds())
        stint.outcome = outcome


async def end_level(session: AsyncSession, case: Case, now: datetime, outcome: str) -> None:
    """Close the current stint and stop the level's clocks."""
    _close_stint(await _current_stint(session, case), now, outcome)
    await deadlines.cancel(session, ref_id=case.id, now=now, kinds=LEVEL_CLOCKS)


def no_superior_above(handler: Person | None, level: int) -> str:
    """Why the case cannot move up from `level`: nobody one level up above its handler."""
    who = handler.name if handler is not None else "The current handler"
    return (
        f"{who} (level {level}) has no direct superior one level up in the directory; "
        "the case cannot move up without skipping a level."
    )


async def cancel_unclaimed(session: AsyncSession, case: Case, kinds: Sequence[str], now: datetime) -> None:
    """Cancel the case's pending deadlines of `kinds`, skipping any a deadline worker holds right now.

    A worker holds the deadline row and then waits for the case row, which the caller holds: waiting
    for the deadline row here would be a deadlock. A skipped deadline fires once the caller commits,
    and its handler then finds the case changed (paused, resumed) and does nothing.
    """
    claimable = await session.scalars(
        select(deadline.c.id)
        .where(
            deadline.c.ref_id == str(case.id),
            deadline.c.kind.in_(kinds),
            deadline.c.fired_at.is_(None),
            deadline.c.cancelled_at.is_(None),
        )
        .with_for_update(skip_locked=True)
    )
    ids = list(claimable)
    if ids:
        await session.execute(update(deadline).where(deadline.c.id.in_(ids)).values(cancelled_at=now))


async def end_pause(
    session: AsyncSession, case: Case, now: datetime, *, actor: Principal | None, why: str
) -> CaseResumedV1:
    """Run the paused clocks again, each with the time it had left (ESC-13), and say so in the history.

    Every clock stopped by the pause is scheduled anew, later by exactly the length of the pause; the
    pause's own end is cancelled. The caller holds the case's row lock.
    """
    paused_at = case.paused_at
    assert paused_at is not None, "end_pause on a case that is not paused"
    paused_for = now - paused_at
    await deadlines.schedule_many(
        session,
        [
            deadlines.NewDeadline(
                str(clock["kind"]),
                case.id,
                datetime.fromisoformat(str(clock["due_at"])) + paused_for,
                dict(clock["payload"]),
            )
            for clock in case.paused_clocks
        ],
        now=now,
    )
    await cancel_unclaimed(session, case, [PAUSE_ENDS], now)
    seconds = int(paused_for.total_seconds())
    stint = await _current_stint(session, case)
    if stint is not None:
        stint.paused_seconds = (stint.paused_seconds or 0) + seconds
    case.level_due_at += paused_for
    if case.reply_due_at is not None and case.replied_at is None and not case.reply_breached:
        case.reply_due_at += paused_for
    case.paused_seconds = (case.paused_seconds or 0) + seconds
    case.paused_at = case.pause_waiting_on = case.pause_reason = case.pause_ends_at = None
    case.paused_clocks = []
    case.updated_at = now
    await record(
        session, case, action="resumed", at=now, actor=actor, why=why, paused_at=paused_at, paused_seconds=seconds,
        level_due_at=case.level_due_at,
    )  # fmt: skip
    event = CaseResumedV1(
        case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
        resumed_by=actor.employee_id if actor else None, automatic=actor is None, paused_at=paused_at,
        resumed_at=now, paused_seconds=seconds, level_due_at=case.level_due_at,
    )  # fmt: skip
    await outbox.add(session, event, at=now)
    return event


async def move_up(
    session: AsyncSession,
    case: Case,
    now: datetime,
    *,
    actor: Principal | None,
    automatic: bool,
    reason: str,
    action: str | None = None,
) -> Person:
    """Move the case exactly one level up, to the direct superior of its seat, or whoever holds theirs (ESC-4, 14)."""
    seated = await seat_person(session, case)
    superior = await find_person(session, seated.superior_id) if seated.superior_id else None
    if superior is None or not is_one_level_up(superior, case.level):
        raise LevelSkipped(no_superior_above(seated, case.level))
    seat = await held_seat(session, superior)
    if case.paused_at is not None:  # moving on ends the wait: the pause closes with the level it stopped
        await end_pause(session, case, now, actor=actor, why="escalated")
    climb = Climb(case, seat, reason, await _current_stint(session, case))
    await move_up_many(session, [climb], now, actor=actor, automatic=automatic, action=action)
    return seat.holder


async def move_up_many(
    session: AsyncSession,
    climbs: Sequence[Climb],
    now: datetime,
    *,
    actor: Principal | None,
    automatic: bool,
    action: str | None = None,
) -> None:
    """Move each case one level up to its checked superior; a few statements however many cases."""
    if not climbs:
        return
    action = action or ("escalated_on_timeout" if automatic else "escalated")
    moves = [(climb, climb.case.level, climb.case.handler_id) for climb in climbs]
    for climb in climbs:
        _close_stint(climb.stint, now, action)
    await deadlines.cancel(session, ref_id=[climb.case.id for climb in climbs], now=now, kinds=LEVEL_CLOCKS)
    await _start_levels(session, [(climb.case, climb.superior) for climb in climbs], now)
    events: list[CaseEscalatedV1] = []
    for climb, from_level, from_handler in moves:
        case = climb.case
        await record(
            session,
            case,
            action=action,
            at=now,
            actor=actor,
            from_level=from_level,
            to_level=case.level,
            from_handler_id=from_handler,
            to_handler_id=climb.superior.holder.id,
            acting_for_id=climb.superior.acting_for_id,
            reason=climb.reason,
        )
        events.append(
            CaseEscalatedV1(
                case_id=case.id,
                number=case.number,
                from_level=from_level,
                to_level=case.level,
                from_handler_id=from_handler,
                to_handler_id=climb.superior.holder.id,
                acting_for_id=climb.superior.acting_for_id,
                automatic=automatic,
                reason=climb.reason,
                escalated_at=now,
            )
        )
    await outbox.add_many(session, events, at=now)


async def reopen(session: AsyncSession, case: Case, now: datetime, *, actor: Principal | None, reason: str) -> None:
    """Open a resolved case again at the level that closed it, with a fresh clock; the caller checks who may."""
    case.status = CaseStatus.open
    case.resolution = None
    case.resolved_by = None
    case.resolved_at = None
    await start_level(session, case, await held_seat(session, await seat_person(session, case)), now)
    await record(session, case, action="reopened", at=now, actor=actor, reason=reason)
    await outbox.add(
        session,
        CaseReopenedV1(
            case_id=case.id,
            number=case.number,
            level=case.level,
            handler_id=case.handler_id,
            reopened_by=actor.employee_id if actor else None,
            reason=reason,
            reopened_at=now,
        ),
        at=now,
    )


async def reseat(
    session: AsyncSession, case: Case, seat: Seat, now: datetime, *, actor: Principal | None, action: str, reason: str
) -> None:
    """Hand an open case to whoever holds its seat now, at the same level with the time the level had left:
    the delegate when its leader's leave begins, the leader again when it ends (ESC-14, LEV-7).

    A new stint; the level's clocks (running, or kept by a pause, ESC-13) move to it unchanged. The caller
    holds the case's row lock.
    """
    from_handler, from_acting = case.handler_id, case.acting_for_id
    _close_stint(await _current_stint(session, case), now, action)
    stint = _seat_case(case, seat, now)
    session.add(stint)
    await session.flush()
    if case.paused_at is not None:
        case.paused_clocks = [
            {**clock, "payload": {**dict(clock["payload"]), "stint_id": stint.id}}
            if clock["kind"] in LEVEL_CLOCKS
            else clock
            for clock in case.paused_clocks
        ]
    else:
        running = [due for due in await deadlines.pending(session, ref_id=case.id) if due.kind in LEVEL_CLOCKS]
        await cancel_unclaimed(session, case, LEVEL_CLOCKS, now)  # one a worker holds fires into the old stint
        await deadlines.schedule_many(
            session,
            [
                deadlines.NewDeadline(due.kind, case.id, due.due_at, {**due.payload, "stint_id": stint.id})
                for due in running
            ],
            now=now,
        )
    await record(
        session, case, action=action, at=now, actor=actor, from_handler_id=from_handler,
        from_acting_for_id=from_acting, to_handler_id=seat.holder.id, acting_for_id=seat.acting_for_id, reason=reason,
    )  # fmt: skip
