from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.web import DbSession, Now, Paging
from recognition.birthday import service

router = APIRouter(prefix="/v1", tags=["birthdays"])


class BirthdayRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    birthday: date
    next_birthday: date
    in_days: int
    turning: int


@router.get(
    "/teams/{team_id}/birthdays",
    response_model=list[BirthdayRead],
    summary="Upcoming birthdays of a team in the next N days (REC-9)",
)
async def birthdays(
    team_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    request: Request,
    paging: Paging,
    days: Annotated[int, Query(ge=0, le=366)] = 30,
) -> list[BirthdayRead]:
    today = now.astimezone(ZoneInfo(request.app.state.settings.timezone)).date()
    rows = await service.upcoming(
        session, principal=principal, team_id=team_id, days=days, today=today, limit=paging.limit, offset=paging.offset
    )
    return [BirthdayRead(**vars(row)) for row in rows]
