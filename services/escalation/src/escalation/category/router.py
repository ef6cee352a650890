from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.concurrency import ETAG_RESPONSES, IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.inputs import Flag
from callcenter_shared.web import DbSession, Now, Page, Paging
from escalation.category import service
from escalation.category.schemas import CategoryCreate, CategoryRead, CategoryUpdate

router = APIRouter(prefix="/v1", tags=["categories"])


@router.get("/categories", response_model=Page[CategoryRead])
async def list_categories(
    _principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    active: Annotated[Flag | None, Query()] = None,
) -> Page[CategoryRead]:
    rows, total = await service.list_all(session, active=active, limit=paging.limit, offset=paging.offset)
    return Page(
        items=[CategoryRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )


@router.post("/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryRead)
async def create_category(
    data: CategoryCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CategoryRead:
    return CategoryRead.model_validate(await service.create(session, principal=principal, data=data, now=now))


@router.get("/categories/{category_id}", response_model=CategoryRead, responses=ETAG_RESPONSES)
async def get_category(
    category_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession, response: Response
) -> CategoryRead:
    category = await service.get(session, category_id)
    set_etag(response, category.version)
    return CategoryRead.model_validate(category)


@router.patch(
    "/categories/{category_id}",
    response_model=CategoryRead,
    responses=IF_MATCH_RESPONSES,
    description="Change a category's escalation policy (ESC-2, ESC-8, ESC-9, ESC-12). Level 3 and above; cases "
    "already open keep their deadlines. Send `If-Match` with the `ETag` you read to refuse with 412 a change made "
    "by someone else in the meantime.",
)
async def update_category(
    category_id: uuid.UUID,
    data: CategoryUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    if_match: IfMatch,
    response: Response,
) -> CategoryRead:
    category = await service.update(
        session, principal=principal, category_id=category_id, data=data, now=now, if_match=if_match
    )
    set_etag(response, category.version)
    return CategoryRead.model_validate(category)
