"""Who may see and do what, decided from the authoritative org directory."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Forbidden
from callcenter_shared.org import visible_employee_ids
from scheduling.org.models import Employee

# Scopes of the service accounts (SERVICE_ACCOUNTS) that call scheduling.
DIRECTORY_WRITE = "directory:write"  # the HR system: teams and employees, including the first ones
INTERACTIONS_WRITE = "interactions:write"  # the phone system: interactions in progress (HND-3)


async def visible_ids(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Whose roster and requests the caller may see: None means everyone (L3+)."""
    return await visible_employee_ids(session, principal, Employee.__table__)  # type: ignore[arg-type]


async def require_visible(session: AsyncSession, principal: Principal, *employee_ids: uuid.UUID) -> None:
    visible = await visible_ids(session, principal)
    if visible is not None and not any(employee_id in visible for employee_id in employee_ids):
        raise Forbidden("Agents see only their own records, team leaders their team's.")


async def employee(session: AsyncSession, employee_id: uuid.UUID) -> Employee:
    return await get_or_404(session, Employee, employee_id, missing=f"Employee {employee_id} does not exist.")


async def superior_at_level(session: AsyncSession, person: Employee, level: int) -> Employee | None:
    """The person's superior at `level`, following the chain of direct superiors (ORG-1)."""
    current: Employee | None = person
    seen: set[uuid.UUID] = set()
    while current is not None and current.superior_id is not None and current.superior_id not in seen:
        seen.add(current.superior_id)
        current = await session.get(Employee, current.superior_id)
        if current is not None and current.level == level:
            return current
        if current is not None and current.level > level:
            return None
    return None


def require_team_manager(principal: Principal, team_id: uuid.UUID) -> None:
    """The team's leader, or L3 and above."""
    if principal.level >= 3:
        return
    if principal.level == 2 and principal.team_id == team_id:
        return
    raise Forbidden("Only the team's leader or level 3 and above may change this team's roster.")
