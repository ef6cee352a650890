"""The points shop: rewards bought with earned praise points, and their redemptions from request to fulfilment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_for_update, get_or_404
from callcenter_shared.errors import Conflict, Forbidden, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.paging import paginate
from recognition import access
from recognition.praise.models import PointsBalance, PointsLedger, Redemption, RedemptionStatus, Reward
from recognition.praise.service import balance, credit


async def add_reward(
    session: AsyncSession, *, principal: Principal, name: str, cost_points: int, stock: int, now: datetime
) -> Reward:
    access.require_rewards_admin(principal)
    reward = Reward(id=uuid.uuid4(), name=name, cost_points=cost_points, stock=stock, created_at=now)
    session.add(reward)
    await session.flush()
    return reward


async def restock(session: AsyncSession, *, principal: Principal, reward_id: uuid.UUID, add: int) -> Reward:
    access.require_rewards_admin(principal)
    # In SQL, not `reward.stock += add` from a stale copy: a redemption taking an item meanwhile would be undone.
    await _reward(session, reward_id)
    await session.execute(
        update(Reward)
        .where(Reward.id == reward_id)
        .values(stock=Reward.stock + add)
        .execution_options(synchronize_session=False)
    )
    return await _reward(session, reward_id, fresh=True)


async def _reward(session: AsyncSession, reward_id: uuid.UUID, *, fresh: bool = False) -> Reward:
    reward = await session.get(Reward, reward_id, populate_existing=fresh)
    if reward is None:
        raise NotFound(t("Reward {reward_id} does not exist.", reward_id=reward_id))
    return reward


async def list_rewards(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[Reward], int]:
    query = select(Reward).order_by(Reward.cost_points, Reward.name, Reward.id)
    return await paginate(session, query, limit=limit, offset=offset)


async def request_redemption(
    session: AsyncSession, *, principal: Principal, reward_id: uuid.UUID, now: datetime
) -> Redemption:
    """Spend earned points on a reward: the points and one item are held until an admin decides."""
    reward = await _reward(session, reward_id)
    took_item = await session.execute(
        update(Reward)
        .where(Reward.id == reward.id, Reward.stock >= 1)
        .values(stock=Reward.stock - 1)
        .execution_options(synchronize_session=False)
    )
    if not took_item.rowcount:  # type: ignore[attr-defined]
        raise Conflict(t("{name} is out of stock.", name=reward.name))
    paid = await session.execute(
        update(PointsBalance)
        .where(PointsBalance.employee_id == principal.employee_id, PointsBalance.balance >= reward.cost_points)
        .values(balance=PointsBalance.balance - reward.cost_points)
        .execution_options(synchronize_session=False)
    )
    if not paid.rowcount:  # type: ignore[attr-defined]
        have = await balance(session, principal.employee_id)
        raise Conflict(
            t(
                "{name} costs {cost_points} points; you have earned {have}.",
                name=reward.name,
                cost_points=reward.cost_points,
                have=have,
            )
        )
    redemption = Redemption(
        id=uuid.uuid4(),
        employee_id=principal.employee_id,
        reward_id=reward.id,
        points=reward.cost_points,
        status=RedemptionStatus.requested,
        requested_at=now,
    )
    session.add(redemption)
    session.add(
        PointsLedger(
            id=uuid.uuid4(),
            employee_id=principal.employee_id,
            delta=-reward.cost_points,
            kind="redemption",
            ref_id=redemption.id,
            at=now,
        )
    )
    await session.flush()
    await session.refresh(reward)
    return redemption


async def decide_redemption(
    session: AsyncSession, *, principal: Principal, redemption_id: uuid.UUID, action: str, now: datetime
) -> Redemption:
    """An admin approves, rejects (points and item go back) or marks a redemption fulfilled."""
    access.require_rewards_admin(principal)
    # Locked: two rejections at once would each refund the points and put the item back.
    redemption = await get_for_update(
        session,
        Redemption,
        redemption_id,
        missing=t("Redemption {redemption_id} does not exist.", redemption_id=redemption_id),
    )
    allowed = {
        "approve": {RedemptionStatus.requested},
        "reject": {RedemptionStatus.requested, RedemptionStatus.approved},
        "fulfil": {RedemptionStatus.approved},
    }[action]
    if redemption.status not in allowed:
        done = {"approve": t("approved"), "reject": t("rejected"), "fulfil": t("fulfilled")}[action]
        raise Conflict(t("A redemption that is {status} cannot be {done}.", status=redemption.status, done=done))
    if action == "approve":
        redemption.status = RedemptionStatus.approved
        redemption.decided_by, redemption.decided_at = principal.employee_id, now
    elif action == "fulfil":
        redemption.status = RedemptionStatus.fulfilled
        redemption.fulfilled_at = now
    else:
        redemption.status = RedemptionStatus.rejected
        redemption.decided_by, redemption.decided_at = principal.employee_id, now
        await credit(
            session,
            employee_id=redemption.employee_id,
            delta=redemption.points,
            kind="redemption_refund",
            ref_id=redemption.id,
            now=now,
        )
        await session.execute(
            update(Reward)
            .where(Reward.id == redemption.reward_id)
            .values(stock=Reward.stock + 1)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    return redemption


async def read_redemption(session: AsyncSession, *, principal: Principal, redemption_id: uuid.UUID) -> Redemption:
    """One redemption, for the employee who redeemed and the rewards administrators."""
    redemption = await get_or_404(
        session,
        Redemption,
        redemption_id,
        missing=t("Redemption {redemption_id} does not exist.", redemption_id=redemption_id),
    )
    if redemption.employee_id != principal.employee_id and not access.sees_every_redemption(principal):
        raise Forbidden(t("A redemption is shown to the employee who redeemed and to the rewards administrators."))
    return redemption


async def list_redemptions(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> tuple[Sequence[Redemption], int]:
    query = select(Redemption)
    if not access.sees_every_redemption(principal):
        query = query.where(Redemption.employee_id == principal.employee_id)
    if status is not None:
        query = query.where(Redemption.status == status)
    query = query.order_by(Redemption.requested_at.desc(), Redemption.id)
    return await paginate(session, query, limit=limit, offset=offset)
