"""A page of QA evaluations as `EvaluationRead` items, read with Core statements and no ORM objects (QA-6).

The page carries its total and the people's names; the answers and the disputes of the whole page are one
statement each, and the scorecards one read for the page. Items are built as plain data in the response
model's field order, so the router encodes them once.
"""

from __future__ import annotations

import typing
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.org import org_employee
from performance.policy import Policy
from performance.qa import scoring
from performance.qa.models import Dispute, Evaluation, EvaluationAnswer
from performance.qa.schemas import AnswerIn
from performance.qa.scorecard import scorecards_by_id

qa_evaluation = typing.cast(Table, Evaluation.__table__)
qa_answer = typing.cast(Table, EvaluationAnswer.__table__)
qa_dispute = typing.cast(Table, Dispute.__table__)


def _name_of(person_id: Any) -> Any:
    """A person's name from the org copy by primary key (null if unknown)."""
    return select(org_employee.c.name).where(org_employee.c.id == person_id).scalar_subquery()


_ANSWERS = select(
    qa_answer.c.evaluation_id, qa_answer.c.item_id, qa_answer.c.result, qa_answer.c.points, qa_answer.c.note
)
_DISPUTES = select(
    qa_dispute.c.evaluation_id,
    qa_dispute.c.id,
    qa_dispute.c.raised_by,
    _name_of(qa_dispute.c.raised_by).label("raised_by_name"),
    qa_dispute.c.reason,
    qa_dispute.c.raised_at,
    qa_dispute.c.reviewer_id,
    _name_of(qa_dispute.c.reviewer_id).label("reviewer_name"),
    qa_dispute.c.acting_for_id,
    _name_of(qa_dispute.c.acting_for_id).label("acting_for_name"),
    qa_dispute.c.outcome,
    qa_dispute.c.resolution_note,
    qa_dispute.c.score_before,
    qa_dispute.c.score_after,
    qa_dispute.c.resolved_at,
).order_by(qa_dispute.c.raised_at)
_DISPUTE_FIELDS = _DISPUTES.selected_columns.keys()[1:]


async def page(
    session: AsyncSession, query: Select[Evaluation], *, policy: Policy, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the ordered evaluations `query` selects, as `EvaluationRead` items, and the total."""
    total = select(func.count()).select_from(query.order_by(None).subquery()).scalar_subquery()
    page_query = query.with_only_columns(
        *qa_evaluation.c,
        _name_of(qa_evaluation.c.agent_id).label("agent_name"),
        _name_of(qa_evaluation.c.evaluator_id).label("evaluator_name"),
        total.label("total"),
    )
    rows = (await session.execute(page_query.limit(limit).offset(offset))).all()
    if not rows:
        return [], 0 if offset == 0 else int(await session.scalar(select(total)) or 0)
    ids = [row.id for row in rows]
    answers: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for answer in await session.execute(_ANSWERS.where(qa_answer.c.evaluation_id.in_(ids))):
        answers[answer.evaluation_id].append(answer)
    disputes: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for dispute in await session.execute(_DISPUTES.where(qa_dispute.c.evaluation_id.in_(ids))):
        disputes[dispute.evaluation_id].append({field: getattr(dispute, field) for field in _DISPUTE_FIELDS})
    cards = await scorecards_by_id(session, {row.scorecard_id for row in rows})
    dispute_days = timedelta(days=policy.dispute_days)
    items = []
    for row in rows:
        scorecard = cards[row.scorecard_id]
        given = {answer.item_id: answer for answer in answers[row.id]}
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
                for a in answers[row.id]
            ],
        )
        items.append(
            {
                "id": row.id,
                "scorecard_id": row.scorecard_id,
                "scorecard_version": row.scorecard_version,
                "calibration_id": row.calibration_id,
                "interaction_id": row.interaction_id,
                "agent_id": row.agent_id,
                "agent_name": row.agent_name,
                "evaluator_id": row.evaluator_id,
                "evaluator_name": row.evaluator_name,
                "channel": row.channel,
                "interaction_date": row.interaction_date,
                "status": row.status,
                "score": row.score,
                "failed_critical": row.failed_critical,
                "outcome": row.outcome,
                "created_at": row.created_at,
                "released_at": row.released_at,
                "dispute_until": row.released_at + dispute_days if row.released_at is not None else None,
                "finalized_at": row.finalized_at,
                "sections": [section.model_dump() for section in scored.sections],
                "answers": [
                    {
                        "item_id": item.id,
                        "code": item.code,
                        "section": section.title,
                        "text": item.text,
                        "dimension": item.dimension,
                        "points_possible": item.points,
                        "critical": item.critical,
                        "result": given[item.id].result,
                        "points": given[item.id].points,
                        "note": given[item.id].note,
                    }
                    for section in scorecard.sections
                    for item in section.items
                    if item.id in given
                ],
                "disputes": disputes[row.id],
            }
        )
    return items, int(rows[0].total)
