"""Events escalation reacts to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.contracts.scheduling import (
    DelegationEndedV1,
    DelegationStartedV1,
    EmployeeLeftV1,
    HandoverItemEscalationRequestedV1,
)
from callcenter_shared.envelope import Envelope
from escalation.case import absence, leavers, opening


async def on_handover_item_escalation_requested(
    session: AsyncSession, event: HandoverItemEscalationRequestedV1, envelope: Envelope
) -> None:
    """A handover item that may not be carried again opens a case at level 2, linked to the item."""
    await opening.open_from_handover_item(
        session,
        item_id=event.item_id,
        owner_id=event.owner_id,
        title=event.title,
        description=event.description,
        progress=event.progress,
        contacts=event.contacts,
        reason=event.reason,
        now=envelope.time,
    )


async def on_employee_left(session: AsyncSession, event: EmployeeLeftV1, _envelope: Envelope) -> None:
    """A leaver's post is held by the successor (ESC-14), and their open cases pass to them (ORG-7)."""
    await leavers.hand_over_post(
        session, leaver_id=event.employee_id, successor_id=event.successor_id, now=event.left_at
    )


async def on_delegation_started(session: AsyncSession, event: DelegationStartedV1, envelope: Envelope) -> None:
    """A leader's leave began: the delegate acts for them, and the cases at their desk pass to the delegate."""
    await absence.leave_began(session, event, envelope)


async def on_delegation_ended(session: AsyncSession, event: DelegationEndedV1, envelope: Envelope) -> None:
    """The leave is over (or cancelled): the cases the delegate held for the leader go back to them."""
    await absence.leave_ended(session, event, envelope)
