"""Who may decide and who may see, answered from the org read copy (ORG-5)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import Person, get_person, org_employee, org_team, superior_chain

LEVEL_TITLES = {
    1: "Agent 座席",
    2: "Team Leader 班长",
    3: "Deputy General Manager 主管副总经理",
    4: "General Manager 总经理",
    5: "Executive in Charge 主管领导",
}


async def team_leader_id(session: AsyncSession, team_id: uuid.UUID) -> uuid.UUID | None:
    """The team's leader: as the team event names it, else its active L2 member."""
    return (await team_leader_ids(session, [team_id])).get(team_id)


async def team_leader_ids(session: AsyncSession, team_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The leaders of `team_ids` that have one, as `team_leader_id` finds them, in two statements at most."""
    rows = await session.execute(select(org_team.c.id, org_team.c.leader_id).where(org_team.c.id.in_(team_ids)))
    leaders = {row.id: row.leader_id for row in rows if row.leader_id is not None}
    unnamed = [team_id for team_id in team_ids if team_id not in leaders]
    if unnamed:
        members = await session.execute(
            select(org_employee.c.team_id, org_employee.c.id).where(
                org_employee.c.team_id.in_(unnamed), org_employee.c.level == 2, org_employee.c.active.is_(True)
            )
        )
        leaders |= {row.team_id: row.id for row in members}
    return leaders


async def chain_of(session: AsyncSession, *, employee_id: uuid.UUID | None, team_id: uuid.UUID | None) -> list[Person]:
    """The people above a person, or above a team (its leader first, then the leader's superiors)."""
    if employee_id is not None:
        return await superior_chain(session, employee_id)
    if team_id is None:
        return []
    leader_id = await team_leader_id(session, team_id)
    if leader_id is None:
        return []
    return [await get_person(session, leader_id), *await superior_chain(session, leader_id)]


async def decides_at_level(
    session: AsyncSession,
    principal: Principal,
    *,
    level: int,
    employee_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
) -> bool:
    """True when the caller sits at `level` or above in the subject's chain of superiors."""
    if principal.level < level:
        return False
    chain = await chain_of(session, employee_id=employee_id, team_id=team_id)
    return any(person.id == principal.employee_id for person in chain)


async def sees_private(
    session: AsyncSession, principal: Principal, *, employee_id: uuid.UUID | None, team_id: uuid.UUID | None
) -> bool:
    """The subject themselves (a team's members for a team) and their chain of superiors."""
    if employee_id is not None and principal.employee_id == employee_id:
        return True
    if employee_id is None and team_id is not None and principal.team_id == team_id:
        return True
    chain = await chain_of(session, employee_id=employee_id, team_id=team_id)
    return any(person.id == principal.employee_id for person in chain)
