"""Events of the open shift board: swap offers posted, taken, cancelled and expired (SWP-7)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from callcenter_shared.envelope import Event


class SwapOfferPostedV1(Event):
    """Published when someone offers their assignment on the open shift board, to swap or to give away (SWP-7)."""

    subject = "callcenter.scheduling.swap_offer.posted.v1"

    offer_id: uuid.UUID
    offerer_id: uuid.UUID
    assignment_id: uuid.UUID
    shift_id: uuid.UUID
    kind: Literal["swap", "give_away"]
    expires_at: datetime = Field(description="The shift's start: the offer expires then (SWP-6)")
    posted_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferTakenV1(Event):
    """Published when the first eligible taker takes an offer: they are the counterpart of the swap it opens,
    already accepted, which waits for the team leaders (SWP-7, SWP-3)."""

    subject = "callcenter.scheduling.swap_offer.taken.v1"

    offer_id: uuid.UUID
    swap_id: uuid.UUID
    offerer_id: uuid.UUID
    taker_id: uuid.UUID
    kind: Literal["swap", "give_away"]
    assignment_id: uuid.UUID = Field(description="The offered assignment")
    taker_assignment_id: uuid.UUID | None = Field(
        default=None, description="What the taker gives in return; None for a give-away"
    )
    taken_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferCancelledV1(Event):
    """Published when the offerer withdraws an open offer, or the system does because its assignment changed."""

    subject = "callcenter.scheduling.swap_offer.cancelled.v1"

    offer_id: uuid.UUID
    cancelled_by: uuid.UUID | None = Field(default=None, description="None when the system cancelled it")
    reason: str
    cancelled_at: datetime

    def key(self) -> str:
        return str(self.offer_id)


class SwapOfferExpiredV1(Event):
    """Published when an offer is still untaken as its shift starts (SWP-7, SWP-6)."""

    subject = "callcenter.scheduling.swap_offer.expired.v1"

    offer_id: uuid.UUID
    expired_at: datetime

    def key(self) -> str:
        return str(self.offer_id)
