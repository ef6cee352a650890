from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Flag
from callcenter_shared.web import DbSession, Now, Page, Paging
from escalation.category import service
from escalation.category.schemas import CategoryCreate, CategoryRead, CategoryUpdate

router = APIRouter(prefix="/v1", tags=["categories"])


@router.get("/categories", response_model=Page[CategoryRead])
async def list_categories(
    _principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    paging: Paging,
    active: Annotated[Flag | None, Query()] = None,
) -> Page[CategoryRead]:
    rows, total = await service.list_all(session, now=now, active=active, limit=paging.limit, offset=paging.offset)
    return Page(
        items=[CategoryRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total
    )


@router.post("/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryRead)
async def create_category(
    data: CategoryCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CategoryRead:
    return CategoryRead.model_validate(await service.create(session, principal=principal, data=data, now=now))


@router.get("/categories/{category_id}", response_model=CategoryRead)
async def get_category(category_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession) -> CategoryRead:
    return CategoryRead.model_validate(await service.get(session, category_id))


@router.patch("/categories/{category_id}", response_model=CategoryRead)
async def update_category(
    category_id: uuid.UUID, data: CategoryUpdate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CategoryRead:
    category = await service.update(session, principal=principal, category_id=category_id, data=data, now=now)
    return CategoryRead.model_validate(category)
