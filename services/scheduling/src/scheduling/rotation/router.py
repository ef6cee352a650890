"""Rotations over HTTP: a team's repeating pattern of shifts, and the roster it generates (ROS-6)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.errors import request_language
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.org.names import with_names
from scheduling.rotation import service
from scheduling.rotation.models import Rotation
from scheduling.rotation.schemas import RotationCreate, RotationGenerate, RotationRead, RotationRun, RotationSort
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1/teams/{team_id}/rotations", tags=["rotations"])


def _read(rotation: Rotation) -> RotationRead:
    return RotationRead(
        id=rotation.id,
        team_id=rotation.team_id,
        name=rotation.name,
        cycle=rotation.cycle,
        cycle_days=rotation.cycle_days,
        anchor_date=rotation.anchor_date,
        on_holidays=rotation.on_holidays,
        shifts=service.slots(rotation),
        created_by=rotation.created_by,
        created_at=rotation.created_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RotationRead,
    summary="Create a team's rotation (ROS-6)",
    description="The team's leader or level 3 and above. A pattern of shifts repeating weekly (`day` 1 = Monday "
    "to 7 = Sunday) or every `cycle_days` days from `anchor_date` (day 1), each with its local start and end (an "
    "end before the start crosses midnight), head-count and required skills (catalog codes, ROS-5). The pattern "
    "is fixed once created; a name already used by the team is a 409.",
)
async def create_rotation(
    team_id: uuid.UUID, data: RotationCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> RotationRead:
    rotation = await service.create(session, principal=principal, team_id=team_id, data=data, now=now)
    return await with_names(session, _read(rotation))


@router.get(
    "",
    response_model=Page[RotationRead],
    summary="A team's rotations (ROS-6)",
    description="Every employee may read them, as the shifts they generate. By name unless `sort` says otherwise.",
)
async def list_rotations(
    team_id: uuid.UUID,
    _principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    sort: Annotated[RotationSort | None, Query(description=sort_description("name"))] = None,
) -> Page[RotationRead]:
    rows, total = await service.list_rotations(
        session, team_id=team_id, sort=sort, limit=paging.limit, offset=paging.offset
    )
    items = [_read(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/{rotation_id}",
    response_model=RotationRead,
    summary="One rotation (ROS-6)",
    description="Every employee may read it.",
)
async def get_rotation(
    team_id: uuid.UUID, rotation_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession
) -> RotationRead:
    return await with_names(session, _read(await service.get(session, team_id, rotation_id)))


@router.post(
    "/{rotation_id}/generate",
    response_model=RotationRun,
    summary="Generate the roster from the rotation (ROS-6), or preview it",
    description="The team's leader or level 3 and above. Creates the pattern's shifts from `first_day` to "
    "`last_day` (the center's calendar, at most ROTATION_MAX_DAYS days, not before today: ROS-4) in one step, "
    "each with the checks of `POST /v1/shifts`. Run again, it creates no shift twice: those made before are "
    "listed as `existing` (two runs at once: the second waits and finds the first's). Each shift touching a "
    "public or center holiday names it in `holiday` (ROS-3), or is `skipped` when the rotation says "
    "`on_holidays: skip`; a shift whose start has passed is `skipped` too. `assign` puts those people on the new "
    "shifts in turn, each under every rule of `POST /v1/shifts/{id}/assignments` (ROS-4, ROS-5, ORG-3, PRF-9): "
    "whoever a rule refuses is passed over for that shift and listed in `passed_over` with the rule and the "
    "reason, and `open_places` counts what is left. With `preview: true` the answer is the same but nothing "
    "is written.",
)
async def generate_rotation_shifts(
    team_id: uuid.UUID,
    rotation_id: uuid.UUID,
    data: RotationGenerate,
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> RotationRun:
    run = await service.generate(
        session,
        principal=principal,
        team_id=team_id,
        rotation_id=rotation_id,
        data=data,
        settings=settings,
        now=now,
        language=request_language(request),
    )
    return await with_names(session, run)
