"""What waits for the caller in performance: draft evaluations, disputes, reviews and coaching follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import acting
from callcenter_shared.auth import Principal
from callcenter_shared.org import org_employee, superior_chain
from callcenter_shared.tasks import Task, TaskPage, TaskSource, names_of, page_of, requester
from performance import access
from performance.coaching.models import Coaching, CoachingStatus
from performance.qa.models import Evaluation, EvaluationStatus
from performance.review.models import Review, ReviewStatus

SERVICE = "performance"
_REVIEW_STEPS = {"flagged": "review.training", "in_training": "review.reassessment"}


def source(zone: tzinfo) -> TaskSource:
    """The task query for the live stream, with the center's time zone (coaching dates are the center's days)."""

    async def tasks(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
        return await tasks_of(session, principal, now, zone=zone)

    return tasks


async def my_tasks(
    session: AsyncSession, *, principal: Principal, now: datetime, zone: tzinfo, limit: int, offset: int
) -> TaskPage:
    return page_of(await tasks_of(session, principal, now, zone=zone), limit=limit, offset=offset)


async def tasks_of(session: AsyncSession, principal: Principal, now: datetime, *, zone: tzinfo) -> list[Task]:
    """Every step of a performance workflow that waits for `principal` now."""
    return [
        *await _drafts(session, principal),
        *await _disputes(session, principal),
        *await _reviews(session, principal),
        *await _coaching(session, principal, zone),
    ]


def _task(**fields: Any) -> Task:
    return Task(service=SERVICE, **fields)


async def _drafts(session: AsyncSession, principal: Principal) -> list[Task]:
    drafts = (
        await session.scalars(
            select(Evaluation).where(
                Evaluation.status == EvaluationStatus.draft, Evaluation.evaluator_id == principal.employee_id
            )
        )
    ).all()
    names = await names_of(session, [e.agent_id for e in drafts], org_employee)
    return [
        _task(
            kind="evaluation.release",
            object_id=e.id,
            link=f"/v1/qa/evaluations/{e.id}",
            title=f"Finish and release your QA evaluation of {names.get(e.agent_id, 'an agent')}",
            since=e.created_at,
        )
        for e in drafts
    ]


async def _disputes(session: AsyncSession, principal: Principal) -> list[Task]:
    """Disputes whose reviewer is the caller, or a leader on leave the caller acts for (LEV-7)."""
    deciders = [principal] if access.leads_people(principal) else []
    deciders += [acting.as_principal(p) for p in await acting.acted_for(session, principal.employee_id) if p.active]
    me = principal.employee_id
    waiting: list[tuple[Evaluation, Principal]] = []
    for decider in deciders:
        query = select(Evaluation).where(
            Evaluation.status == EvaluationStatus.disputed,
            Evaluation.evaluator_id.not_in([me, decider.employee_id]),
            Evaluation.agent_id.not_in([me, decider.employee_id]),
        )
        visible = await access.visible_ids(session, decider)
        if visible is not None:
            query = query.where(Evaluation.agent_id.in_(visible))
        for evaluation in (await session.scalars(query)).all():
            reviewer = next(
                (p.id for p in await superior_chain(session, evaluation.agent_id) if p.id != evaluation.evaluator_id),
                None,
            )
            if reviewer == decider.employee_id and all(e.id != evaluation.id for e, _ in waiting):
                waiting.append((evaluation, decider))
    names = await names_of(session, [p for e, d in waiting for p in (e.agent_id, d.employee_id)], org_employee)

    def acting_for(decider: Principal) -> str:
        if decider.employee_id == me:
            return ""
        return f" (for {names.get(decider.employee_id, 'your team leader')}, on leave: you act for them, LEV-7)"

    return [
        _task(
            kind="evaluation.dispute",
            object_id=e.id,
            link=f"/v1/qa/evaluations/{e.id}",
            title=f"Decide the dispute of {names.get(e.agent_id, 'an agent')} about a QA evaluation{acting_for(d)}",
            requested_by=requester(e.agent_id, names),
            since=e.disputes[-1].raised_at if e.disputes else e.updated_at,
        )
        for e, d in waiting
    ]


async def _reviews(session: AsyncSession, principal: Principal) -> list[Task]:
    reviews = (
        await session.scalars(
            select(Review)
            .join(org_employee, org_employee.c.id == Review.agent_id)
            .where(Review.status.in_(list(_REVIEW_STEPS)), org_employee.c.superior_id == principal.employee_id)
        )
    ).all()
    names = await names_of(session, [r.agent_id for r in reviews], org_employee)
    return [
        _task(
            kind=_REVIEW_STEPS[r.status],
            object_id=r.id,
            link=f"/v1/reviews/{r.id}",
            title=(
                f"Start the off-post training of {names.get(r.agent_id, 'your agent')} (bottom-rank review, {r.rule})"
                if r.status == ReviewStatus.flagged
                else f"Record the re-assessment of {names.get(r.agent_id, 'your agent')} after training"
            ),
            since=r.steps[-1].at if r.steps else r.flagged_at,
        )
        for r in reviews
    ]


async def _coaching(session: AsyncSession, principal: Principal, zone: tzinfo) -> list[Task]:
    items = (
        await session.scalars(
            select(Coaching).where(Coaching.status == CoachingStatus.open, Coaching.leader_id == principal.employee_id)
        )
    ).all()
    names = await names_of(session, [c.agent_id for c in items], org_employee)
    return [
        _task(
            kind="coaching.follow_up",
            object_id=c.id,
            link=f"/v1/coaching/{c.id}",
            title=f"Follow up the coaching of {names.get(c.agent_id, 'your agent')}",
            since=c.created_at,
            due_at=_start_of(c.follow_up_due, zone) if c.follow_up_due else None,
        )
        for c in items
    ]


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
