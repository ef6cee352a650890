from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from callcenter_shared.auth import CurrentPrincipal
from callcenter_shared.inputs import Month
from callcenter_shared.names import with_names
from callcenter_shared.web import DbSession, Now, Page, Paging
from recognition.praise import daily_praise, service, shop
from recognition.praise.schemas import (
    AllowanceRead,
    CoverageRead,
    CoverageRow,
    FlagRead,
    FlagReview,
    LeaderboardRow,
    LedgerEntry,
    PointsRead,
    PraiseCreate,
    PraiseRead,
    RedemptionCreate,
    RedemptionRead,
    Restock,
    RewardCreate,
    RewardRead,
)
from recognition.settings import AppSettings

router = APIRouter(prefix="/v1", tags=["peer praise"])


@router.get(
    "/praise/values",
    response_model=Page[str],
    summary="The company values a praise may name",
    description="The handful of company values from the settings, all on one page (`limit` is their number).",
)
async def list_praise_values(_principal: CurrentPrincipal, settings: AppSettings) -> Page[str]:
    values = list(settings.company_values)
    return Page(items=values, limit=len(values), offset=0, total=len(values))


@router.post(
    "/praise",
    status_code=status.HTTP_201_CREATED,
    response_model=PraiseRead,
    summary="Praise a colleague with points from your monthly allowance (REC-5)",
)
async def give_praise(
    data: PraiseCreate, principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> PraiseRead:
    praise = await service.give(
        session,
        principal=principal,
        receiver_id=data.receiver_id,
        points=data.points,
        message=data.message,
        value=data.value,
        settings=settings,
        now=now,
    )
    return await with_names(session, PraiseRead.model_validate(praise))


@router.get("/praise/allowance", response_model=AllowanceRead, summary="Your giving allowance this month")
async def my_allowance(
    principal: CurrentPrincipal, session: DbSession, now: Now, settings: AppSettings
) -> AllowanceRead:
    left = await service.allowance(session, employee_id=principal.employee_id, settings=settings, now=now)
    return AllowanceRead(month=left.month, allowance=left.allowance, spent=left.spent, remaining=left.remaining)


@router.get("/points/{employee_id}", response_model=PointsRead, summary="Earned points and their ledger")
async def get_points(
    employee_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, paging: Paging
) -> PointsRead:
    balance, rows, total = await service.ledger(
        session, principal=principal, employee_id=employee_id, limit=paging.limit, offset=paging.offset
    )
    entries = [LedgerEntry.model_validate(r) for r in rows]
    return await with_names(
        session,
        PointsRead(
            employee_id=employee_id,
            balance=balance,
            ledger=Page(items=entries, limit=paging.limit, offset=paging.offset, total=total),
        ),
    )


@router.get("/praise/leaderboard", response_model=Page[LeaderboardRow], summary="Received points by month (REC-5)")
async def get_leaderboard(
    _principal: CurrentPrincipal,
    session: DbSession,
    month: Annotated[Month, Query()],
    paging: Paging,
    team_id: uuid.UUID | None = None,
) -> Page[LeaderboardRow]:
    rows, total = await service.leaderboard(
        session, team_id=team_id, month=month, limit=paging.limit, offset=paging.offset
    )
    items = [LeaderboardRow(employee_id=r[0], name=r[1], points=r[2], praises=r[3]) for r in rows]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)


@router.get("/praise/reciprocity-flags", response_model=Page[FlagRead], summary="Pairs who mostly praise each other")
async def list_reciprocity_flags(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[Literal["open", "cleared", "confirmed"] | None, Query(alias="status")] = None,
) -> Page[FlagRead]:
    rows, total = await service.list_flags(
        session, principal=principal, status=status_, limit=paging.limit, offset=paging.offset
    )
    items = [FlagRead.model_validate(f) for f in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.post("/praise/reciprocity-flags/{flag_id}/review", response_model=FlagRead)
async def review_flag(
    flag_id: uuid.UUID, data: FlagReview, principal: CurrentPrincipal, session: DbSession, now: Now
) -> FlagRead:
    flag = await service.review_flag(session, principal=principal, flag_id=flag_id, outcome=data.outcome, now=now)
    return await with_names(session, FlagRead.model_validate(flag))


@router.get("/rewards", response_model=Page[RewardRead], summary="The reward catalog for earned points")
async def list_rewards(_principal: CurrentPrincipal, session: DbSession, paging: Paging) -> Page[RewardRead]:
    rows, total = await shop.list_rewards(session, limit=paging.limit, offset=paging.offset)
    items = [RewardRead.model_validate(r) for r in rows]
    return Page(items=items, limit=paging.limit, offset=paging.offset, total=total)


@router.post("/rewards", status_code=status.HTTP_201_CREATED, response_model=RewardRead)
async def add_reward(data: RewardCreate, principal: CurrentPrincipal, session: DbSession, now: Now) -> RewardRead:
    reward = await shop.add_reward(
        session, principal=principal, name=data.name, cost_points=data.cost_points, stock=data.stock, now=now
    )
    return RewardRead.model_validate(reward)


@router.post("/rewards/{reward_id}/restock", response_model=RewardRead)
async def restock_reward(
    reward_id: uuid.UUID, data: Restock, principal: CurrentPrincipal, session: DbSession
) -> RewardRead:
    return RewardRead.model_validate(
        await shop.restock(session, principal=principal, reward_id=reward_id, add=data.add)
    )


@router.post("/redemptions", status_code=status.HTTP_201_CREATED, response_model=RedemptionRead)
async def create_redemption(
    data: RedemptionCreate, principal: CurrentPrincipal, session: DbSession, now: Now
) -> RedemptionRead:
    redemption = await shop.request_redemption(session, principal=principal, reward_id=data.reward_id, now=now)
    return await with_names(session, RedemptionRead.model_validate(redemption))


@router.get(
    "/redemptions",
    response_model=Page[RedemptionRead],
    summary="Reward redemptions",
    description="An employee sees her own; the rewards administrators see everyone's. Newest first.",
)
async def list_redemptions(
    principal: CurrentPrincipal,
    session: DbSession,
    paging: Paging,
    status_: Annotated[Literal["requested", "approved", "fulfilled", "rejected"] | None, Query(alias="status")] = None,
) -> Page[RedemptionRead]:
    rows, total = await shop.list_redemptions(
        session, principal=principal, status=status_, limit=paging.limit, offset=paging.offset
    )
    items = [RedemptionRead.model_validate(r) for r in rows]
    return await with_names(session, Page(items=items, limit=paging.limit, offset=paging.offset, total=total))


@router.get(
    "/redemptions/{redemption_id}",
    response_model=RedemptionRead,
    summary="One redemption",
    description="The employee who redeemed and the rewards administrators; anyone else gets 403.",
)
async def get_redemption(redemption_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> RedemptionRead:
    redemption = await shop.read_redemption(session, principal=principal, redemption_id=redemption_id)
    return await with_names(session, RedemptionRead.model_validate(redemption))


@router.post("/redemptions/{redemption_id}/{action}", response_model=RedemptionRead)
async def decide_redemption(
    redemption_id: uuid.UUID,
    action: Literal["approve", "reject", "fulfil"],
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
) -> RedemptionRead:
    redemption = await shop.decide_redemption(
        session, principal=principal, redemption_id=redemption_id, action=action, now=now
    )
    return await with_names(session, RedemptionRead.model_validate(redemption))


@router.get(
    "/teams/{team_id}/praise-coverage",
    response_model=CoverageRead,
    summary="The leader's daily praise coverage: who has not been praised in the last N days (REC-6)",
)
async def get_praise_coverage(
    team_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    now: Now,
    settings: AppSettings,
    days: Annotated[int | None, Query(ge=1, le=90)] = None,
) -> CoverageRead:
    window = days or settings.praise_coverage_days
    leader_id, rows, praised = await daily_praise.coverage(
        session, principal=principal, team_id=team_id, days=window, now=now
    )
    members = [CoverageRow(**vars(r)) for r in rows]
    return await with_names(
        session,
        CoverageRead(
            team_id=team_id,
            leader_id=leader_id,
            days=window,
            praised_in_last_24h=praised,
            covered=sum(1 for m in members if not m.due),
            members=len(members),
            not_praised=[m for m in members if m.due],
            all_members=members,
        ),
    )
