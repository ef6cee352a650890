"""QA evaluations from draft to final: release to the agent (QA-3, QA-6), disputes and their review (QA-4)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.performance import (
    QaEvaluationDisputedV1,
    QaEvaluationFinalizedV1,
    QaEvaluationReleasedV1,
)
from callcenter_shared.db import get_or_404
from callcenter_shared.deadlines import Due
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person, org_employee
from callcenter_shared.sorting import order_by
from performance import access
from performance.kpi import ingest
from performance.policy import Policy
from performance.qa import scoring
from performance.qa.models import Dispute, Evaluation, EvaluationAnswer, EvaluationStatus, Scorecard
from performance.qa.schemas import AnswerIn, EvaluationCreate
from performance.qa.scorecard import get_scorecard, published
from performance.review import service as review

DISPUTE_WINDOW = "qa.dispute_window"
QA_SOURCE = "qa"


class ReleaseRefused(RuleViolation):
    rule = "QA-3"


class DisputeRefused(RuleViolation):
    rule = "QA-4"


class NoteMissing(RuleViolation):
    rule = "QA-6"


def _answer_rows(scorecard: Scorecard, answers: list[AnswerIn], scored: scoring.Scored) -> list[EvaluationAnswer]:
    codes = {item.id: item.code for section in scorecard.sections for item in section.items}
    return [
        EvaluationAnswer(
            item_id=a.item_id, item_code=codes[a.item_id], result=a.result, points=scored.points[a.item_id], note=a.note
        )
        for a in answers
    ]


async def _check_can_evaluate(session: AsyncSession, principal: Principal, agent_id: uuid.UUID) -> None:
    if principal.employee_id == agent_id:
        raise Forbidden(t("Nobody may evaluate their own interactions; ask another evaluator."))
    access.require_evaluator(principal)
    await get_person(session, agent_id)
    if not await access.can_see(session, principal, agent_id):
        raise Forbidden(t("You may evaluate only agents in your span (your team, or below you)."))


async def create_evaluation(
    session: AsyncSession,
    *,
    principal: Principal,
    data: EvaluationCreate,
    now: datetime,
    calibration_id: uuid.UUID | None = None,
) -> Evaluation:
    """Score one interaction of one agent as a draft; the score is computed here (QA-1, QA-3)."""
    await _check_can_evaluate(session, principal, data.agent_id)
    scorecard = await published(session, data.scorecard_id)
    scored = scoring.score(scorecard, data.answers)
    evaluation = Evaluation(
        id=uuid.uuid4(),
        scorecard_id=scorecard.id,
        scorecard_version=scorecard.version,
        calibration_id=calibration_id,
        interaction_id=data.interaction_id,
        agent_id=data.agent_id,
        evaluator_id=principal.employee_id,
        channel=data.channel,
        interaction_date=data.interaction_date,
        status=EvaluationStatus.draft,
        score=scored.score,
        failed_critical=scored.failed_critical,
        created_at=now,
        updated_at=now,
        answers=_answer_rows(scorecard, data.answers, scored),
        disputes=[],
    )
    session.add(evaluation)
    await session.flush()
    return evaluation


async def get_evaluation(session: AsyncSession, evaluation_id: uuid.UUID, *, lock: bool = False) -> Evaluation:
    """The evaluation; with `lock`, locked until commit so two changes of its status cannot race (PostgreSQL)."""
    return await get_or_404(
        session,
        Evaluation,
        evaluation_id,
        missing=t("Evaluation {evaluation_id} does not exist.", evaluation_id=evaluation_id),
        lock=lock,
    )


async def read_evaluation(
    session: AsyncSession, *, principal: Principal, evaluation_id: uuid.UUID, lock: bool = False
) -> Evaluation:
    """An agent sees their own evaluations once released (QA-3); leaders their team; L3+ the center."""
    evaluation = await get_evaluation(session, evaluation_id, lock=lock)
    if principal.employee_id == evaluation.evaluator_id:
        return evaluation
    own = principal.employee_id == evaluation.agent_id
    if own and (evaluation.status == EvaluationStatus.draft or evaluation.calibration_id is not None):
        raise NotFound(t("Evaluation {evaluation_id} does not exist.", evaluation_id=evaluation_id))
    if not own and not await access.may_see_evaluations_of(session, principal, evaluation.agent_id):
        raise Forbidden(t("You may see only your own evaluations, or those of agents in your span."))
    return evaluation


async def evaluations_query(
    session: AsyncSession,
    *,
    principal: Principal,
    agent_id: uuid.UUID | None,
    status: str | None,
    evaluator_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    sort: str | None = None,
) -> Select[Evaluation]:
    """The evaluations the caller may see (their span, and those they evaluate), filtered and ordered."""
    query = select(Evaluation).where(Evaluation.calibration_id.is_(None))
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(Evaluation.agent_id.in_(visible) | (Evaluation.evaluator_id == principal.employee_id))
    if not access.sees_drafts(principal):
        query = query.where(Evaluation.status != EvaluationStatus.draft)
    if agent_id is not None:
        query = query.where(Evaluation.agent_id == agent_id)
    if status is not None:
        query = query.where(Evaluation.status == status)
    if evaluator_id is not None:
        query = query.where(Evaluation.evaluator_id == evaluator_id)
    if team_id is not None:
        query = query.where(Evaluation.agent_id.in_(select(org_employee.c.id).where(org_employee.c.team_id == team_id)))
    if created_from is not None:
        query = query.where(Evaluation.created_at >= created_from)
    if created_before is not None:
        query = query.where(Evaluation.created_at < created_before)
    sortable = {"created_at": Evaluation.created_at, "released_at": Evaluation.released_at}
    return query.order_by(*order_by(sort, sortable, "-created_at", Evaluation.id))


def _require_evaluator_of(principal: Principal, evaluation: Evaluation) -> None:
    if principal.employee_id != evaluation.evaluator_id:
        raise Forbidden(t("Only the evaluator may change or release a draft evaluation."))


async def update_answers(
    session: AsyncSession, *, principal: Principal, evaluation_id: uuid.UUID, answers: list[AnswerIn], now: datetime
) -> Evaluation:
    evaluation = await get_evaluation(session, evaluation_id, lock=True)
    _require_evaluator_of(principal, evaluation)
    if evaluation.status != EvaluationStatus.draft:
        raise Conflict(t("A released evaluation changes only through a dispute (QA-4)."))
    scorecard = await get_scorecard(session, evaluation.scorecard_id)
    scored = scoring.score(scorecard, answers)
    evaluation.answers = _answer_rows(scorecard, answers, scored)
    evaluation.score = scored.score
    evaluation.failed_critical = scored.failed_critical
    evaluation.updated_at = now
    await session.flush()
    return evaluation


def _check_notes(evaluation: Evaluation) -> None:
    silent = [a.item_code for a in evaluation.answers if a.result in ("fail", "partial") and not a.note.strip()]
    if silent:
        raise NoteMissing(
            t(
                "Every item that lost points needs a note the agent can read; missing for: {codes}.",
                codes=", ".join(sorted(silent)),
            )
        )


async def release(
    session: AsyncSession, *, principal: Principal, evaluation_id: uuid.UUID, now: datetime, policy: Policy
) -> Evaluation:
    """Release a draft to the agent, open the dispute window, and check repeated item failures (PRF-7b)."""
    evaluation = await get_evaluation(session, evaluation_id, lock=True)
    _require_evaluator_of(principal, evaluation)
    if evaluation.calibration_id is not None:
        raise ReleaseRefused(t("Calibration evaluations compare evaluators; they are never released to the agent."))
    if evaluation.status != EvaluationStatus.draft:
        raise Conflict(t("The evaluation is already {status}.", status=evaluation.status))
    _check_notes(evaluation)
    evaluation.status = EvaluationStatus.released
    evaluation.released_at = now
    evaluation.updated_at = now
    await outbox.add(
        session,
        QaEvaluationReleasedV1(
            evaluation_id=evaluation.id,
            agent_id=evaluation.agent_id,
            evaluator_id=evaluation.evaluator_id,
            scorecard_id=evaluation.scorecard_id,
            scorecard_version=evaluation.scorecard_version,
            interaction_id=evaluation.interaction_id,
            score=evaluation.score,
            failed_critical=evaluation.failed_critical,
            released_at=now,
        ),
        at=now,
    )
    await deadlines.schedule(
        session,
        kind=DISPUTE_WINDOW,
        ref_id=str(evaluation.id),
        due_at=now + timedelta(days=policy.dispute_days),
        now=now,
    )
    await session.flush()
    await review.check_qa_item_failures(session, agent_id=evaluation.agent_id, now=now, policy=policy)
    return evaluation


async def _finalize(session: AsyncSession, evaluation: Evaluation, *, outcome: str, now: datetime) -> None:
    evaluation.status = EvaluationStatus.final
    evaluation.outcome = outcome
    evaluation.finalized_at = now
    evaluation.updated_at = now
    await outbox.add(
        session,
        QaEvaluationFinalizedV1(
            evaluation_id=evaluation.id,
            agent_id=evaluation.agent_id,
            score=evaluation.score,
            outcome=outcome,
            finalized_at=now,
        ),
        at=now,
    )
    # The final score is a raw metric of the day of the interaction: the `qa_average` KPI reads it.
    await ingest.insert_rows(
        session,
        [
            {
                "agent_id": evaluation.agent_id,
                "day": evaluation.interaction_date,
                "metric": "qa_score",
                "source": QA_SOURCE,
                "batch_id": str(evaluation.id),
                "value": evaluation.score,
            }
        ],
    )


async def on_dispute_window_closed(session: AsyncSession, due: Due, now: datetime) -> None:
    """Deadline handler: an evaluation nobody disputed in time becomes final."""
    evaluation = await session.get(Evaluation, uuid.UUID(due.ref_id), with_for_update=True, populate_existing=True)
    if evaluation is not None and evaluation.status == EvaluationStatus.released:
        await _finalize(session, evaluation, outcome="undisputed", now=now)


def dispute_until(evaluation: Evaluation, policy: Policy) -> datetime | None:
    if evaluation.released_at is None:
        return None
    return evaluation.released_at + timedelta(days=policy.dispute_days)


async def dispute(
    session: AsyncSession,
    *,
    principal: Principal,
    evaluation_id: uuid.UUID,
    reason: str,
    now: datetime,
    policy: Policy,
) -> Evaluation:
    """The agent disputes a released evaluation within the window (QA-4)."""
    evaluation = await read_evaluation(session, principal=principal, evaluation_id=evaluation_id, lock=True)
    if principal.employee_id != evaluation.agent_id:
        raise Forbidden(t("Only the evaluated agent may dispute an evaluation."))
    if evaluation.status != EvaluationStatus.released:
        raise DisputeRefused(
            t("Only a released evaluation can be disputed; this one is {status}.", status=evaluation.status)
        )
    until = dispute_until(evaluation, policy)
    assert until is not None
    if now > until:
        raise DisputeRefused(
            t(
                "The dispute window of {dispute_days} days closed on {until:%Y-%m-%d %H:%M} UTC; the "
                "evaluation can no longer be disputed.",
                dispute_days=policy.dispute_days,
                until=until,
            )
        )
    evaluation.status = EvaluationStatus.disputed
    evaluation.updated_at = now
    evaluation.disputes.append(
        Dispute(
            id=uuid.uuid4(),
            raised_by=principal.employee_id,
            reason=reason,
            raised_at=now,
            score_before=evaluation.score,
            answers_before=json.dumps(
                [
                    {"item_id": str(a.item_id), "result": a.result, "points": a.points, "note": a.note}
                    for a in evaluation.answers
                ]
            ),
        )
    )
    await deadlines.cancel(session, ref_id=str(evaluation.id), now=now, kind=DISPUTE_WINDOW)
    await outbox.add(
        session,
        QaEvaluationDisputedV1(
            evaluation_id=evaluation.id,
            agent_id=evaluation.agent_id,
            evaluator_id=evaluation.evaluator_id,
            reason=reason,
            disputed_at=now,
        ),
        at=now,
    )
    await session.flush()
    return evaluation


async def resolve(
    session: AsyncSession,
    *,
    principal: Principal,
    evaluation_id: uuid.UUID,
    outcome: str,
    note: str,
    answers: list[AnswerIn] | None,
    now: datetime,
) -> Evaluation:
    """A reviewer other than the evaluator upholds or adjusts a disputed evaluation (QA-4)."""
    evaluation = await get_evaluation(session, evaluation_id, lock=True)
    if principal.employee_id == evaluation.evaluator_id:
        raise DisputeRefused(t("The evaluator cannot review a dispute of their own evaluation; another reviewer must."))
    if principal.employee_id == evaluation.agent_id:
        raise Forbidden(t("The agent cannot review their own dispute."))
    acting_for = None
    try:
        access.require_evaluator(principal)
        if not await access.can_see(session, principal, evaluation.agent_id):
            raise Forbidden(t("You may review disputes only for agents in your span."))
    except Forbidden:  # a leader's deputy reviews for them while they are on leave (LEV-7)
        absent = await access.absent_dispute_reviewer(
            session, principal, agent_id=evaluation.agent_id, evaluator_id=evaluation.evaluator_id
        )
        if absent is None:
            raise
        acting_for = absent.id
    if evaluation.status != EvaluationStatus.disputed:
        raise Conflict(t("The evaluation is {status}, not disputed.", status=evaluation.status))
    open_dispute = evaluation.disputes[-1]
    if outcome == "adjusted":
        if not answers:
            raise InvalidInput(t("Adjusting a dispute needs the corrected answers."))
        scorecard = await get_scorecard(session, evaluation.scorecard_id)
        scored = scoring.score(scorecard, answers)
        evaluation.answers = _answer_rows(scorecard, answers, scored)
        evaluation.score = scored.score
        evaluation.failed_critical = scored.failed_critical
        await session.flush()
        _check_notes(evaluation)
    elif answers:
        raise InvalidInput(t("Upholding keeps the evaluation as it is; leave out the answers."))
    open_dispute.reviewer_id = principal.employee_id
    open_dispute.acting_for_id = acting_for
    open_dispute.outcome = outcome
    open_dispute.resolution_note = note
    open_dispute.score_after = evaluation.score
    open_dispute.resolved_at = now
    await _finalize(session, evaluation, outcome=outcome, now=now)
    await session.flush()
    return evaluation
