"""Opening a case: by its first receiver (ESC-1), or from a handover item that may not be carried again (HND-8)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.acting import seats_of
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseChainNotifiedV1, CaseOpenedV1
from callcenter_shared.db import dialect_insert
from callcenter_shared.errors import Forbidden, InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.org import Person, find_person, get_person, superior_chain
from escalation.case.chain import handler_at, start_level
from escalation.case.deadlines import EMERGENCY_REPORT, REPLY_DUE
from escalation.case.history import record
from escalation.case.models import Case, CaseNumberCounter, CaseStatus
from escalation.case.rules import ContactMissing
from escalation.case.schemas import CUSTOMER_CHANNELS, CaseCreate, Channel
from escalation.category import service as categories
from escalation.category.models import Category


async def _next_number(session: AsyncSession, now: datetime) -> str:
    """`ESC-2026-000123`: one atomic upsert per case, so concurrent openings never share a number."""
    table = cast(Table, CaseNumberCounter.__table__)
    insert_fn = dialect_insert(session)
    statement = insert_fn(table).values(year=now.year, last=1)
    statement = statement.on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
    last = (await session.execute(statement.returning(table.c.last))).scalar_one()
    return f"ESC-{now.year}-{last:06d}"


async def open_case(session: AsyncSession, *, principal: Principal, data: CaseCreate, now: datetime) -> Case:
    """The first receiver opens a case and owns the customer relationship until it is closed (ESC-1)."""
    owner = await find_person(session, principal.employee_id)
    if owner is None or not owner.active:
        raise Forbidden(t("You are not (yet) in the org directory here, so you cannot open cases."))
    category = await categories.by_code(session, data.category, now)
    if data.channel in CUSTOMER_CHANNELS and not data.customer_contact.strip():
        raise ContactMissing(
            t("Record the customer's contact: the customer must get a reply within the category's time limit.")
        )
    if data.named_agent_id is not None:
        agent = await find_person(session, data.named_agent_id)
        if agent is None:
            raise InvalidInput(
                t("The named agent {named_agent_id} is not known.", named_agent_id=data.named_agent_id),
                errors=[{"path": "body.named_agent_id", "message": t("unknown employee"), "type": "unknown_reference"}],
            )
    return await _open(
        session,
        owner=owner,
        category=category,
        channel=data.channel,
        customer_contact=data.customer_contact.strip(),
        description=data.description,
        named_agent_id=data.named_agent_id,
        emergency=data.emergency,
        handover_item_id=None,
        now=now,
        actor=principal,
    )


async def _open(
    session: AsyncSession,
    *,
    owner: Person,
    category: Category,
    channel: Channel,
    customer_contact: str,
    description: str,
    named_agent_id: uuid.UUID | None,
    emergency: bool,
    handover_item_id: uuid.UUID | None,
    now: datetime,
    actor: Principal | Person,
) -> Case:
    if not category.active:
        raise InvalidInput(t("The category {code!r} is no longer in use.", code=category.code))
    seat = await handler_at(session, owner, category.entry_level)  # an absent person's delegate holds it (ESC-14)
    handler = seat.holder
    case = Case(
        id=uuid.uuid4(),
        number=await _next_number(session, now),
        category_id=category.id,
        category_code=category.code,
        channel=channel.value,
        customer_contact=customer_contact,
        description=description,
        named_agent_id=named_agent_id,
        emergency=emergency,
        owner_id=owner.id,
        owner_team_id=owner.team_id,
        status=CaseStatus.open,
        allowances=list(category.level_minutes),
        warning_minutes=category.warning_minutes,
        emergency_report_minutes=category.emergency_report_minutes,
        handover_item_id=handover_item_id,
        reply_breached=False,
        opened_at=now,
    )
    session.add(case)
    await start_level(session, case, seat, now)
    await record(
        session, case, action="opened", at=now, actor=actor, owner_id=owner.id, handler_id=handler.id,
        acting_for_id=seat.acting_for_id, category=category.code, channel=channel.value, emergency=emergency,
    )  # fmt: skip
    if channel in CUSTOMER_CHANNELS:
        case.reply_due_at = now + timedelta(minutes=category.reply_limit_minutes)
        await deadlines.schedule(session, kind=REPLY_DUE, ref_id=case.id, due_at=case.reply_due_at, now=now)
    if emergency:
        case.emergency_report_due_at = now + timedelta(minutes=case.emergency_report_minutes)
        await deadlines.schedule(
            session, kind=EMERGENCY_REPORT, ref_id=case.id, due_at=case.emergency_report_due_at, now=now
        )
    await outbox.add(
        session,
        CaseOpenedV1(
            case_id=case.id,
            number=case.number,
            category=category.code,
            level=case.level,
            owner_id=owner.id,
            handler_id=handler.id,
            acting_for_id=seat.acting_for_id,
            emergency=emergency,
            channel=channel.value,
            handover_item_id=handover_item_id,
            opened_at=now,
        ),
        at=now,
    )
    if category.must_report:
        seated = seat.absent or handler
        chain = [seated, *await superior_chain(session, seated.id)]
        # Whoever acts for an absent person in the chain hears of it too: nobody reports into a void (ESC-14).
        seats = await seats_of(session, chain)
        notified = list(dict.fromkeys(i for p in chain for i in (seats[p.id].holder.id, p.id)))
        await record(
            session, case, action="chain_notified", at=now, actor=None, notified_ids=[str(i) for i in notified]
        )
        await outbox.add(
            session,
            CaseChainNotifiedV1(
                case_id=case.id, number=case.number, category=category.code, level=case.level,
                notified_ids=notified, notified_at=now,
            ),
            at=now,
        )  # fmt: skip
    return case


async def open_from_handover_item(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    owner_id: uuid.UUID,
    title: str,
    description: str,
    progress: str,
    contacts: str,
    reason: str,
    now: datetime,
) -> Case:
    """A handover item that may not be carried again becomes a case at level 2 (HND-8)."""
    existing = await session.scalar(
        select(Case).where(Case.handover_item_id == item_id, Case.status == CaseStatus.open)
    )
    if existing is not None:
        return existing
    owner = await get_person(session, owner_id)
    category = await categories.by_code(session, categories.HANDOVER_ITEM, now)
    text = "\n\n".join(part for part in (title, description, f"Progress: {progress}" if progress else "") if part)
    return await _open(
        session,
        owner=owner,
        category=category,
        channel=Channel.handover_item,
        customer_contact=contacts,
        description=f"{text}\n\n(escalated from a handover: {reason})",
        named_agent_id=None,
        emergency=False,
        handover_item_id=item_id,
        now=now,
        actor=owner,
    )
