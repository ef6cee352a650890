"""An agent off post for training (PRF-9): told by performance's review events, scheduling keeps them off
call-taking shifts, releases their future ones and reports the gaps to the team's leader."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.performance import ReviewReassessedV1, ReviewTrainingStartedV1
from scheduling.roster import service as roster
from scheduling.roster.models import Assignment, OffPostPeriod, ReleasedAssignment, Shift
from scheduling.swap import service as swaps

BACK_ON_POST = "back_on_post"


async def take_off_post(session: AsyncSession, event: ReviewTrainingStartedV1) -> None:
    """Open the agent's off-post period and release their call-taking assignments that start after it began;
    each release that leaves its shift short is kept as a gap for the team's leader. Once per review."""
    # The person's row first, as an assignment or a swap approval locks it: none lands between these steps.
    await swaps.lock_people(session, [event.agent_id])
    if await session.scalar(select(OffPostPeriod.id).where(OffPostPeriod.review_id == event.review_id)):
        return
    session.add(
        OffPostPeriod(
            id=uuid.uuid4(),
            employee_id=event.agent_id,
            review_id=event.review_id,
            note=event.note,
            started_at=event.started_at,
        )
    )
    reason = f"PRF-9: off post for training from {event.started_at:%Y-%m-%d %H:%M} UTC (bottom-rank review)"
    if event.note:
        reason += f": {event.note}"
    for assignment_id, shift in await _future_call_taking(session, event.agent_id, event.started_at):
        assignment = await roster.lock_assignment(session, assignment_id)
        if not assignment.active or assignment.employee_id != event.agent_id:
            continue
        await roster.remove_assignment(session, assignment, reason=reason, now=event.started_at)
        session.add(
            ReleasedAssignment(
                assignment_id=assignment.id,
                shift_id=shift.id,
                team_id=shift.team_id,
                employee_id=event.agent_id,
                review_id=event.review_id,
                released_at=event.started_at,
            )
        )
    await session.flush()


async def _future_call_taking(
    session: AsyncSession, employee_id: uuid.UUID, since: datetime
) -> Sequence[tuple[uuid.UUID, Shift]]:
    rows = await session.execute(
        select(Assignment.id, Shift)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            Assignment.employee_id == employee_id,
            Assignment.active.is_(True),
            Shift.call_taking.is_(True),
            Shift.starts_at > since,
        )
        .order_by(Shift.starts_at)
    )
    return [(row[0], row[1]) for row in rows.all()]


async def after_reassessment(session: AsyncSession, event: ReviewReassessedV1) -> None:
    """Back on post lifts the refusal; referred to HR keeps the agent off post (PRF-7, PRF-9)."""
    if event.outcome != BACK_ON_POST:
        return
    period = await session.scalar(
        select(OffPostPeriod).where(OffPostPeriod.review_id == event.review_id).with_for_update()
    )
    if period is None:  # back on post without a training step seen here: nothing to lift
        return
    if period.ended_at is None:
        period.ended_at = event.reassessed_at
        period.end_outcome = event.outcome
        await session.flush()
