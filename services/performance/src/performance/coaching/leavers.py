"""A leaver's open work in performance passes to their successor (ORG-7), when `employee.left` arrives.

What waits on a named person here (the map is `performance/tasks/service.py`): their draft QA
evaluations and the open coaching items they follow up. Disputes and bottom-rank reviews wait on
whoever is the agent's superior in the read copy, so they follow the directory without a move.
A coaching item keeps its history in its follow-ups and gets one saying who took it over; a
draft evaluation has no history and simply changes evaluator.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from performance.coaching.models import Coaching, CoachingFollowUp, CoachingStatus
from performance.qa.models import Evaluation, EvaluationStatus


async def hand_over_work(
    session: AsyncSession, *, leaver_id: uuid.UUID, successor_id: uuid.UUID, now: datetime
) -> None:
    await session.execute(
        update(Evaluation)
        .where(Evaluation.status == EvaluationStatus.draft, Evaluation.evaluator_id == leaver_id)
        .values(evaluator_id=successor_id, updated_at=now)
    )
    coaching = (
        await session.scalars(
            select(Coaching)
            .where(Coaching.status == CoachingStatus.open, Coaching.leader_id == leaver_id)
            .order_by(Coaching.id)
            .with_for_update()
        )
    ).all()
    for item in coaching:
        item.leader_id = successor_id
        item.follow_ups.append(
            CoachingFollowUp(
                id=uuid.uuid4(),
                note=f"Moved from {leaver_id}, who left, to their successor {successor_id} (ORG-7).",
                by=leaver_id,
                at=now,
                next_due=item.follow_up_due,
            )
        )
