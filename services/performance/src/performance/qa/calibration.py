"""Calibration sessions: several evaluators score one interaction, and how far they spread (QA-5)."""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_or_404, lock_rows
from callcenter_shared.errors import Conflict, Forbidden
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person
from performance import access
from performance.qa.models import Calibration, Evaluation
from performance.qa.schemas import (
    AnswerIn,
    CalibrationCreate,
    CalibrationReport,
    EvaluationCreate,
    EvaluatorDeviation,
    ItemSpread,
)
from performance.qa.scorecard import get_scorecard, published
from performance.qa.service import create_evaluation


async def create_calibration(
    session: AsyncSession, *, principal: Principal, data: CalibrationCreate, now: datetime
) -> Calibration:
    access.require_evaluator(principal)
    await published(session, data.scorecard_id)
    await get_person(session, data.agent_id)
    if not await access.can_see(session, principal, data.agent_id):
        raise Forbidden(t("You may calibrate only on interactions of agents in your span (your team, or below you)."))
    calibration = Calibration(id=uuid.uuid4(), created_by=principal.employee_id, created_at=now, **data.model_dump())
    session.add(calibration)
    await session.flush()
    return calibration


async def get_calibration(session: AsyncSession, calibration_id: uuid.UUID) -> Calibration:
    return await get_or_404(
        session,
        Calibration,
        calibration_id,
        missing=t("Calibration session {calibration_id} does not exist.", calibration_id=calibration_id),
    )


async def score_calibration(
    session: AsyncSession, *, principal: Principal, calibration_id: uuid.UUID, answers: list[AnswerIn], now: datetime
) -> Evaluation:
    """One evaluator's scoring of the calibration interaction (once per evaluator)."""
    calibration = await get_calibration(session, calibration_id)
    # Locked, so that the same evaluator scoring twice at once cannot pass the check below twice.
    await lock_rows(session, Calibration.id, [calibration.id])
    already = await session.scalar(
        select(func.count()).where(
            Evaluation.calibration_id == calibration.id, Evaluation.evaluator_id == principal.employee_id
        )
    )
    if already:
        raise Conflict(t("You have already scored this calibration interaction."))
    data = EvaluationCreate(
        scorecard_id=calibration.scorecard_id,
        interaction_id=calibration.interaction_id,
        agent_id=calibration.agent_id,
        channel=calibration.channel,
        interaction_date=calibration.interaction_date,
        answers=answers,
    )
    return await create_evaluation(session, principal=principal, data=data, now=now, calibration_id=calibration.id)


async def calibration_report(
    session: AsyncSession, *, principal: Principal, calibration_id: uuid.UUID
) -> CalibrationReport:
    """Spread per item and each evaluator's deviation from the median score (QA-5)."""
    access.require_evaluator(principal)
    calibration = await get_calibration(session, calibration_id)
    if not await access.can_see(session, principal, calibration.agent_id):
        raise Forbidden(t("The calibration scores an agent outside your span: you may not see its report."))
    scorecard = await get_scorecard(session, calibration.scorecard_id)
    evaluations = (
        await session.scalars(
            select(Evaluation).where(Evaluation.calibration_id == calibration.id).order_by(Evaluation.created_at)
        )
    ).all()
    scores = [e.score for e in evaluations]
    median = statistics.median(scores) if scores else None
    items: list[ItemSpread] = []
    for section in scorecard.sections:
        for item in section.items:
            given: dict[str, float | None] = {}
            for e in evaluations:
                answer = next(a for a in e.answers if a.item_id == item.id)
                given[str(e.evaluator_id)] = answer.points
            values = [v for v in given.values() if v is not None]
            items.append(
                ItemSpread(
                    item_id=item.id,
                    code=item.code,
                    points_by_evaluator=given,
                    median=statistics.median(values) if values else None,
                    spread=(max(values) - min(values)) if values else None,
                )
            )
    return CalibrationReport(
        calibration_id=calibration.id,
        evaluations=len(evaluations),
        median_score=median,
        score_spread=(max(scores) - min(scores)) if scores else None,
        items=items,
        evaluators=[
            EvaluatorDeviation(
                evaluator_id=e.evaluator_id, score=e.score, deviation_from_median=round(e.score - (median or 0), 2)
            )
            for e in evaluations
        ],
    )
