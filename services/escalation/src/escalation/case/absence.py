"""A team leader's approved leave in escalation (LEV-7, ESC-14): their open cases pass to the delegate when the
leave begins, and back to them when it ends; each move is a line of the case's history (ESC-5).

Scheduling's `delegation.started` and `delegation.ended` say when (`callcenter_shared.acting` keeps who acts
for whom); new cases and climbs find the delegate through the same record (`chain.held_seat`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting
from callcenter_shared.acting import seat_of
from callcenter_shared.contracts.scheduling import DelegationEndedV1, DelegationStartedV1
from callcenter_shared.envelope import Envelope
from callcenter_shared.org import find_person, get_person
from escalation.case import chain
from escalation.case.models import Case, CaseStatus

TO_DELEGATE = "moved_to_acting"
BACK = "returned_from_acting"


async def _open_cases(session: AsyncSession, *conditions: ColumnElement[bool]) -> list[Case]:
    """The open cases matching `conditions`, locked in id order and read afresh."""
    query = (
        select(Case)
        .where(Case.status == CaseStatus.open, *conditions)
        .order_by(Case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


async def leave_began(session: AsyncSession, event: DelegationStartedV1, envelope: Envelope) -> None:
    """The delegate acts for the leader from now on; the cases at the leader's desk go to the delegate."""
    await acting.on_delegation_started(session, event, envelope)
    await _to_delegate(session, leader_id=event.leader_id, delegate_id=event.delegate_id, now=event.started_at)


async def leave_ended(session: AsyncSession, event: DelegationEndedV1, envelope: Envelope) -> None:
    """The delegate no longer acts; the cases they held for the leader go back."""
    await acting.on_delegation_ended(session, event, envelope)
    await _back(session, leader_id=event.leader_id, delegate_id=event.delegate_id, now=event.ended_at)


async def _to_delegate(session: AsyncSession, *, leader_id: uuid.UUID, delegate_id: uuid.UUID, now: datetime) -> None:
    """The cases at the leader's desk go to the delegate, at the same level with the time it had left."""
    leader = await get_person(session, leader_id)
    await get_person(session, delegate_id)  # not in the copy yet: fail, and the redelivery finds them
    seat = await seat_of(session, leader)
    if seat.absent is None:  # the leave already ended (its `ended` came first): nothing to hand over
        return
    for case in await _open_cases(session, Case.handler_id == leader_id, Case.acting_for_id.is_(None)):
        await chain.reseat(
            session, case, seat, now, actor=None, action=TO_DELEGATE,
            reason="the handler is on approved leave; their delegate acts for them (LEV-7, ESC-14)",
        )  # fmt: skip


async def _back(session: AsyncSession, *, leader_id: uuid.UUID, delegate_id: uuid.UUID, now: datetime) -> None:
    """The cases the delegate held for the leader go back to the leader (or to whoever holds their post now)."""
    leader = await find_person(session, leader_id)
    if leader is None:
        return
    seat = await seat_of(session, leader)
    if not seat.holder.active or seat.holder.id == delegate_id:
        return  # gone without a known successor yet (`employee.left` moves them), or still away
    for case in await _open_cases(session, Case.acting_for_id == leader_id, Case.handler_id == delegate_id):
        await chain.reseat(
            session, case, seat, now, actor=None, action=BACK,
            reason="the leave is over; the case is back with the person it waited for (LEV-7)",
        )  # fmt: skip
