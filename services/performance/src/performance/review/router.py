from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.names import with_names
from callcenter_shared.web import DbSession, Now, Page, Paging
from performance.review import service
from performance.review.schemas import (
    ReassessmentCreate,
    ReviewRead,
    StepCreate,
    TrainingResultCreate,
    TrainingResultRead,
    ViolationCreate,
    ViolationRead,
)
from performance.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["review"])


@router.post("/training-results", status_code=status.HTTP_201_CREATED, response_model=TrainingResultRead)
async def record_training(
    data: TrainingResultCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> TrainingResultRead:
    result = await service.record_training(session, principal=principal, data=data, now=now)
    return await with_names(session, TrainingResultRead.model_validate(result))


@router.post("/violations", status_code=status.HTTP_201_CREATED, response_model=ViolationRead)
async def report_violation(
    data: ViolationCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> ViolationRead:
    violation = await service.report_violation(session, principal=principal, data=data, now=now, policy=settings.policy)
    return await with_names(session, ViolationRead.model_validate(violation))


@router.get("/reviews", response_model=Page[ReviewRead])
async def list_reviews(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status: Annotated[Literal["flagged", "in_training", "back_on_post", "referred_to_hr"] | None, Query()] = None,
) -> Page[ReviewRead]:
    rows, total = await service.list_reviews(
        session, principal=principal, status=status, limit=paging.limit, offset=paging.offset
    )
    return await with_names(
        session,
        Page(items=[ReviewRead.model_validate(r) for r in rows], limit=paging.limit, offset=paging.offset, total=total),
    )


@router.get("/reviews/{review_id}", response_model=ReviewRead)
async def get_review(review_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> ReviewRead:
    return await with_names(
        session, ReviewRead.model_validate(await service.get_review(session, principal=principal, review_id=review_id))
    )


@router.post("/reviews/{review_id}/training", response_model=ReviewRead, summary="Off-post training starts")
async def start_training(
    review_id: uuid.UUID, data: StepCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ReviewRead:
    review = await service.start_training(session, principal=principal, review_id=review_id, note=data.note, now=now)
    return await with_names(session, ReviewRead.model_validate(review))


@router.post("/reviews/{review_id}/reassessment", response_model=ReviewRead, summary="Back on post, or referred to HR")
async def reassess_review(
    review_id: uuid.UUID, data: ReassessmentCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> ReviewRead:
    review = await service.reassess(
        session, principal=principal, review_id=review_id, passed=data.passed, note=data.note, now=now
    )
    return await with_names(session, ReviewRead.model_validate(review))
