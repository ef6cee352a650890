"""The chain of direct superiors: who handles a case at which level, its stints and clocks (and their
pauses, ESC-13), moving it up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseEscalatedV1, CaseReopenedV1, CaseResumedV1
from callcenter_shared.i18n import t
from callcenter_shared.levels import is_one_level_up
from callcenter_shared.org import Person, find_person, get_person, superior_chain
from callcenter_shared.tables import deadline
from escalation.case.history import record
from escalation.case.models import Case, CaseStatus, CaseStint
from escalation.case.rules import CategoryChainIncomplete, LevelSkipped

LEVEL_TIMEOUT = "case.level_timeout"
LEVEL_WARNING = "case.level_warning"
LEVEL_CLOCKS = (LEVEL_TIMEOUT, LEVEL_WARNING)
PAUSE_ENDS = "case.pause_ends"  # the maximum pause ran out: the clocks resume by themselves (ESC-13)


async def handler_at(session: AsyncSession, owner: Person, level: int) -> Person:
    """The person at `level` in the owner's chain of direct superiors (the owner at or above it)."""
    if owner.level >= level:
        return owner
    for superior in await superior_chain(session, owner.id):
        if superior.level == level:
            return superior
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
    superior: Person
    reason: str
    stint: CaseStint | None


async def start_level(session: AsyncSession, case: Case, handler: Person, now: datetime) -> None:
    """Give the case to its handler and start that level's clock."""
    await _start_levels(session, [(case, handler)], now)


async def _start_levels(session: AsyncSession, starts: Sequence[tuple[Case, Person]], now: datetime) -> None:
    """Give each case to its handler at their level and start that level's clock from the fixed allowance."""
    stints: list[CaseStint] = []
    for case, handler in starts:
        case.handler_id = handler.id
        case.level = handler.level
        case.level_started_at = now
        case.level_due_at = now + timedelta(minutes=case.allowances[handler.level - 1])
        case.acknowledged_at = None
        case.overdue_at = None
        case.updated_at = now
        stint = CaseStint(case_id=case.id, level=handler.level, handler_id=handler.id, started_at=now)
        session.add(stint)
        stints.append(stint)
    await session.flush()  # the new stints' ids go into their deadlines
    clocks: list[deadlines.NewDeadline] = []
    for (case, handler), stint in zip(starts, stints, strict=True):
        payload = {"stint_id": stint.id, "level": handler.level}
        clocks.append(deadlines.NewDeadline(LEVEL_TIMEOUT, case.id, case.level_due_at, payload))
        warn_at = case.level_due_at - timedelta(minutes=case.warning_minutes)
        if case.warning_minutes > 0 and warn_at > now:
            clocks.append(deadlines.NewDeadline(LEVEL_WARNING, case.id, warn_at, payload))
    await deadlines.schedule_many(session, clocks, now=now)


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
    """Move the case exactly one level up, to the current handler's direct superior (ESC-4)."""
    handler = await get_person(session, case.handler_id)
    superior = await find_person(session, handler.superior_id) if handler.superior_id else None
    if superior is None or not is_one_level_up(superior, case.level):
        raise LevelSkipped(no_superior_above(handler, case.level))
    if case.paused_at is not None:  # moving on ends the wait: the pause closes with the level it stopped
        await end_pause(session, case, now, actor=actor, why="escalated")
    climb = Climb(case, superior, reason, await _current_stint(session, case))
    await move_up_many(session, [climb], now, actor=actor, automatic=automatic, action=action)
    return superior


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
            to_handler_id=climb.superior.id,
            reason=climb.reason,
        )
        events.append(
            CaseEscalatedV1(
                case_id=case.id,
                number=case.number,
                from_level=from_level,
                to_level=case.level,
                from_handler_id=from_handler,
                to_handler_id=climb.superior.id,
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
    await start_level(session, case, await get_person(session, case.handler_id), now)
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
