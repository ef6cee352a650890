"""The skill catalog and the skills people hold (ROS-5); the checks that use them are in `roster/skills.py`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Caller, Principal
from callcenter_shared.db import get_or_404, lock_rows
from callcenter_shared.errors import Conflict, InvalidInput, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.paging import paginate
from scheduling import access
from scheduling.org.models import Employee
from scheduling.settings import Settings
from scheduling.skill.models import EmployeeSkill, Skill
from scheduling.skill.schemas import SkillCreate


def _actor(caller: Caller) -> uuid.UUID | None:
    return caller.employee_id if isinstance(caller, Principal) else None


async def get_skill(session: AsyncSession, code: str) -> Skill:
    return await get_or_404(session, Skill, code, missing=t("The skill {code} is not in the catalog.", code=code))


async def create_skill(session: AsyncSession, *, caller: Caller, data: SkillCreate, now: datetime) -> Skill:
    """Add a skill to the catalog (level 3 and above, or the HR system)."""
    access.require_skill_editor(caller)
    if await session.get(Skill, data.code) is not None:
        raise Conflict(t("The skill {code} is already in the catalog.", code=data.code))
    skill = Skill(
        code=data.code, name=data.name, description=data.description, created_by=_actor(caller), created_at=now
    )
    session.add(skill)
    await session.flush()
    return skill


async def list_skills(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[Skill], int]:
    return await paginate(session, select(Skill).order_by(Skill.code), limit=limit, offset=offset)


async def _person(session: AsyncSession, employee_id: uuid.UUID) -> Employee:
    """The person, locked as an assignment or a swap approval locks them: a skill granted or revoked meanwhile
    applies before or after their check, never in between."""
    await lock_rows(session, Employee.id, [employee_id])
    return await access.employee(session, employee_id)


async def grant(
    session: AsyncSession,
    *,
    caller: Caller,
    employee_id: uuid.UUID,
    code: str,
    obtained_on: date,
    settings: Settings,
    now: datetime,
) -> tuple[EmployeeSkill, Skill]:
    """The person holds the skill from `obtained_on` (granted again: the new date)."""
    access.require_skill_editor(caller)
    person = await _person(session, employee_id)
    skill = await get_skill(session, code)
    if not person.active:
        raise InvalidInput(t("{name} is no longer active.", name=person.name))
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    if obtained_on > today:
        raise InvalidInput(
            t(
                "A skill is granted once obtained: {obtained_on} is after today ({today}).",
                obtained_on=obtained_on.isoformat(),
                today=today.isoformat(),
            ),
            errors=[{"path": "body.obtained_on", "message": "in the future", "type": "value_error"}],
        )
    held = await session.get(EmployeeSkill, (employee_id, code))
    if held is None:
        held = EmployeeSkill(employee_id=employee_id, skill_code=code)
        session.add(held)
    held.obtained_on = obtained_on
    held.granted_by = _actor(caller)
    held.granted_at = now
    await session.flush()
    return held, skill


async def revoke(session: AsyncSession, *, caller: Caller, employee_id: uuid.UUID, code: str) -> None:
    """The person no longer holds the skill. Shifts they are already on stay theirs: the coverage report names
    each one that now lacks the skill (ROS-5), for the leader to re-roster."""
    access.require_skill_editor(caller)
    person = await _person(session, employee_id)
    held = await session.get(EmployeeSkill, (employee_id, code))
    if held is None:
        raise NotFound(t("{name} does not hold the skill {code}.", name=person.name, code=code))
    await session.delete(held)
    await session.flush()


async def skills_of(
    session: AsyncSession, *, principal: Principal, employee_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[tuple[EmployeeSkill, str]], int]:
    """The skills the person holds, by code, for whoever may read their directory entry."""
    person = await access.employee(session, employee_id)
    await access.require_directory_entry(session, principal, person)
    query = select(EmployeeSkill).where(EmployeeSkill.employee_id == employee_id).order_by(EmployeeSkill.skill_code)
    rows, total = await paginate(session, query, limit=limit, offset=offset)
    codes = [row.skill_code for row in rows]
    found = await session.execute(select(Skill.code, Skill.name).where(Skill.code.in_(codes)))
    names = {row.code: row.name for row in found}
    return [(row, names[row.skill_code]) for row in rows], total
