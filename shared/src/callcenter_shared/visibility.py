"""Who may see whom: the visibility policy over the org read copy (or scheduling's directory).

An agent sees only themselves; a team leader their team and everyone below them; level 3
and above see everyone. Services ask it through their access module (`<service>/access.py`),
never directly (decision 0007); `callcenter_shared.org` only answers questions about the
structure.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from callcenter_shared.auth import Principal
from callcenter_shared.db import among
from callcenter_shared.levels import Level, at_least, is_team_leader
from callcenter_shared.org import org_employee


def sees_everyone(principal: Principal) -> bool:
    return at_least(principal, Level.DEPUTY_GENERAL_MANAGER)


def team_leader_view(principal: Principal, table: Table = org_employee) -> Select[Any]:
    """The ids a team leader sees: themselves, their team and everyone below them, in one indexed lookup.

    ORG-1 puts only agents (level 1) directly under a team leader and nobody under an agent, so
    everyone below a team leader is one of their direct reports: no recursive walk is needed.
    """
    seen = [table.c.id == principal.employee_id, table.c.superior_id == principal.employee_id]
    if principal.team_id is not None:
        seen.append(table.c.team_id == principal.team_id)
    return select(table.c.id).where(or_(*seen))


def visibility_clause(
    principal: Principal, employee_id: ColumnElement[Any] | QueryableAttribute[Any], table: Table = org_employee
) -> ColumnElement[bool] | None:
    """The same rule as `visible_employee_ids`, as a SQL condition on `employee_id`.

    Lets a list endpoint filter and page in one statement instead of fetching ids first; its
    cost follows the people the caller sees, not the size of the directory or of the list's
    table (`callcenter_shared.db.among`). None means no restriction (L3 and above).
    """
    if sees_everyone(principal):
        return None
    if not is_team_leader(principal):
        return employee_id == principal.employee_id
    return among(employee_id, team_leader_view(principal, table))


async def visible_employee_ids(
    session: AsyncSession, principal: Principal, table: Table = org_employee
) -> set[uuid.UUID] | None:
    """Whose private data the caller may see: None means everyone (L3 and above)."""
    if sees_everyone(principal):
        return None
    visible = {principal.employee_id}
    if is_team_leader(principal):
        visible |= set((await session.scalars(team_leader_view(principal, table))).all())
    return visible


async def can_see(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID, table: Table = org_employee
) -> bool:
    visible = await visible_employee_ids(session, principal, table)
    return visible is None or employee_id in visible
