"""The time rules scheduling fires from deadline rows: swap expiry (SWP-6), overdue handover items (HND-8)."""

from __future__ import annotations

from collections.abc import Mapping

from callcenter_shared.deadlines import DeadlineHandler
from scheduling.handover import item as handover_item
from scheduling.swap import service as swap

DEADLINE_HANDLERS: Mapping[str, DeadlineHandler] = {
    swap.EXPIRE: swap.expire,
    handover_item.ITEM_DUE: handover_item.item_due,
}
