"""What the case's deadlines do when they fire: level time-outs in batches, warnings, emergency reports, replies.

The table of which deadline runs which function is `escalation.deadlines`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.acting import seats_of
from callcenter_shared.contracts.escalation import CaseDeadlineWarningV1, CaseOverdueV1, CaseReplyOverdueV1
from callcenter_shared.levels import is_one_level_up, is_top
from callcenter_shared.org import people_by_id
from escalation.case import chain
from escalation.case.history import record
from escalation.case.models import Case, CaseStatus, CaseStint

EMERGENCY_REPORT = "case.emergency_report"
REPLY_DUE = "case.reply_due"


async def case_of(session: AsyncSession, due: deadlines.Due) -> Case | None:
    """The case a deadline row is about, locked and read afresh (None if it is gone)."""
    return await session.get(Case, uuid.UUID(due.ref_id), with_for_update=True, populate_existing=True)


async def _live_many(
    session: AsyncSession, dues: Sequence[deadlines.Due]
) -> list[tuple[deadlines.Due, Case, CaseStint]]:
    """Level deadlines whose case still sits in the stint they were set for, with that case and stint.

    The cases are locked in id order, so concurrent batches never wait on each other in a cycle.
    """
    case_ids = {uuid.UUID(due.ref_id) for due in dues}
    cases = {
        case.id: case
        for case in await session.scalars(
            select(Case)
            .where(Case.id.in_(case_ids))
            .order_by(Case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    open_stints: dict[uuid.UUID, CaseStint] = {}
    for open_stint in await session.scalars(
        select(CaseStint).where(CaseStint.case_id.in_(case_ids), CaseStint.ended_at.is_(None)).order_by(CaseStint.id)
    ):
        open_stints[open_stint.case_id] = open_stint  # the latest open stint is the current one
    live: list[tuple[deadlines.Due, Case, CaseStint]] = []
    for due in dues:
        case = cases.pop(uuid.UUID(due.ref_id), None)  # popped: one effect per case, even if asked twice
        stint = open_stints.get(case.id) if case is not None else None
        if (
            case is not None
            and case.status == CaseStatus.open
            and case.paused_at is None  # paused: the clock stopped; the pause kept its time left (ESC-13)
            and stint is not None
            and stint.id == due.payload.get("stint_id")
        ):
            live.append((due, case, stint))
    return live


async def on_level_timeouts(session: AsyncSession, dues: Sequence[deadlines.Due], now: datetime) -> None:
    """Levels whose time ran out: each case climbs one level (ESC-3), or raises the overdue alert at level 5.

    Fired in batches: the whole batch costs a few statements, however many cases it holds.
    """
    live = await _live_many(session, dues)
    # From the seat each case sits in (the absent person its handler acts for, else the handler), ESC-14.
    seated = await people_by_id(session, {case.acting_for_id or case.handler_id for _, case, _ in live})
    superiors = await people_by_id(session, {h.superior_id for h in seated.values() if h.superior_id})
    seats = await seats_of(session, superiors.values())
    climbs: list[chain.Climb] = []
    alerts: list[CaseOverdueV1] = []
    for due, case, stint in live:
        handler = seated.get(case.acting_for_id or case.handler_id)
        superior = superiors.get(handler.superior_id) if handler and handler.superior_id else None
        seat = seats.get(superior.id) if superior is not None else None
        one_up = not is_top(case) and superior is not None and is_one_level_up(superior, case.level)
        if one_up and seat is not None and seat.holder.active:
            minutes = case.allowances[case.level - 1]
            reason = f"Not resolved within {minutes} minutes at level {case.level}."
            climbs.append(chain.Climb(case, seat, reason, stint))
            continue
        if not is_top(case):  # nobody one level up to take it: raise the alarm instead of retrying forever
            blocked = (
                chain.post_vacant(superior) if one_up and superior else chain.no_superior_above(handler, case.level)
            )
            await record(session, case, action="escalation_blocked", at=now, actor=None, reason=blocked)
        case.overdue_at = now
        case.updated_at = now
        await record(session, case, action="overdue", at=now, actor=None, due_at=due.due_at)
        alerts.append(
            CaseOverdueV1(
                case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
                due_at=due.due_at, overdue_at=now,
            )
        )  # fmt: skip
    await outbox.add_many(session, alerts, at=now)
    await chain.move_up_many(session, climbs, now, actor=None, automatic=True)


async def on_level_warning(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """Tell the current handler that the level's time is about to run out."""
    live = await _live_many(session, [due])
    if not live:
        return
    [(_due, case, _stint)] = live
    await record(session, case, action="deadline_warning", at=now, actor=None, due_at=case.level_due_at)
    await outbox.add(
        session,
        CaseDeadlineWarningV1(
            case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
            due_at=case.level_due_at, warned_at=now,
        ),
        at=now,
    )  # fmt: skip


async def on_emergency_report_due(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """No report after an emergency: the missing report is itself escalated (ESC-6)."""
    case = await case_of(session, due)
    if case is None or case.emergency_reported_at is not None:
        return
    await record(session, case, action="emergency_report_missing", at=now, actor=None, due_at=due.due_at)
    reason = "Emergency handled without the report to the direct superior within the time allowed (ESC-6)."
    if case.status == CaseStatus.resolved:
        await chain.reopen(session, case, now, actor=None, reason=reason)
    if not is_top(case):
        await chain.move_up(
            session, case, now, actor=None, automatic=True, reason=reason, action="escalated_for_missing_report"
        )
    else:
        case.overdue_at = now
        await outbox.add(
            session,
            CaseOverdueV1(
                case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
                due_at=due.due_at, overdue_at=now,
            ),
            at=now,
        )  # fmt: skip


async def on_reply_due(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """The customer was not answered in time: count the breach (ESC-9)."""
    case = await case_of(session, due)
    if case is None or case.replied_at is not None or case.reply_breached or case.paused_at is not None:
        return  # paused: the reply clock stopped and resumes with the time it had left (ESC-13)
    case.reply_breached = True
    case.updated_at = now
    await record(session, case, action="reply_breached", at=now, actor=None, due_at=due.due_at)
    await outbox.add(
        session,
        CaseReplyOverdueV1(
            case_id=case.id, number=case.number, category=case.category_code, owner_id=case.owner_id,
            reply_due_at=due.due_at, breached_at=now,
        ),
        at=now,
    )  # fmt: skip
