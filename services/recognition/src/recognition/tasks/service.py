"""What waits for the caller in recognition: nominations to decide, redemptions to approve or fulfil,
and letters of praise to sign (REC-11).
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
from recognition.award.models import Award, Grant, Letter, LetterStatus, Nomination, NominationStatus
from recognition.praise.models import Redemption, RedemptionStatus, Reward

SERVICE = "recognition"


async def my_tasks(session: AsyncSession, *, principal: Principal, now: datetime, limit: int, offset: int) -> TaskPage:
    return page_of(await tasks_of(session, principal, now), limit=limit, offset=offset)


async def tasks_of(session: AsyncSession, principal: Principal, now: datetime) -> list[Task]:
    """Every step of a recognition workflow that waits for `principal` now."""
    return [
        *await _nominations(session, principal),
        *await _redemptions(session, principal),
        *await _letters_to_sign(session, principal),
    ]


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
    deciders = await access.decided_for(session, principal)  # and the leaders on leave they act for (LEV-7)
    waiting: list[tuple[Nomination, Award, Principal]] = []
    for nomination, award in pending:
        for decider in deciders:
            if decider is not principal and principal.employee_id in (nomination.nominee_id, nomination.nominated_by):
                continue  # a deputy does not decide their own nomination
            if await access.waits_on(
                session, decider, level=award.approver_level, employee_id=nomination.nominee_id,
                team_id=nomination.team_id,
            ):  # fmt: skip
                waiting.append((nomination, award, decider))
                break
    names = await names_of(
        session, [p for n, _, d in waiting for p in (n.nominee_id, n.nominated_by, d.employee_id)], org_employee
    )

    def acting_for(decider: Principal) -> str:
        if decider is principal:
            return ""
        return f" (for {names.get(decider.employee_id, 'your team leader')}, on leave: you act for them, LEV-7)"

    return [
        _task(
            kind="nomination.approve",
            object_id=nomination.id,
            link=f"/v1/nominations/{nomination.id}",
            title=(
                f"Approve or reject the nomination of "
                f"{names.get(nomination.nominee_id, 'a colleague') if nomination.nominee_id else 'a team'} "
                f"for {award.name}{acting_for(decider)}"
            ),
            requested_by=requester(nomination.nominated_by, names),
            since=nomination.created_at,
        )
        for nomination, award, decider in waiting
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


async def _letters_to_sign(session: AsyncSession, principal: Principal) -> list[Task]:
    """Letters of praise that name the caller as signer and wait for them (REC-11)."""
    rows = (
        await session.execute(
            select(Letter.id, Letter.requested_by, Letter.requested_at, Grant.recipient_id, Award.name)
            .join(Grant, Grant.id == Letter.grant_id)
            .join(Award, Award.id == Grant.award_id)
            .where(Letter.signer_id == principal.employee_id, Letter.status == LetterStatus.awaiting_signature)
        )
    ).all()
    names = await names_of(session, [p for row in rows for p in (row.requested_by, row.recipient_id)], org_employee)
    return [
        _task(
            kind="letter.sign",
            object_id=row.id,
            link=f"/v1/letters/{row.id}",
            title=(
                f"Sign or decline the letter of praise for "
                f"{names.get(row.recipient_id, 'a colleague') if row.recipient_id else 'a team'} ({row.name})"
            ),
            requested_by=requester(row.requested_by, names),
            since=row.requested_at,
        )
        for row in rows
    ]
