from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Day
from callcenter_shared.web import DbSession, Now, Page, Paging
from performance.coaching import service
from performance.coaching.schemas import CoachingCreate, CoachingRead, FollowUpCreate

router = APIRouter(prefix="/v1/coaching", tags=["coaching"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CoachingRead)
async def record(data: CoachingCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> CoachingRead:
    return service.to_read(await service.record(session, principal=principal, data=data, now=now))


@router.get("", response_model=Page[CoachingRead])
async def list_items(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    agent_id: Annotated[uuid.UUID | None, Query()] = None,
    due_by: Annotated[Day | None, Query(description="Open items whose follow-up is due by this day")] = None,
    status: Annotated[Literal["open", "done"] | None, Query()] = None,
) -> Page[CoachingRead]:
    rows, total = await service.list_items(
        session,
        principal=principal,
        agent_id=agent_id,
        due_by=due_by,
        status=status,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page(items=[service.to_read(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total)


@router.get("/{coaching_id}", response_model=CoachingRead)
async def get(coaching_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> CoachingRead:
    return service.to_read(await service.get(session, principal=principal, coaching_id=coaching_id))


@router.post("/{coaching_id}/follow-ups", response_model=CoachingRead)
async def follow_up(
    coaching_id: uuid.UUID, data: FollowUpCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CoachingRead:
    item = await service.follow_up(session, principal=principal, coaching_id=coaching_id, data=data, now=now)
    return service.to_read(item)
