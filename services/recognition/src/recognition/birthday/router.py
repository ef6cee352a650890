from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.web import DbSession, Now, Page, Paging
from recognition.birthday import service
from recognition.birthday.schemas import BirthdayRead
from recognition.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["birthdays"])


@router.get(
    "/teams/{team_id}/birthdays",
    response_model=Page[BirthdayRead],
    summary="Upcoming birthdays of a team in the next N days (REC-9)",
)
async def list_birthdays(
    team_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    paging: Paging,
    days: Annotated[int, Query(ge=0, le=366)] = 30,
) -> Page[BirthdayRead]:
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    rows, total = await service.upcoming(
        session, principal=principal, team_id=team_id, days=days, today=today, limit=paging.limit, offset=paging.offset
    )
    items = [BirthdayRead(**vars(row)) for row in rows]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)
