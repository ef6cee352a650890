"""A leaver's open cases pass to their successor (ORG-7), when scheduling's `employee.left` arrives.

What waits on a named person here (the map is `escalation/tasks/service.py`): the open cases at
their desk and the department results they owe. Complaints to verify wait on whoever is the named
agent's superior, so they follow the directory without a move. Each move is a line of the case's
history (ESC-5) naming the leaver and the successor.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting
from callcenter_shared.acting import Seat
from callcenter_shared.org import get_person
from escalation.case import chain
from escalation.case.history import record
from escalation.case.models import Case, CaseStatus

MOVED = "moved_from_leaver"
DEPARTMENT_MOVED = "department_moved_from_leaver"


async def hand_over_post(
    session: AsyncSession, *, leaver_id: uuid.UUID, successor_id: uuid.UUID, now: datetime
) -> None:
    """The successor holds the leaver's post from now on (ESC-14), and takes over their open cases (ORG-7)."""
    await acting.record_vacancy(session, leaver_id=leaver_id, successor_id=successor_id, left_at=now)
    await hand_over_cases(session, leaver_id=leaver_id, successor_id=successor_id, now=now)


async def hand_over_cases(
    session: AsyncSession, *, leaver_id: uuid.UUID, successor_id: uuid.UUID, now: datetime
) -> None:
    """Give the leaver's open cases to the successor, each at the successor's level with that level's clock.

    The successor sits at the leaver's level or one above (scheduling checks it), so a case never
    skips a level (ESC-4); the level's allowance starts afresh, as for anyone newly holding a case.
    """
    cases = (
        await session.scalars(
            select(Case)
            .where(
                Case.status == CaseStatus.open,
                or_(
                    Case.handler_id == leaver_id,
                    Case.acting_for_id == leaver_id,  # held by their delegate while they were on leave
                    (Case.department_handler_id == leaver_id) & Case.department_result.is_(None),
                ),
            )
            .order_by(Case.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    if not cases:
        return
    # Not in the read copy yet (its own event is on another subject): fail, and the redelivery finds it.
    successor = await get_person(session, successor_id)
    for case in cases:
        if leaver_id in (case.handler_id, case.acting_for_id):
            from_level, from_handler = case.level, case.handler_id
            await chain.end_level(session, case, now, MOVED)
            await chain.start_level(session, case, Seat(successor), now)
            await record(
                session,
                case,
                action=MOVED,
                at=now,
                actor=None,
                from_level=from_level,
                to_level=case.level,
                from_handler_id=from_handler,
                to_handler_id=successor.id,
                reason="the handler left; the case passes to their successor (ORG-7)",
            )
        if case.department_handler_id == leaver_id and case.department_result is None:
            case.department_handler_id = successor.id
            case.updated_at = now
            await record(
                session,
                case,
                action=DEPARTMENT_MOVED,
                at=now,
                actor=None,
                from_handler_id=leaver_id,
                to_handler_id=successor.id,
                reason="the department handler left; their successor reports the result (ORG-7)",
            )
