"""The skills a shift requires and who holds them (ROS-5).

One check for every way onto a shift: a direct assignment (`roster/service.py`), a swap at request and at
approval (`swap/eligibility.py`), and the open board's take and give-away call `missing_skills` or
`require_skills` here too. The catalog and the grants are the `skill` package's.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.errors import InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from scheduling.org.models import Employee
from scheduling.roster.models import Shift
from scheduling.skill.models import EmployeeSkill, Skill


class MissingSkills(RuleViolation):
    """Only people holding every skill a shift requires work it (ROS-5)."""

    rule = "ROS-5"


def required(shift: Shift) -> list[str]:
    """The codes of the skills the shift requires, sorted."""
    return sorted(json.loads(shift.required_skills or "[]"))


def encode(codes: Iterable[str]) -> str:
    """How a shift stores its required skills."""
    return json.dumps(sorted(set(codes)))


async def held_by(session: AsyncSession, employee_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    """The skill codes each of these people holds, in one statement."""
    wanted = set(employee_ids)
    held: dict[uuid.UUID, set[str]] = defaultdict(set)
    if wanted:
        rows = await session.execute(
            select(EmployeeSkill.employee_id, EmployeeSkill.skill_code).where(EmployeeSkill.employee_id.in_(wanted))
        )
        for employee_id, code in rows.all():
            held[employee_id].add(code)
    return held


async def missing_skills(session: AsyncSession, employee_id: uuid.UUID, shift: Shift) -> list[str]:
    """The skills `shift` requires that the person does not hold, sorted; empty when they may work it (ROS-5).

    Lock the person's row first (as `assign` and swap approval do) when acting on the answer, so a skill revoked
    meanwhile applies before or after, never in between."""
    needed = required(shift)
    if not needed:
        return []
    held = (await held_by(session, [employee_id]))[employee_id]
    return [code for code in needed if code not in held]


async def require_skills(session: AsyncSession, person: Employee, shift: Shift, *, after_swap: bool = False) -> None:
    """Refuse with ROS-5 unless the person holds every skill the shift requires."""
    missing = await missing_skills(session, person.id, shift)
    if not missing:
        return
    if after_swap:
        raise MissingSkills(
            t(
                "After the swap {name} would work {shift}, which requires skills {name} does not hold: {skills}.",
                name=person.name,
                shift=shift.name,
                skills=", ".join(missing),
            ),
            missing_skills=missing,
        )
    raise MissingSkills(
        t(
            "{name} does not hold the skills {shift} requires: {skills}. Grant them first or choose someone "
            "who holds them.",
            name=person.name,
            shift=shift.name,
            skills=", ".join(missing),
        ),
        missing_skills=missing,
    )


async def require_known(session: AsyncSession, codes: Iterable[str], *, path: str = "body.required_skills") -> None:
    """Refuse skill codes that are not in the catalog: a shift requiring one could never be staffed."""
    wanted = set(codes)
    if not wanted:
        return
    known = set((await session.scalars(select(Skill.code).where(Skill.code.in_(wanted)))).all())
    unknown = sorted(wanted - known)
    if unknown:
        raise InvalidInput(
            t(
                "These skills are not in the catalog: {skills}. Add them first (POST /v1/skills).",
                skills=", ".join(unknown),
            ),
            errors=[{"path": path, "message": "unknown skill", "type": "unknown_reference"}],
        )
