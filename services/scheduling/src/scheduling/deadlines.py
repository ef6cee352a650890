"""The deadlines scheduling fires from deadline rows, and who handles each: the service's table of contents for time.

Swap expiry (SWP-6), open-board offer expiry (SWP-7), overdue handover items (HND-8), a leader's leave starting
and ending the deputy's acting for them (LEV-7).
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter_shared.deadlines import Handler
from scheduling.handover import item as handover_item
from scheduling.leave import delegation
from scheduling.offer import closing as offer_closing
from scheduling.offer import service as offer
from scheduling.swap import service as swap

DEADLINE_HANDLERS: Mapping[str, Handler] = {
    swap.EXPIRE: swap.expire,
    offer_closing.EXPIRE: offer.expire,
    handover_item.ITEM_DUE: handover_item.item_due,
    delegation.STARTS: delegation.on_starts,
    delegation.ENDS: delegation.on_ends,
}
