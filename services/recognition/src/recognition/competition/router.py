from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.names import with_names
from callcenter_shared.sorting import sort_description
from callcenter_shared.web import DbSession, Now, Page, Paging
from recognition.competition import service
from recognition.competition.schemas import (
    CompetitionCreate,
    CompetitionRead,
    CompetitionSort,
    CompetitionStatus,
    CompetitionSummary,
    EntrantCreate,
    EntrantRead,
    JudgesAdd,
    ScoreSheet,
    TrainingPlanCreate,
    TrainingSessionCreate,
)
from recognition.settings import AppSettings

router = APIRouter(prefix="/v1/competitions", tags=["competitions"])


async def _read(session: DbSession, competition_id: uuid.UUID) -> CompetitionRead:
    return await with_names(
        session, CompetitionRead.model_validate(await service.read(session, await service.get(session, competition_id)))
    )


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=CompetitionRead, summary="Open a competition (REC-7)"
)
async def create_competition(
    data: CompetitionCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CompetitionRead:
    competition = await service.create(session, principal=principal, data=data, now=now)
    return await with_names(session, await _read(session, competition.id))


@router.get(
    "",
    response_model=Page[CompetitionSummary],
    summary="Competitions, newest first (REC-7)",
    description="Every signed-in employee sees the center's competitions and where each stands; filter by "
    "`status`. `GET /v1/competitions/{competition_id}` gives the categories, entrants, scores and winners.",
)
async def list_competitions(
    _principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[CompetitionStatus | None, Query(alias="status")] = None,
    sort: Annotated[CompetitionSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Page[CompetitionSummary]:
    rows, total = await service.list_competitions(
        session, status=status_, sort=sort, limit=paging.limit, offset=paging.offset
    )
    items = [CompetitionSummary.model_validate(row) for row in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get("/{competition_id}", response_model=CompetitionRead, summary="Results, winners and training follow-up")
async def get_competition(
    competition_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession
) -> CompetitionRead:
    return await with_names(session, await _read(session, competition_id))


@router.post("/{competition_id}/judges", response_model=CompetitionRead)
async def add_judges(
    competition_id: uuid.UUID, data: JudgesAdd, principal: CurrentPrincipal, session: DbSession
) -> CompetitionRead:
    await service.add_judges(session, principal=principal, competition_id=competition_id, judge_ids=data.judge_ids)
    return await with_names(session, await _read(session, competition_id))


@router.post("/{competition_id}/entrants", status_code=status.HTTP_201_CREATED, response_model=EntrantRead)
async def register_entrant(
    competition_id: uuid.UUID, data: EntrantCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> EntrantRead:
    entrant = await service.register(
        session,
        principal=principal,
        competition_id=competition_id,
        category_code=data.category_code,
        employee_id=data.employee_id,
        now=now,
    )
    return await with_names(
        session,
        EntrantRead(
            id=entrant.id,
            employee_id=entrant.employee_id,
            category_code=data.category_code,
            finalist=False,
            winner=False,
            preliminary_total=None,
            final_total=None,
            sessions_planned=None,
            sessions_held=0,
        ),
    )


@router.post("/{competition_id}/scores", response_model=CompetitionRead, summary="A judge scores a candidate")
async def record_score(
    competition_id: uuid.UUID, data: ScoreSheet, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CompetitionRead:
    await service.score(session, principal=principal, competition_id=competition_id, sheet=data, now=now)
    return await with_names(session, await _read(session, competition_id))


@router.post(
    "/{competition_id}/advance",
    response_model=CompetitionRead,
    summary="Registration → preliminary → final → awarded (winners decided)",
)
async def advance_competition(
    competition_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CompetitionRead:
    await service.advance(session, principal=principal, competition_id=competition_id, now=now)
    return await with_names(session, await _read(session, competition_id))


@router.post("/{competition_id}/entrants/{entrant_id}/training-plan", response_model=CompetitionRead)
async def create_training_plan(
    competition_id: uuid.UUID,
    entrant_id: uuid.UUID,
    data: TrainingPlanCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
) -> CompetitionRead:
    await service.file_training_plan(
        session,
        principal=principal,
        competition_id=competition_id,
        entrant_id=entrant_id,
        topic=data.topic,
        sessions_planned=data.sessions_planned,
        now=now,
    )
    return await with_names(session, await _read(session, competition_id))


@router.post(
    "/{competition_id}/entrants/{entrant_id}/training-sessions",
    response_model=CompetitionRead,
    summary="Record a training session a winner held; the last one owed completes the competition",
)
async def record_training_session(
    competition_id: uuid.UUID,
    entrant_id: uuid.UUID,
    data: TrainingSessionCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> CompetitionRead:
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    await service.record_session(
        session,
        principal=principal,
        competition_id=competition_id,
        entrant_id=entrant_id,
        held_on=data.held_on,
        topic=data.topic,
        attendee_count=data.attendee_count,
        today=today,
        now=now,
    )
    return await with_names(session, await _read(session, competition_id))
