"""Closing an offer on the open shift board (SWP-7): withdrawn, cancelled because its assignment changed, or
expired when its shift starts. Swaps call it when the roster changes under an offer (`swap.service`), so it
imports nothing of the swap package."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.contracts.scheduling import SwapOfferCancelledV1, SwapOfferExpiredV1
from scheduling.offer.models import OfferStatus, SwapOffer

EXPIRE = "swap_offer.expire"


async def cancel(session: AsyncSession, offer: SwapOffer, *, by: uuid.UUID | None, reason: str, now: datetime) -> None:
    """Take an open offer off the board: withdrawn by the offerer (`by`), or by the system."""
    _close(offer, OfferStatus.cancelled, by=by, reason=reason, now=now)
    await deadlines.cancel(session, ref_id=offer.id, now=now, kind=EXPIRE)
    await outbox.add(
        session, SwapOfferCancelledV1(offer_id=offer.id, cancelled_by=by, reason=reason, cancelled_at=now), at=now
    )
    await session.flush()


async def cancel_open(
    session: AsyncSession, *, assignment_ids: Sequence[uuid.UUID], reason: str, now: datetime
) -> list[SwapOffer]:
    """Cancel every open offer of these assignments: they changed hands, were taken off or their shift moved."""
    if not assignment_ids:
        return []
    query = (
        select(SwapOffer)
        .where(SwapOffer.status == OfferStatus.open, SwapOffer.assignment_id.in_(list(assignment_ids)))
        .order_by(SwapOffer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    offers = list((await session.scalars(query)).all())
    for offer in offers:
        await cancel(session, offer, by=None, reason=reason, now=now)
    return offers


async def expire(session: AsyncSession, offer: SwapOffer, now: datetime) -> None:
    """An offer nobody took by the time its shift starts expires (SWP-7, SWP-6)."""
    _close(offer, OfferStatus.expired, by=None, reason="Not taken before the shift started.", now=now)
    await outbox.add(session, SwapOfferExpiredV1(offer_id=offer.id, expired_at=now), at=now)
    await session.flush()


def _close(offer: SwapOffer, status: OfferStatus, *, by: uuid.UUID | None, reason: str, now: datetime) -> None:
    offer.status = status
    offer.closed_by = by
    offer.closed_at = now
    offer.close_reason = reason
    offer.updated_at = now
