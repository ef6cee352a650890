from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Day, Moment
from callcenter_shared.names import with_names
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging
from performance.coaching import service
from performance.coaching.schemas import CoachingCreate, CoachingRead, CoachingSort, FollowUpCreate

router = APIRouter(prefix="/v1/coaching", tags=["coaching"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CoachingRead)
async def record_coaching(
    data: CoachingCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CoachingRead:
    return await with_names(
        session, service.to_read(await service.record(session, principal=principal, data=data, now=now))
    )


@router.get("", response_model=Page[CoachingRead])
async def list_coaching(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    agent_id: Annotated[uuid.UUID | None, Query()] = None,
    due_by: Annotated[Day | None, Query(description="Open items whose follow-up is due by this day")] = None,
    status: Annotated[Literal["open", "done"] | None, Query()] = None,
    leader_id: Annotated[uuid.UUID | None, Query(description="The coaching team leader")] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Items of this team's agents")] = None,
    created_from: Annotated[Moment | None, Query(alias="from", description="Created at or after")] = None,
    created_before: Annotated[Moment | None, Query(alias="to", description="Created before")] = None,
    sort: Annotated[CoachingSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Page[CoachingRead]:
    rows, total = await service.list_items(
        session,
        principal=principal,
        agent_id=agent_id,
        due_by=due_by,
        status=status,
        leader_id=leader_id,
        team_id=team_id,
        created_from=created_from,
        created_before=created_before,
        sort=sort,
        limit=paging.limit,
        offset=paging.offset,
    )
    items = [service.to_read(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get("/{coaching_id}", response_model=CoachingRead)
async def get_coaching(coaching_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> CoachingRead:
    return await with_names(
        session, service.to_read(await service.get(session, principal=principal, coaching_id=coaching_id))
    )


@router.post("/{coaching_id}/follow-ups", response_model=CoachingRead)
async def add_coaching_follow_up(
    coaching_id: uuid.UUID, data: FollowUpCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CoachingRead:
    item = await service.follow_up(session, principal=principal, coaching_id=coaching_id, data=data, now=now)
    return await with_names(session, service.to_read(item))
