"""The holiday calendar over HTTP (ROS-3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.errors import InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.inputs import Day
from callcenter_shared.paging import page_of_list
from callcenter_shared.web import DbSession, Language, Now, Page, Paging, set_content_language
from scheduling.holiday import service
from scheduling.holiday.schemas import HolidayCreate, HolidayRead
from scheduling.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["holidays"])

NAMES = (
    "Each holiday has `name` in the caller's language (`Accept-Language: zh-CN` for Simplified Chinese, "
    "e.g. 国庆节 for 1 October in China; English otherwise; `Content-Language` says which), falling back to the "
    "other language when it has no name in this one, and both names as `name_en` and `name_zh`."
)


def _read(holiday: service.Holiday, language: str) -> HolidayRead:
    return HolidayRead(
        day=holiday.day,
        name=holiday.name_in(language),
        name_en=holiday.name_en,
        name_zh=holiday.name_zh,
        source=holiday.source,
    )


@router.get(
    "/holidays",
    response_model=Page[HolidayRead],
    summary="Holiday calendar (ROS-3)",
    description=(
        "Any signed-in employee. The country's public holidays (`source: public`, from the `holidays` package for "
        "`HOLIDAY_COUNTRY`) and the center's own (`source: center`) from `from` to `to` (default: a year on, at "
        "most two years), by day; a center holiday replaces a public one on the same day. A swap or leave touching "
        "one of these days is approved only by the department head, with a reason (ROS-3). " + NAMES
    ),
)
async def list_holidays(
    _principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    start: Annotated[Day, Query(alias="from")],
    paging: Paging,
    language: Language,
    response: Response,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> Page[HolidayRead]:
    last = end or start + timedelta(days=365)
    if last < start or (last - start).days > 366 * 2:
        raise InvalidInput(t("Ask for at most two years, with `to` on or after `from`."))
    # The public holidays come from a library, merged with the center's rows: at most two
    # years of days, so the page is cut after the merge.
    rows = await service.calendar(session, settings, start=start, end=last)
    set_content_language(response, language)
    return page_of_list([_read(row, language) for row in rows], limit=paging.limit, offset=paging.offset)


@router.post(
    "/holidays",
    status_code=status.HTTP_201_CREATED,
    response_model=HolidayRead,
    summary="Add a center-specific holiday (ROS-3)",
    description=(
        "Level 3 and above. Adds a center holiday (ROS-3) named in English (`name`), in Simplified Chinese "
        "(`name_zh`) or both; 409 when the day already is one. " + NAMES
    ),
)
async def add_holiday(
    data: Annotated[HolidayCreate, Body()],
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    language: Language,
    response: Response,
) -> HolidayRead:
    holiday = await service.add(
        session, principal=principal, day=data.day, name=data.name, name_zh=data.name_zh, now=now
    )
    set_content_language(response, language)
    return _read(holiday, language)
