"""The skill catalog and the skills people hold, over HTTP (ROS-5)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from callcenter_shared.auth import CurrentCaller, CurrentPrincipal
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.org.names import with_names
from scheduling.settings import AppSettings
from scheduling.skill import service
from scheduling.skill.models import EmployeeSkill
from scheduling.skill.schemas import EmployeeSkillRead, SkillCreate, SkillGrant, SkillRead

router = APIRouter(prefix="/v1", tags=["skills"])

SKILL_EDITORS = (
    "Who may call: level 3 and above, or a service account with the scope `directory:write` (the HR system), "
    "as for the org directory."
)
Code = Annotated[str, Path(min_length=1, max_length=50, description="The skill's code in the catalog")]


def _held(row: EmployeeSkill, skill_name: str) -> EmployeeSkillRead:
    return EmployeeSkillRead(
        employee_id=row.employee_id,
        skill_code=row.skill_code,
        skill_name=skill_name,
        obtained_on=row.obtained_on,
        granted_by=row.granted_by,
        granted_at=row.granted_at,
    )


@router.post(
    "/skills",
    status_code=status.HTTP_201_CREATED,
    response_model=SkillRead,
    summary="Add a skill to the catalog (ROS-5)",
    description=f"{SKILL_EDITORS} A shift names the skills it requires by their `code` (`required_skills`); "
    "only people holding them are assigned to it, swapped onto it or take it from the open board (ROS-5). "
    "A code already in the catalog is a 409.",
)
async def create_skill(data: SkillCreate, caller: CurrentCaller, session: DbSession, now: Now) -> SkillRead:
    skill = await service.create_skill(session, caller=caller, data=data, now=now)
    return await with_names(session, SkillRead.model_validate(skill))


@router.get(
    "/skills",
    response_model=Page[SkillRead],
    summary="The skill catalog (ROS-5)",
    description="Every employee may read the catalog, by code.",
)
async def list_skills(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[SkillRead]:
    rows, total = await service.list_skills(session, limit=paging.limit, offset=paging.offset)
    items = [SkillRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/employees/{employee_id}/skills",
    response_model=Page[EmployeeSkillRead],
    summary="The skills a person holds (ROS-5)",
    description="Whoever may read the person's directory entry: the person, their team (an agent sees her "
    "teammates'), their leaders, level 3 and above. By code.",
)
async def list_employee_skills(
    employee_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> Page[EmployeeSkillRead]:
    rows, total = await service.skills_of(
        session, principal=principal, employee_id=employee_id, limit=paging.limit, offset=paging.offset
    )
    items = [_held(held, name) for held, name in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.put(
    "/employees/{employee_id}/skills/{skill_code}",
    response_model=EmployeeSkillRead,
    summary="Grant a skill to a person (ROS-5)",
    description=f"{SKILL_EDITORS} The person holds the skill from `obtained_on` (not later than today, in the "
    "center's zone); granting it again records the new date. The person must be active and the skill in the "
    "catalog (404 otherwise). It applies to assignments and swaps checked from then on (ROS-5).",
)
async def grant_skill(
    employee_id: uuid.UUID,
    skill_code: Code,
    data: SkillGrant,
    caller: CurrentCaller,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> EmployeeSkillRead:
    held, skill = await service.grant(
        session,
        caller=caller,
        employee_id=employee_id,
        code=skill_code,
        obtained_on=data.obtained_on,
        settings=settings,
        now=now,
    )
    return await with_names(session, _held(held, skill.name))


@router.delete(
    "/employees/{employee_id}/skills/{skill_code}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Revoke a skill from a person (ROS-5)",
    description=f"{SKILL_EDITORS} 404 when the person does not hold it. Shifts they are already on stay theirs: "
    "`GET /v1/coverage` reports each hour of a shift with someone lacking a skill it requires "
    "(`missing_skill`), for the leader to re-roster.",
)
async def revoke_skill(employee_id: uuid.UUID, skill_code: Code, caller: CurrentCaller, session: DbSession) -> Response:
    await service.revoke(session, caller=caller, employee_id=employee_id, code=skill_code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
