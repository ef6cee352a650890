"""The holiday calendar over HTTP (ROS-3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.errors import InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.inputs import Day
from callcenter_shared.paging import page_of_list
from callcenter_shared.web import DbSession, Now, Page, Paging
from scheduling.holiday import service
from scheduling.holiday.schemas import HolidayCreate, HolidayRead
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["holidays"])


@router.get("/holidays", response_model=Page[HolidayRead], summary="Holiday calendar (ROS-3)")
async def list_holidays(
    _principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    start: Annotated[Day, Query(alias="from")],
    paging: Paging,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Page[HolidayRead]:
    last = end or start + timedelta(days=365)
    if last < start or (last - start).days > 366 * 2:
        raise InvalidInput(t("Ask for at most two years, with `to` on or after `from`."))
    # The public holidays come from a library, merged with the center's rows: at most two
    # years of days, so the page is cut after the merge.
    rows = await service.calendar(session, settings, start=start, end=last)
    days = [HolidayRead(day=d, name=n, source=s) for d, n, s in rows]
    return page_of_list(days, limit=paging.limit, offset=paging.offset)


@router.post(
    "/holidays",
    status_code=status.HTTP_201_CREATED,
    response_model=HolidayRead,
    summary="Add a center-specific holiday (ROS-3)",
)
async def add_holiday(
    data: Annotated[HolidayCreate, Body()], principal: CurrentPrincipal, session: DbSession, now: Now
) -> HolidayRead:
    row = await service.add(session, principal=principal, day=data.day, name=data.name, now=now)
    return HolidayRead(day=row.day, name=row.name, source="center")
