from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.concurrency import IF_MATCH_RESPONSES, IfMatch, set_etag
from callcenter_shared.web import DbSession, Page, Paging
from recognition.settings import AppSettings
from recognition.track import service
from recognition.track.schemas import TeamShareRead, TrackRuleCreate, TrackRuleRead, TrackRuleUpdate

router = APIRouter(prefix="/v1", tags=["tracks"])


@router.get("/track-rules", response_model=Page[TrackRuleRead], summary="Which track grants which award (REC-3)")
async def list_rules(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[TrackRuleRead]:
    rows, total = await service.list_rules(session, limit=paging.limit, offset=paging.offset)
    items = [TrackRuleRead.model_validate(r) for r in rows]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)


@router.post("/track-rules", status_code=status.HTTP_201_CREATED, response_model=TrackRuleRead)
async def add_rule(data: TrackRuleCreate, principal: CurrentPrincipal, session: DbSession) -> TrackRuleRead:
    return TrackRuleRead.model_validate(await service.add_rule(session, principal=principal, values=data.model_dump()))


@router.patch(
    "/track-rules/{rule_id}",
    response_model=TrackRuleRead,
    responses=IF_MATCH_RESPONSES,
    description="Change which award a track grants, its thresholds or whether it runs (REC-3). Level 3 and above. "
    'Send `If-Match` with the `version` you read (as `"<version>"`) to refuse with 412 a change made by someone '
    "else in the meantime.",
)
async def change_rule(
    rule_id: uuid.UUID,
    data: TrackRuleUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    if_match: IfMatch,
    response: Response,
) -> TrackRuleRead:
    rule = await service.change_rule(
        session, principal=principal, rule_id=rule_id, values=data.model_dump(exclude_unset=True), if_match=if_match
    )
    set_etag(response, rule.version)
    return TrackRuleRead.model_validate(rule)


@router.get(
    "/reports/recognition-share",
    response_model=Page[TeamShareRead],
    summary="Per team, the share of agents recognised at least once in the quarter (REC-3)",
)
async def get_recognition_share(
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    year: Annotated[int, Query(ge=2000, le=2100)],
    quarter: Annotated[int, Query(ge=1, le=4)],
    paging: Paging,
) -> Page[TeamShareRead]:
    zone = ZoneInfo(settings.timezone)
    rows, total = await service.recognition_share(
        session, principal=principal, year=year, quarter=quarter, zone=zone, limit=paging.limit, offset=paging.offset
    )
    items = [TeamShareRead(**vars(row)) for row in rows]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)
