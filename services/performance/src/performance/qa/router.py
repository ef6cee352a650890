from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status

from callcenter_shared import spreadsheets
from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Day, Moment
from callcenter_shared.names import with_names
from callcenter_shared.sorting import sort_description
from callcenter_shared.spreadsheets import SheetFormat
from callcenter_shared.web import DbSession, Now, Page, Paging, json_page
from performance.policy import Policy
from performance.qa import calibration as calibrations
from performance.qa import evaluation_page, scoring, service, sheets
from performance.qa import scorecard as scorecards
from performance.qa.models import Evaluation, Scorecard
from performance.qa.schemas import (
    AnswerIn,
    AnswerRead,
    AnswersUpdate,
    CalibrationCreate,
    CalibrationRead,
    CalibrationReport,
    DisputeCreate,
    DisputeRead,
    DisputeResolve,
    EvaluationCreate,
    EvaluationRead,
    EvaluationSort,
    ScorecardCreate,
    ScorecardRead,
    ScorecardUpdate,
)
from performance.settings import AppSettings

router = APIRouter(prefix="/v1/qa", tags=["qa"])


async def _read(
    session: DbSession, evaluation: Evaluation, policy: Policy, scorecard: Scorecard | None = None
) -> EvaluationRead:
    """Every item with its reason, and the section scores, so the outcome is explainable (QA-6)."""
    scorecard = scorecard or await scorecards.get_scorecard(session, evaluation.scorecard_id)
    answers = {a.item_id: a for a in evaluation.answers}
    scored = scoring.score(
        scorecard,
        [
            # Stored results are plain strings; validation turns them back into the answer's literal.
            AnswerIn.model_validate(
                {
                    "item_id": a.item_id,
                    "result": a.result,
                    "points": a.points if a.result == "partial" else None,
                    "note": a.note,
                }
            )
            for a in evaluation.answers
        ],
    )
    rows = [
        AnswerRead(
            item_id=item.id,
            code=item.code,
            section=section.title,
            text=item.text,
            dimension=item.dimension,
            points_possible=item.points,
            critical=item.critical,
            result=answers[item.id].result,
            points=answers[item.id].points,
            note=answers[item.id].note,
        )
        for section in scorecard.sections
        for item in section.items
        if item.id in answers
    ]
    return EvaluationRead(
        id=evaluation.id,
        scorecard_id=evaluation.scorecard_id,
        scorecard_version=evaluation.scorecard_version,
        calibration_id=evaluation.calibration_id,
        interaction_id=evaluation.interaction_id,
        agent_id=evaluation.agent_id,
        evaluator_id=evaluation.evaluator_id,
        channel=evaluation.channel,
        interaction_date=evaluation.interaction_date,
        status=evaluation.status,
        score=evaluation.score,
        failed_critical=evaluation.failed_critical,
        outcome=evaluation.outcome,
        created_at=evaluation.created_at,
        released_at=evaluation.released_at,
        dispute_until=service.dispute_until(evaluation, policy),
        finalized_at=evaluation.finalized_at,
        sections=scored.sections,
        answers=rows,
        disputes=[DisputeRead.model_validate(d) for d in evaluation.disputes],
    )


@router.post("/scorecards", status_code=status.HTTP_201_CREATED, response_model=ScorecardRead)
async def create_scorecard(
    data: ScorecardCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ScorecardRead:
    return await with_names(
        session,
        ScorecardRead.model_validate(
            await scorecards.create_scorecard(session, principal=principal, data=data, now=now)
        ),
    )


@router.get("/scorecards", response_model=Page[ScorecardRead])
async def list_scorecards(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[ScorecardRead]:
    rows, total = await scorecards.list_scorecards(session, limit=paging.limit, offset=paging.offset)
    return await with_names(
        session,
        Page(
            items=[ScorecardRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total
        ),
    )


@router.get("/scorecards/{scorecard_id}", response_model=ScorecardRead, summary="Criteria are known in advance (QA-6)")
async def get_scorecard(scorecard_id: uuid.UUID, _principal: CurrentPrincipal, session: DbSession) -> ScorecardRead:
    return await with_names(
        session, ScorecardRead.model_validate(await scorecards.get_scorecard(session, scorecard_id))
    )


@router.patch("/scorecards/{scorecard_id}", response_model=ScorecardRead)
async def update_scorecard(
    scorecard_id: uuid.UUID, data: ScorecardUpdate, principal: CurrentPrincipal, session: DbSession
) -> ScorecardRead:
    scorecard = await scorecards.update_scorecard(session, principal=principal, scorecard_id=scorecard_id, data=data)
    return await with_names(session, ScorecardRead.model_validate(scorecard))


@router.post("/scorecards/{scorecard_id}/publish", response_model=ScorecardRead)
async def publish_scorecard(
    scorecard_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ScorecardRead:
    scorecard = await scorecards.publish_scorecard(session, principal=principal, scorecard_id=scorecard_id, now=now)
    return await with_names(session, ScorecardRead.model_validate(scorecard))


@router.post(
    "/scorecards/{scorecard_id}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=ScorecardRead,
    summary="A new draft version, copied from this one",
)
async def create_scorecard_version(
    scorecard_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ScorecardRead:
    scorecard = await scorecards.new_version(session, principal=principal, scorecard_id=scorecard_id, now=now)
    return await with_names(session, ScorecardRead.model_validate(scorecard))


@router.post("/evaluations", status_code=status.HTTP_201_CREATED, response_model=EvaluationRead)
async def create_evaluation(
    data: EvaluationCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> EvaluationRead:
    evaluation = await service.create_evaluation(session, principal=principal, data=data, now=now)
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.get("/evaluations", response_model=Page[EvaluationRead])
async def list_evaluations(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    settings: AppSettings,
    agent_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[Literal["draft", "released", "disputed", "final"] | None, Query()] = None,
    evaluator_id: Annotated[uuid.UUID | None, Query()] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Evaluations of this team's agents")] = None,
    created_from: Annotated[Moment | None, Query(alias="from", description="Created at or after")] = None,
    created_before: Annotated[Moment | None, Query(alias="to", description="Created before")] = None,
    sort: Annotated[EvaluationSort | None, Query(description=sort_description("-created_at"))] = None,
) -> Response:
    query = await service.evaluations_query(
        session,
        principal=principal,
        agent_id=agent_id,
        status=status,
        evaluator_id=evaluator_id,
        team_id=team_id,
        created_from=created_from,
        created_before=created_before,
        sort=sort,
    )
    items, total = await evaluation_page.page(
        session, query, policy=settings.policy, limit=paging.limit, offset=paging.offset
    )
    return json_page(items, limit=paging.limit, offset=paging.offset, total=total)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationRead)
async def get_evaluation(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, settings: AppSettings
) -> EvaluationRead:
    evaluation = await service.read_evaluation(session, principal=principal, evaluation_id=evaluation_id)
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.put("/evaluations/{evaluation_id}/answers", response_model=EvaluationRead)
async def update_answers(
    evaluation_id: uuid.UUID,
    data: AnswersUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> EvaluationRead:
    evaluation = await service.update_answers(
        session, principal=principal, evaluation_id=evaluation_id, answers=data.answers, now=now
    )
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.post("/evaluations/{evaluation_id}/release", response_model=EvaluationRead)
async def release_evaluation(
    evaluation_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> EvaluationRead:
    evaluation = await service.release(
        session, principal=principal, evaluation_id=evaluation_id, now=now, policy=settings.policy
    )
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.post("/evaluations/{evaluation_id}/dispute", response_model=EvaluationRead)
async def dispute_evaluation(
    evaluation_id: uuid.UUID,
    data: DisputeCreate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> EvaluationRead:
    evaluation = await service.dispute(
        session, principal=principal, evaluation_id=evaluation_id, reason=data.reason, now=now, policy=settings.policy
    )
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.post("/evaluations/{evaluation_id}/resolution", response_model=EvaluationRead)
async def resolve_dispute(
    evaluation_id: uuid.UUID,
    data: DisputeResolve,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> EvaluationRead:
    """A reviewer other than the evaluator and the agent, leading the agent's span, upholds or adjusts a disputed
    evaluation (QA-4). While a team leader is on approved leave, the deputy holding the team's affairs reviews
    for them, recorded on the dispute as acting for them (`acting_for_id`, LEV-7). Anyone else: 403."""
    evaluation = await service.resolve(
        session,
        principal=principal,
        evaluation_id=evaluation_id,
        outcome=data.outcome,
        note=data.note,
        answers=data.answers,
        now=now,
    )
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.post("/calibrations", status_code=status.HTTP_201_CREATED, response_model=CalibrationRead)
async def create_calibration(
    data: CalibrationCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> CalibrationRead:
    calibration = await calibrations.create_calibration(session, principal=principal, data=data, now=now)
    return await with_names(session, CalibrationRead.model_validate(calibration))


@router.post(
    "/calibrations/{calibration_id}/evaluations", status_code=status.HTTP_201_CREATED, response_model=EvaluationRead
)
async def score_calibration(
    calibration_id: uuid.UUID,
    data: AnswersUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
) -> EvaluationRead:
    evaluation = await calibrations.score_calibration(
        session, principal=principal, calibration_id=calibration_id, answers=data.answers, now=now
    )
    return await with_names(session, await _read(session, evaluation, settings.policy))


@router.get("/calibrations/{calibration_id}/report", response_model=CalibrationReport)
async def calibration_report(
    calibration_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> CalibrationReport:
    return await with_names(
        session, await calibrations.calibration_report(session, principal=principal, calibration_id=calibration_id)
    )


@router.get(
    "/exports/evaluations",
    response_class=Response,
    responses=spreadsheets.EXPORT_RESPONSES,
    tags=["spreadsheets"],
    summary="QA evaluations of a period as CSV or XLSX",
    description="One row an evaluation of an interaction from `from` to `to` (days, at most 366), with its score, "
    "status and outcome. Who may call: everyone; the rows are those `GET /v1/qa/evaluations` shows the caller "
    "(QA-3: an agent their own once released, a leader their span's, level 3 and above the center's, and "
    "evaluators the ones they scored). Filters: `team_id`, `status`. The format is `format=csv|xlsx`, else the "
    "Accept header; CSV is UTF-8 with a BOM, and text a spreadsheet would run as a formula is written as text.",
)
async def export_evaluations(
    principal: CurrentPrincipal,
    session: DbSession,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
    team_id: Annotated[uuid.UUID | None, Query()] = None,
    status_: Annotated[Literal["draft", "released", "disputed", "final"] | None, Query(alias="status")] = None,
    format_: Annotated[SheetFormat | None, Query(alias="format", description=spreadsheets.FORMAT_DESCRIPTION)] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    sheet = await sheets.evaluation_sheet(
        session, principal=principal, first=first, last=last, team_id=team_id, status=status_
    )
    return await spreadsheets.download(sheet, spreadsheets.export_format(format_, accept))
