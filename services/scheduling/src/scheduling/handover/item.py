"""Open items handed to the incoming shift: read-back, carrying, escalation, resolution (HND-5, 6, 8, 9)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseResolvedV1
from callcenter_shared.contracts.scheduling import HandoverItemEscalationRequestedV1, HandoverItemResolvedV1
from callcenter_shared.db import get_for_update
from callcenter_shared.deadlines import Due
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling.handover.models import Handover, HandoverItem, HandoverItemStatus
from scheduling.handover.schemas import ItemCreate
from scheduling.handover.service import get, is_leader, lock_item, require_open, staff
from scheduling.settings import Settings

log = logging.getLogger(__name__)

ITEM_DUE = "handover_item.due"


class ItemIncomplete(RuleViolation):
    rule = "HND-5"


class NotTheOwner(RuleViolation):
    rule = "HND-6"


class MustEscalate(RuleViolation):
    rule = "HND-8"


async def _escalate(
    session: AsyncSession, item: HandoverItem, *, reason: str, handover: Handover, now: datetime
) -> None:
    """Turn the item into an escalation request instead of carrying it again (HND-8)."""
    item.status = HandoverItemStatus.escalated
    item.escalated_at = now
    item.escalation_reason = reason
    await deadlines.cancel(session, ref_id=item.id, now=now, kind=ITEM_DUE)
    await outbox.add(
        session,
        HandoverItemEscalationRequestedV1(
            item_id=item.id,
            handover_id=item.handover_id,
            team_id=handover.team_id,
            owner_id=item.owner_id,
            title=item.title,
            description=item.description,
            progress=item.progress,
            contacts=item.contacts,
            carry_count=item.carry_count,
            due_at=item.due_at,
            reason=reason,
            requested_at=now,
        ),
        at=now,
    )
    await session.flush()


async def add_item(
    session: AsyncSession,
    *,
    principal: Principal,
    handover_id: uuid.UUID,
    data: ItemCreate,
    settings: Settings,
    now: datetime,
) -> tuple[HandoverItem, bool]:
    """Hand an open item to an incoming person (HND-5); returns (item, escalated).

    Carrying an item that was already carried `handover_max_carry` times, or is past due, escalates it instead.
    """
    handover = await get(session, handover_id, lock=True)
    require_open(handover)
    outgoing = await staff(session, handover.outgoing_shift_id)
    if principal.employee_id not in outgoing and not is_leader(principal, handover):
        raise Forbidden(t("Only the outgoing staff (or the team leader) register open items."))
    incoming = await staff(session, handover.incoming_shift_id)
    if data.receiver_id not in incoming:
        raise ItemIncomplete(t("The receiver must be one of the incoming staff of this handover."))
    carry_count = 0
    if data.carried_from_item_id is not None:
        source = await get_for_update(
            session, HandoverItem, data.carried_from_item_id, missing=t("The carried item does not exist.")
        )
        if source.status != HandoverItemStatus.acknowledged:
            raise Conflict(t("Only an item someone owns can be carried; this one is {status}.", status=source.status))
        if source.owner_id != principal.employee_id and not is_leader(principal, handover):
            raise NotTheOwner(t("Only the item's owner (whoever received it) may hand it on."))
        past_due = source.due_at is not None and now >= source.due_at
        if source.carry_count + 1 > settings.handover_max_carry or past_due:
            await _escalate(
                session, source, reason="past_due" if past_due else "carried_too_often", handover=handover, now=now
            )
            return source, True
        source.status = HandoverItemStatus.carried
        await deadlines.cancel(session, ref_id=source.id, now=now, kind=ITEM_DUE)
        carry_count = source.carry_count + 1
    due_at = data.due_at
    item = HandoverItem(
        id=uuid.uuid4(),
        handover_id=handover.id,
        title=data.title,
        description=data.description,
        progress=data.progress,
        contacts=data.contacts,
        due_at=due_at,
        handed_by=principal.employee_id,
        receiver_id=data.receiver_id,
        owner_id=principal.employee_id,
        carry_count=carry_count,
        carried_from_id=data.carried_from_item_id,
        status=HandoverItemStatus.open,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    if due_at is not None:
        if due_at <= now:
            await _escalate(session, item, reason="past_due", handover=handover, now=now)
            return item, True
        await deadlines.schedule(session, kind=ITEM_DUE, ref_id=item.id, due_at=due_at, now=now)
    return item, False


async def item_due(session: AsyncSession, due: Due, now: datetime) -> None:
    """Deadline handler: an item still unresolved at its due time is escalated (HND-8)."""
    if await session.get(HandoverItem, uuid.UUID(due.ref_id)) is None:
        return
    handover, item = await lock_item(session, uuid.UUID(due.ref_id))
    if item.status not in (HandoverItemStatus.open, HandoverItemStatus.acknowledged):
        return
    await _escalate(session, item, reason="past_due", handover=handover, now=now)


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


async def acknowledge(
    session: AsyncSession, *, principal: Principal, item_id: uuid.UUID, read_back: str, now: datetime
) -> HandoverItem:
    """The receiver takes the item over and restates the next action in their own words (HND-6, HND-9)."""
    handover, item = await lock_item(session, item_id)
    require_open(handover)
    if principal.employee_id != item.receiver_id:
        raise Forbidden(t("Only the named receiver acknowledges an item."))
    if item.status != HandoverItemStatus.open:
        raise Conflict(t("The item is already {status}.", status=item.status))
    if _normalised(read_back) in {_normalised(item.progress), _normalised(item.title), _normalised(item.description)}:
        raise InvalidInput(
            t("The read-back must restate the next action in your own words, not copy the item."),
            errors=[{"path": "body.read_back", "message": "copied from the item", "type": "value_error"}],
        )
    item.read_back = read_back
    item.acknowledged_at = now
    item.owner_id = principal.employee_id
    item.status = HandoverItemStatus.acknowledged
    await session.flush()
    return item


async def _resolve(
    session: AsyncSession,
    item: HandoverItem,
    *,
    resolution: str,
    by: uuid.UUID | None,
    case_id: uuid.UUID | None,
    now: datetime,
) -> None:
    item.status = HandoverItemStatus.resolved
    item.resolution = resolution
    item.resolved_by = by
    item.resolved_case_id = case_id
    item.resolved_at = now
    await deadlines.cancel(session, ref_id=item.id, now=now, kind=ITEM_DUE)
    await outbox.add(
        session,
        HandoverItemResolvedV1(
            item_id=item.id,
            handover_id=item.handover_id,
            resolved_by=by,
            case_id=case_id,
            resolution=resolution,
            resolved_at=now,
        ),
        at=now,
    )
    await session.flush()


async def resolve_item(
    session: AsyncSession, *, principal: Principal, item_id: uuid.UUID, resolution: str, now: datetime
) -> HandoverItem:
    """The owner resolves a carried item and records the resolution on it (HND-6)."""
    _, item = await lock_item(session, item_id)
    if principal.employee_id != item.owner_id:
        raise NotTheOwner(t("Whoever received the item owns it: only the owner records its resolution."))
    if item.status == HandoverItemStatus.escalated:
        raise MustEscalate(t("The item was escalated: it closes when the escalation case is resolved."))
    if item.status != HandoverItemStatus.acknowledged:
        raise Conflict(t("Only an acknowledged item can be resolved; this one is {status}.", status=item.status))
    await _resolve(session, item, resolution=resolution, by=principal.employee_id, case_id=None, now=now)
    return item


async def resolve_from_case(session: AsyncSession, event: CaseResolvedV1) -> None:
    """Close the escalated handover item with the case's resolution (HND-6, HND-8); once, however often told."""
    if event.handover_item_id is None:
        return
    if await session.get(HandoverItem, event.handover_item_id) is None:
        log.warning("case %s resolved an unknown handover item %s", event.case_id, event.handover_item_id)
        return
    _, item = await lock_item(session, event.handover_item_id)
    if item.status == HandoverItemStatus.resolved:
        return
    await _resolve(
        session,
        item,
        resolution=event.resolution,
        by=event.resolved_by,
        case_id=event.case_id,
        now=event.resolved_at,
    )
