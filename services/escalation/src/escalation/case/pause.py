"""Pausing a case that waits on the customer or a third party, and resuming it (ESC-13).

A pause stops every clock of the case's level and of the customer reply: the level time limit,
the warning before it and the reply limit (an emergency's report to the superior is the handler's
own duty and keeps running). What each clock had left is kept on the case; resuming schedules them
again, later by the length of the pause. A pause lasts at most the category's `max_pause_minutes`
(else `CASE_MAX_PAUSE_MINUTES`): a deadline row then resumes the case by itself.

Two deadline workers may fire a clock while the case is being paused: the pause holds the case row,
cancels only the clock rows no worker holds, and a clock a worker held finds the case paused when it
gets the row and does nothing; the pause had already kept its time left.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CasePausedV1
from callcenter_shared.i18n import t
from escalation.access import read, require_holder, require_open
from escalation.case import chain
from escalation.case.deadlines import REPLY_DUE, case_of
from escalation.case.history import record
from escalation.case.models import Case
from escalation.case.rules import PauseRefused
from escalation.category import service as categories

PAUSED_CLOCKS = (*chain.LEVEL_CLOCKS, REPLY_DUE)


async def pause(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    waiting_on: str,
    reason: str,
    minutes: int | None,
    default_max_minutes: int,
    now: datetime,
) -> Case:
    """The handler (or a superior above them) stops the case's clocks while it waits on someone else."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    require_open(case)
    await require_holder(session, principal, case, t("pause it"))
    if case.paused_at is not None:
        raise PauseRefused(
            t(
                "Case {number} has been paused since {paused_at}; resume it first.",
                number=case.number,
                paused_at=case.paused_at.isoformat(),
            )
        )
    category = await categories.get(session, case.category_id)
    longest = category.max_pause_minutes or default_max_minutes
    if minutes is not None and minutes > longest:
        raise PauseRefused(
            t(
                "A case of category {code!r} may be paused for at most {longest} minutes; its clocks then "
                "resume by themselves.",
                code=category.code,
                longest=longest,
            )
        )
    running = [due for due in await deadlines.pending(session, ref_id=case.id) if due.kind in PAUSED_CLOCKS]
    await chain.cancel_unclaimed(session, case, PAUSED_CLOCKS, now)
    case.paused_at = now
    case.pause_waiting_on = waiting_on
    case.pause_reason = reason
    case.pause_ends_at = now + timedelta(minutes=minutes or longest)
    case.paused_clocks = [
        {"kind": due.kind, "due_at": due.due_at.isoformat(), "payload": due.payload} for due in running
    ]
    case.updated_at = now
    await deadlines.schedule(
        session,
        kind=chain.PAUSE_ENDS,
        ref_id=case.id,
        due_at=case.pause_ends_at,
        now=now,
        payload={"paused_at": now.isoformat()},
    )
    await record(
        session, case, action="paused", at=now, actor=principal, waiting_on=waiting_on, reason=reason,
        resumes_by=case.pause_ends_at, time_left_seconds=int((case.level_due_at - now).total_seconds()),
    )  # fmt: skip
    await outbox.add(
        session,
        CasePausedV1(
            case_id=case.id, number=case.number, level=case.level, handler_id=case.handler_id,
            paused_by=principal.employee_id, waiting_on=waiting_on, reason=reason, paused_at=now,
            resumes_by=case.pause_ends_at,
        ),
        at=now,
    )  # fmt: skip
    return case


async def resume(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, now: datetime) -> Case:
    """The handler (or a superior above them) resumes the clocks, each with the time it had left."""
    case = await read(session, principal=principal, case_id=case_id, lock=True)
    require_open(case)
    await require_holder(session, principal, case, t("resume it"))
    if case.paused_at is None:
        raise PauseRefused(t("Case {number} is not paused; its clocks are running.", number=case.number))
    await chain.end_pause(session, case, now, actor=principal, why="resumed")
    return case


async def on_pause_ends(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """The maximum pause ran out: the case resumes by itself, unless that pause already ended."""
    case = await case_of(session, due)
    if case is None or case.paused_at is None:
        return
    if case.paused_at != datetime.fromisoformat(str(due.payload.get("paused_at"))):
        return  # the end of an earlier pause
    await chain.end_pause(session, case, now, actor=None, why="maximum pause reached")
