"""What waits for the caller in recognition: nominations to decide and redemptions to approve or fulfil.

Letters of praise have no signing step yet (REC-11 is not enforced), so none waits for a signature.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import org_employee
from callcenter_shared.tasks import Task, TaskPage, names_of, page_of, requester
from recognition import access
from recognition.award.models import Award, Nomination, NominationStatus
from recognition.praise.models import Redemption, RedemptionStatus, Reward

SERVICE = "recognition"


async def my_tasks(session: AsyncSession, *, principal: Principal, now: datetime, limit: int, offset: int) -> TaskPage:
    return page_of(await tasks_of(session, principal, now), limit=limit, offset=offset)


async def tasks_of(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """Every step of a recognition workflow that waits for `principal` now."""
    return [*await _nominations(session, principal), *await _redemptions(session, principal)]


def _task(**fields: Any) -> Task:
    return Task(service=SERVICE, **fields)


async def _nominations(session: AsyncSession, principal: Principal) -> list[Task]:
    pending = (
        await session.execute(
            select(Nomination, Award)
            .join(Award, Award.id == Nomination.award_id)
            .where(Nomination.status == NominationStatus.pending)
        )
    ).all()
    waiting = [
        (nomination, award)
        for nomination, award in pending
        if await access.waits_on(
            session,
            principal,
            level=award.approver_level,
            employee_id=nomination.nominee_id,
            team_id=nomination.team_id,
        )
    ]
    names = await names_of(session, [p for n, _ in waiting for p in (n.nominee_id, n.nominated_by)], org_employee)
    return [
        _task(
            kind="nomination.approve",
            object_id=nomination.id,
            link=f"/v1/nominations/{nomination.id}",
            title=(
                f"Approve or reject the nomination of "
                f"{names.get(nomination.nominee_id, 'a colleague') if nomination.nominee_id else 'a team'} "
                f"for {award.name}"
            ),
            requested_by=requester(nomination.nominated_by, names),
            since=nomination.created_at,
        )
        for nomination, award in waiting
    ]


async def _redemptions(session: AsyncSession, principal: Principal) -> list[Task]:
    if not access.decides_redemptions(principal):
        return []
    rows = (
        await session.execute(
            select(Redemption, Reward)
            .join(Reward, Reward.id == Redemption.reward_id)
            .where(Redemption.status.in_((RedemptionStatus.requested, RedemptionStatus.approved)))
        )
    ).all()
    names = await names_of(session, [r.employee_id for r, _ in rows], org_employee)
    return [
        _task(
            kind="redemption.approve" if redemption.status == RedemptionStatus.requested else "redemption.fulfil",
            object_id=redemption.id,
            link=f"/v1/redemptions/{redemption.id}",
            title=(
                f"Approve or reject {names.get(redemption.employee_id, 'a colleague')}'s redemption of {reward.name}"
                if redemption.status == RedemptionStatus.requested
                else f"Hand {reward.name} to {names.get(redemption.employee_id, 'a colleague')} and mark it fulfilled"
            ),
            requested_by=requester(redemption.employee_id, names),
            since=redemption.requested_at if redemption.status == RedemptionStatus.requested else redemption.decided_at,
        )
        for redemption, reward in rows
    ]
