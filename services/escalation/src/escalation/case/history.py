"""The case's history: one appended line per change (ESC-5)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import Person
from escalation.case.models import Case, CaseHistory


async def record(
    session: AsyncSession,
    case: Case,
    *,
    action: str,
    at: datetime,
    actor: Principal | Person | None,
    **detail: Any,
) -> None:
    """Append one line to the case's history (ESC-5); nothing ever updates or deletes it."""
    actor_id = actor.employee_id if isinstance(actor, Principal) else actor.id if actor is not None else None
    session.add(
        CaseHistory(
            case_id=case.id,
            at=at,
            actor_id=actor_id,
            actor_level=actor.level if actor is not None else None,
            case_level=case.level,
            action=action,
            detail={
                key: str(value) if isinstance(value, uuid.UUID | datetime) else value for key, value in detail.items()
            },
            category_code=case.category_code,
        )
    )
