"""Bottom-rank review (PRF-7): flags with the rule and its evidence, and the steps that follow."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.escalation import CaseShirkedV1, ComplaintAttributedV1
from callcenter_shared.contracts.performance import ReviewFlaggedV1, ReviewReassessedV1, ReviewTrainingStartedV1
from callcenter_shared.contracts.scheduling import HandoverLateV1
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, Forbidden, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person
from callcenter_shared.paging import paginate
from performance import access
from performance.kpi import ingest
from performance.policy import Policy
from performance.qa.models import Evaluation, EvaluationAnswer, EvaluationStatus
from performance.review.models import (
    Complaint,
    Review,
    ReviewStatus,
    ReviewStep,
    TrainingKind,
    TrainingOutcome,
    TrainingResult,
    Violation,
)
from performance.review.schemas import TrainingResultCreate, ViolationCreate

OPEN = (ReviewStatus.flagged, ReviewStatus.in_training)


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def flag(session: AsyncSession, *, agent_id: uuid.UUID, rule: str, evidence: str, now: datetime) -> Review | None:
    """Flag the agent unless a review for the same rule is still open; publishes `review.flagged`."""
    already = await session.scalar(
        select(Review.id).where(Review.agent_id == agent_id, Review.rule == rule, Review.status.in_(OPEN))
    )
    if already:
        return None
    review = Review(
        id=uuid.uuid4(),
        agent_id=agent_id,
        rule=rule,
        evidence=evidence,
        status=ReviewStatus.flagged,
        flagged_at=now,
        steps=[ReviewStep(id=uuid.uuid4(), step="flagged", by=None, note=evidence, at=now)],
    )
    session.add(review)
    await session.flush()
    await outbox.add(
        session,
        ReviewFlaggedV1(review_id=review.id, agent_id=agent_id, rule=rule, evidence=evidence, flagged_at=now),
        at=now,
    )
    return review


# PRF-7a: verified complaints


async def record_complaint(session: AsyncSession, complaint: Complaint, *, now: datetime, policy: Policy) -> None:
    """Keep the complaint; 3 in its calendar month or 5 in the year up to it flags the agent (PRF-7a)."""
    if await session.get(Complaint, complaint.case_id) is not None:
        return
    session.add(complaint)
    await session.flush()
    first, last = _month(complaint.complaint_date)
    in_month = (
        await session.scalars(
            select(Complaint)
            .where(Complaint.agent_id == complaint.agent_id, Complaint.complaint_date.between(first, last))
            .order_by(Complaint.complaint_date)
        )
    ).all()
    if len(in_month) >= policy.complaints_per_month:
        cases = ", ".join(f"case {c.case_id} on {c.complaint_date}" for c in in_month)
        evidence = (
            f"{len(in_month)} verified complaints in {first:%Y-%m} (limit {policy.complaints_per_month}): {cases}"
        )
        await flag(session, agent_id=complaint.agent_id, rule="PRF-7a", evidence=evidence, now=now)
        return
    year_start = complaint.complaint_date - timedelta(days=365)
    in_year = (
        await session.scalars(
            select(Complaint)
            .where(
                Complaint.agent_id == complaint.agent_id,
                Complaint.complaint_date > year_start,
                Complaint.complaint_date <= complaint.complaint_date,
            )
            .order_by(Complaint.complaint_date)
        )
    ).all()
    if len(in_year) >= policy.complaints_per_year:
        cases = ", ".join(f"case {c.case_id} on {c.complaint_date}" for c in in_year)
        evidence = (
            f"{len(in_year)} verified complaints in the 12 months to {complaint.complaint_date} "
            f"(limit {policy.complaints_per_year}): {cases}"
        )
        await flag(session, agent_id=complaint.agent_id, rule="PRF-7a", evidence=evidence, now=now)


# PRF-7b: the same QA item failed again and again


async def record_attributed_complaint(
    session: AsyncSession, event: ComplaintAttributedV1, *, now: datetime, policy: Policy
) -> None:
    """A complaint escalation attributed to an agent: kept for PRF-7a, and a raw metric for the `complaints` KPI."""
    complaint = Complaint(
        case_id=event.case_id,
        agent_id=event.agent_id,
        category=event.category,
        complaint_date=event.complaint_date,
        verified_by=event.verified_by,
        attributed_at=event.attributed_at,
    )
    await record_complaint(session, complaint, now=now, policy=policy)
    # The complaint is also a raw metric for the `complaints` KPI, once per case.
    await ingest.insert_rows(
        session,
        [
            {
                "agent_id": event.agent_id,
                "day": event.complaint_date,
                "metric": "verified_complaints",
                "source": "escalation",
                "batch_id": str(event.case_id),
                "value": 1.0,
            }
        ],
    )


async def check_qa_item_failures(session: AsyncSession, *, agent_id: uuid.UUID, now: datetime, policy: Policy) -> None:
    since = now.date() - timedelta(days=policy.qa_item_failure_days)
    failures = (
        await session.execute(
            select(EvaluationAnswer.item_code, func.count(), func.min(Evaluation.interaction_date))
            .join(Evaluation, Evaluation.id == EvaluationAnswer.evaluation_id)
            .where(
                Evaluation.agent_id == agent_id,
                Evaluation.calibration_id.is_(None),
                Evaluation.status.in_((EvaluationStatus.released, EvaluationStatus.disputed, EvaluationStatus.final)),
                Evaluation.interaction_date >= since,
                EvaluationAnswer.result == "fail",
            )
            .group_by(EvaluationAnswer.item_code)
            .having(func.count() >= policy.qa_item_failures)
        )
    ).all()
    for code, count, first in failures:
        evidence = (
            f"QA item '{code}' failed in {count} evaluations since {first} "
            f"(limit {policy.qa_item_failures} in {policy.qa_item_failure_days} days)"
        )
        await flag(session, agent_id=agent_id, rule="PRF-7b", evidence=evidence, now=now)


# PRF-7c, PRF-7e: training


async def record_training(
    session: AsyncSession, *, principal: Principal, data: TrainingResultCreate, now: datetime
) -> TrainingResult:
    """Record a training outcome; a failed resit (PRF-7c) or a missed mandatory course (PRF-7e) flags."""
    await _require_span(session, principal, data.agent_id)
    result = TrainingResult(id=uuid.uuid4(), recorded_by=principal.employee_id, recorded_at=now, **data.model_dump())
    session.add(result)
    await session.flush()
    if data.kind == TrainingKind.resit and data.outcome == TrainingOutcome.failed:
        first = await session.scalar(
            select(TrainingResult).where(
                TrainingResult.agent_id == data.agent_id,
                TrainingResult.course == data.course,
                TrainingResult.kind == TrainingKind.assessment,
                TrainingResult.outcome == TrainingOutcome.failed,
            )
        )
        if first is not None:
            evidence = f"Failed the assessment of '{data.course}' on {first.taken_on} and the resit on {data.taken_on}"
            await flag(session, agent_id=data.agent_id, rule="PRF-7c", evidence=evidence, now=now)
    if data.kind == TrainingKind.mandatory and data.outcome in (TrainingOutcome.missed, TrainingOutcome.failed):
        evidence = f"Mandatory training for new business '{data.course}' {data.outcome} on {data.taken_on}"
        await flag(session, agent_id=data.agent_id, rule="PRF-7e", evidence=evidence, now=now)
    return result


# PRF-7d: discipline


async def record_violation(session: AsyncSession, violation: Violation, *, now: datetime, policy: Policy) -> None:
    """Keep a discipline violation; 3 in a calendar month flag the employee (PRF-7d)."""
    if await session.scalar(select(Violation.id).where(Violation.reference == violation.reference)):
        return
    session.add(violation)
    await session.flush()
    first, last = _month(violation.occurred_on)
    in_month = (
        await session.scalars(
            select(Violation)
            .where(Violation.employee_id == violation.employee_id, Violation.occurred_on.between(first, last))
            .order_by(Violation.occurred_on)
        )
    ).all()
    if len(in_month) >= policy.discipline_per_month:
        listed = "; ".join(f"{v.kind} on {v.occurred_on}: {v.detail}" for v in in_month)
        evidence = (
            f"{len(in_month)} discipline violations in {first:%Y-%m} (limit {policy.discipline_per_month}): {listed}"
        )
        await flag(session, agent_id=violation.employee_id, rule="PRF-7d", evidence=evidence, now=now)


async def record_late_handover(
    session: AsyncSession, event: HandoverLateV1, *, now: datetime, policy: Policy, timezone: str
) -> None:
    """A late check-in at a shift handover is a discipline violation on the shift's local day (PRF-7d)."""
    violation = Violation(
        employee_id=event.employee_id,
        kind="handover_late",
        occurred_on=event.shift_starts_at.astimezone(ZoneInfo(timezone)).date(),
        reference=f"handover:{event.handover_id}:{event.employee_id}",
        detail=f"checked in {event.minutes_late} min late for the shift starting "
        f"{event.shift_starts_at:%Y-%m-%d %H:%M} UTC",
        recorded_at=now,
    )
    await record_violation(session, violation, now=now, policy=policy)


async def record_shirk(
    session: AsyncSession, event: CaseShirkedV1, *, now: datetime, policy: Policy, timezone: str
) -> None:
    """A case handed off or refused against first-contact ownership (ESC-1) is a discipline violation on its
    local day (PRF-10), counted toward PRF-7d; each attempt once, however often told."""
    attempt = "handed off" if event.attempt == "handoff" else "refused"
    violation = Violation(
        employee_id=event.employee_id,
        kind="case_shirked",
        occurred_on=event.shirked_at.astimezone(ZoneInfo(timezone)).date(),
        reference=f"shirk:{event.case_id}:{event.shirked_at.astimezone(UTC):%Y%m%dT%H%M%S%f}",
        detail=f"{attempt} case {event.number} (ESC-1): {event.reason}",
        recorded_at=now,
    )
    await record_violation(session, violation, now=now, policy=policy)


async def report_violation(
    session: AsyncSession, *, principal: Principal, data: ViolationCreate, now: datetime, policy: Policy
) -> Violation:
    await _require_span(session, principal, data.employee_id)
    violation = Violation(
        id=uuid.uuid4(),
        employee_id=data.employee_id,
        kind=data.kind,
        occurred_on=data.occurred_on,
        reference=f"manual:{uuid.uuid4()}",
        detail=data.detail,
        recorded_at=now,
    )
    await record_violation(session, violation, now=now, policy=policy)
    return violation


# The review workflow


async def _require_span(session: AsyncSession, principal: Principal, agent_id: uuid.UUID) -> None:
    access.require_review_recorder(principal, agent_id)
    await get_person(session, agent_id)
    if not await access.can_see(session, principal, agent_id):
        raise Forbidden(t("You may record this only for people in your span."))


async def get_review(
    session: AsyncSession, *, principal: Principal, review_id: uuid.UUID, lock: bool = False
) -> Review:
    """The review if the caller may see it; with `lock`, locked until commit so its status cannot move meanwhile."""
    missing = t("Review {review_id} does not exist.", review_id=review_id)
    review = await get_or_404(session, Review, review_id, missing=missing, lock=lock)
    if not await access.can_see(session, principal, review.agent_id):
        raise NotFound(missing)
    return review


async def list_reviews(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> tuple[Sequence[Review], int]:
    query = select(Review)
    visible = await access.visible_ids(session, principal)
    if visible is not None:
        query = query.where(Review.agent_id.in_(visible))
    if status is not None:
        query = query.where(Review.status == status)
    return await paginate(session, query.order_by(Review.flagged_at.desc(), Review.id), limit=limit, offset=offset)


async def start_training(
    session: AsyncSession, *, principal: Principal, review_id: uuid.UUID, note: str, now: datetime
) -> Review:
    """Take the flagged agent off post for training, on the record."""
    review = await get_review(session, principal=principal, review_id=review_id, lock=True)
    await _require_span(session, principal, review.agent_id)
    if review.status != ReviewStatus.flagged:
        raise Conflict(
            t("The review is {status}; off-post training starts right after the flag.", status=review.status)
        )
    review.status = ReviewStatus.in_training
    review.steps.append(ReviewStep(id=uuid.uuid4(), step="in_training", by=principal.employee_id, note=note, at=now))
    await outbox.add(
        session,
        ReviewTrainingStartedV1(
            review_id=review.id, agent_id=review.agent_id, recorded_by=principal.employee_id, note=note, started_at=now
        ),
        at=now,
    )
    await session.flush()
    return review


async def reassess(
    session: AsyncSession, *, principal: Principal, review_id: uuid.UUID, passed: bool, note: str, now: datetime
) -> Review:
    """Record the re-assessment: passed → back on post, failed → referred to HR."""
    review = await get_review(session, principal=principal, review_id=review_id, lock=True)
    await _require_span(session, principal, review.agent_id)
    if review.status != ReviewStatus.in_training:
        raise Conflict(t("The review is {status}; re-assessment follows the off-post training.", status=review.status))
    outcome = ReviewStatus.back_on_post if passed else ReviewStatus.referred_to_hr
    review.status = outcome
    review.steps.append(ReviewStep(id=uuid.uuid4(), step=outcome, by=principal.employee_id, note=note, at=now))
    await outbox.add(
        session,
        ReviewReassessedV1(
            review_id=review.id,
            agent_id=review.agent_id,
            recorded_by=principal.employee_id,
            passed=passed,
            outcome=outcome,
            note=note,
            reassessed_at=now,
        ),
        at=now,
    )
    await session.flush()
    return review
