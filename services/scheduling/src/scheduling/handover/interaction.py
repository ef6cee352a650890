"""Customer interactions as the phone system reports them, and who is still serving one (HND-3)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Caller, ServiceAccount
from callcenter_shared.errors import Conflict, Forbidden
from callcenter_shared.i18n import t
from scheduling import access
from scheduling.handover.models import Interaction


async def in_progress(session: AsyncSession, employee_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not employee_ids:
        return set()
    rows = await session.scalars(
        select(Interaction.employee_id).where(
            Interaction.employee_id.in_(list(employee_ids)), Interaction.ended_at.is_(None)
        )
    )
    return set(rows.all())


async def report_interaction(
    session: AsyncSession,
    *,
    principal: Caller,
    external_id: str,
    employee_id: uuid.UUID,
    state: str,
    now: datetime,
) -> Interaction:
    """The phone system reports a customer interaction starting or ending (HND-3)."""
    if isinstance(principal, ServiceAccount):
        principal.require(access.INTERACTIONS_WRITE)
    elif principal.employee_id != employee_id:
        raise Forbidden(t("Interactions are reported by the phone system's service account or the agent themselves."))
    await access.employee(session, employee_id)
    interaction = await session.scalar(select(Interaction).where(Interaction.external_id == external_id))
    if interaction is None:
        interaction = Interaction(
            id=uuid.uuid4(),
            external_id=external_id,
            employee_id=employee_id,
            started_at=now,
            ended_at=now if state == "ended" else None,
        )
        session.add(interaction)
    elif interaction.employee_id != employee_id:
        raise Conflict(t("This interaction belongs to another employee."))
    elif state == "ended" and interaction.ended_at is None:
        interaction.ended_at = now
    elif state == "in_progress" and interaction.ended_at is not None:
        raise Conflict(t("An ended interaction cannot restart; report a new one."))
    await session.flush()
    return interaction
