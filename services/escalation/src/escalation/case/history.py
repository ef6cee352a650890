"""The case's history: one appended line per change (ESC-5)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import Person
from escalation.case.models import Case, CaseHistory

_HISTORY = cast(Table, CaseHistory.__table__)
_APPEND = insert(_HISTORY)


def line(
    *,
    case_id: uuid.UUID,
    case_level: int,
    category_code: str,
    action: str,
    at: datetime,
    actor: Principal | Person | None,
    **detail: Any,
) -> dict[str, Any]:
    """The values of one history line: who did what, when, at which level."""
    actor_id = actor.employee_id if isinstance(actor, Principal) else actor.id if actor is not None else None
    shown = {key: str(value) if isinstance(value, uuid.UUID | datetime) else value for key, value in detail.items()}
    return {
        "case_id": case_id,
        "at": at,
        "actor_id": actor_id,
        "actor_level": actor.level if actor is not None else None,
        "case_level": case_level,
        "action": action,
        "detail": shown,
        "category_code": category_code,
    }


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
    values = line(
        case_id=case.id, case_level=case.level, category_code=case.category_code, action=action, at=at, actor=actor,
        **detail,
    )  # fmt: skip
    session.add(CaseHistory(**values))


async def append(session: AsyncSession, lines: Sequence[dict[str, Any]]) -> None:
    """Append `line()`s in one statement, in order, without loading the case (ESC-5)."""
    await session.execute(_APPEND, lines[0] if len(lines) == 1 else list(lines))
