"""Events the roster reacts to: an agent taken off post for training, and back on post (PRF-9)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.performance import ReviewReassessedV1, ReviewTrainingStartedV1
from callcenter_shared.envelope import Envelope
from scheduling.roster import off_post


async def on_training_started(session: AsyncSession, event: ReviewTrainingStartedV1, _envelope: Envelope) -> None:
    await off_post.take_off_post(session, event)


async def on_reassessed(session: AsyncSession, event: ReviewReassessedV1, _envelope: Envelope) -> None:
    await off_post.after_reassessment(session, event)
