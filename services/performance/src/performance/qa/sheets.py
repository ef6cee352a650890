"""QA evaluations of a period as a spreadsheet: one row an evaluation, by the day of the interaction."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.org import org_employee, people_by_id
from callcenter_shared.spreadsheets import Sheet
from performance import access
from performance.qa.models import Evaluation

MAX_DAYS = 366
HEADER = (
    "evaluation_id", "interaction_id", "interaction_date", "channel", "agent_id", "agent", "team_id",
    "evaluator_id", "evaluator", "status", "score", "failed_critical", "outcome", "released_at", "finalized_at",
)  # fmt: skip


async def evaluation_sheet(
    session: AsyncSession,
    *,
    principal: Principal,
    first: date,
    last: date,
    team_id: uuid.UUID | None,
    status: str | None,
) -> Sheet:
    """The evaluations of interactions from `first` to `last` the caller may see, as in `GET /v1/qa/evaluations`:
    their own (released ones, for an agent), their span's for a leader, the center's for L3+, and those they
    evaluated; calibration scorings are not evaluations of record and stay out."""
    if last < first or (last - first).days >= MAX_DAYS:
        raise InvalidInput(t("Give `to` on or after `from`, at most {MAX_DAYS} days in all.", MAX_DAYS=MAX_DAYS))
    query = select(Evaluation).where(
        Evaluation.calibration_id.is_(None), Evaluation.interaction_date >= first, Evaluation.interaction_date <= last
    )
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(Evaluation.agent_id.in_(visible) | (Evaluation.evaluator_id == principal.employee_id))
    if not access.sees_drafts(principal):
        query = query.where(Evaluation.status != "draft")
    if team_id is not None:
        query = query.where(Evaluation.agent_id.in_(select(org_employee.c.id).where(org_employee.c.team_id == team_id)))
    if status is not None:
        query = query.where(Evaluation.status == status)
    rows = (await session.scalars(query.order_by(Evaluation.interaction_date, Evaluation.created_at))).all()
    people = await people_by_id(session, {r.agent_id for r in rows} | {r.evaluator_id for r in rows})
    sheet = Sheet(title=f"qa-evaluations-{first.isoformat()}-{last.isoformat()}", header=HEADER)
    for row in rows:
        agent, evaluator = people.get(row.agent_id), people.get(row.evaluator_id)
        sheet.rows.append(
            [
                row.id, row.interaction_id, row.interaction_date, row.channel, row.agent_id,
                agent.name if agent else None, agent.team_id if agent else None, row.evaluator_id,
                evaluator.name if evaluator else None, row.status, row.score, row.failed_critical, row.outcome,
                row.released_at, row.finalized_at,
            ]
        )  # fmt: skip
    return sheet
