"""A team leader's approved leave: the deputy named on it acts for them while it lasts (LEV-7).

Within scheduling the deputy acts exactly during the approved leave (`starts_at <= now < ends_at`),
asked of the leave itself: leave approvals, swap signatures and handover sign-offs that wait for the
leader. The other services learn it from `delegation.started` and `delegation.ended`, published by
deadline rows at the leave's start and end, so a delegation that begins in the future starts on
time; cancelling approved leave cancels them, and ends a delegation already published.

A delegate never decides their own request (a swap of theirs, their own leave), as the leader would
not be asked to either: that waits for the leader, or goes up the chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.scheduling import DelegationEndedV1, DelegationStartedV1
from callcenter_shared.errors import RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level
from scheduling.leave.models import Leave, LeaveStatus
from scheduling.org.models import Employee

STARTS = "leave.delegation_starts"
ENDS = "leave.delegation_ends"


class ActsOnOwnRequest(RuleViolation):
    rule = "LEV-7"


async def schedule(session: AsyncSession, leave: Leave, now: datetime) -> None:
    """Finally approved leave with a deputy: the delegation starts and ends with the leave (deadline rows)."""
    if leave.deputy_id is None:
        return
    await deadlines.schedule_many(
        session,
        [
            deadlines.NewDeadline(STARTS, leave.id, leave.starts_at),
            deadlines.NewDeadline(ENDS, leave.id, leave.ends_at),
        ],
        now=now,
    )


async def _leave_of(session: AsyncSession, due: deadlines.Due) -> Leave | None:
    return await session.get(Leave, uuid.UUID(due.ref_id), with_for_update=True, populate_existing=True)


async def on_starts(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """The leave begins: tell every service that the deputy acts for the leader from now on."""
    leave = await _leave_of(session, due)
    if leave is None or leave.status != LeaveStatus.approved or leave.deputy_id is None:
        return
    if leave.delegation_started_at is not None:
        return
    leave.delegation_started_at = now
    await outbox.add(
        session,
        DelegationStartedV1(
            leave_id=leave.id, leader_id=leave.employee_id, delegate_id=leave.deputy_id, team_id=leave.team_id,
            starts_at=leave.starts_at, ends_at=leave.ends_at, started_at=now,
        ),
        at=now,
    )  # fmt: skip


async def _end(
    session: AsyncSession, leave: Leave, reason: Literal["leave_over", "leave_cancelled"], now: datetime
) -> None:
    if leave.deputy_id is None or leave.delegation_started_at is None or leave.delegation_ended_at is not None:
        return
    leave.delegation_ended_at = now
    await outbox.add(
        session,
        DelegationEndedV1(
            leave_id=leave.id, leader_id=leave.employee_id, delegate_id=leave.deputy_id, reason=reason, ended_at=now
        ),
        at=now,
    )


async def on_ends(session: AsyncSession, due: deadlines.Due, now: datetime) -> None:
    """The leave is over: the leader decides again."""
    leave = await _leave_of(session, due)
    if leave is not None:
        await _end(session, leave, "leave_over", now)


async def on_cancelled(session: AsyncSession, leave: Leave, now: datetime) -> None:
    """Approved leave cancelled: no delegation starts, and one already under way ends."""
    await deadlines.cancel(session, ref_id=leave.id, now=now, kinds=(STARTS, ENDS))
    await _end(session, leave, "leave_cancelled", now)


# Who acts for whom now


def _acting(delegate_id: uuid.UUID, now: datetime) -> ColumnElement[bool]:
    return (
        (Leave.deputy_id == delegate_id)
        & (Leave.status == LeaveStatus.approved)
        & (Leave.starts_at <= now)
        & (Leave.ends_at > now)
    )


async def absent_leaders(session: AsyncSession, delegate_id: uuid.UUID, now: datetime) -> set[uuid.UUID]:
    """The leaders whose approved leave is under way now with `delegate_id` as their deputy."""
    return set((await session.scalars(select(Leave.employee_id).where(_acting(delegate_id, now)))).all())


async def acting_for(
    session: AsyncSession, principal: Principal, leader_ids: Iterable[uuid.UUID | None], now: datetime
) -> uuid.UUID | None:
    """The first of `leader_ids` the caller acts for now, or None."""
    absent = await absent_leaders(session, principal.employee_id, now)
    return next((leader for leader in leader_ids if leader is not None and leader in absent), None)


async def teams_acted_for(session: AsyncSession, principal: Principal, now: datetime) -> dict[uuid.UUID, uuid.UUID]:
    """The teams whose leader (their active L2, ORG-2) the caller acts for now: team id -> leader id."""
    rows = await session.execute(
        select(Employee.team_id, Employee.id)
        .join(Leave, Leave.employee_id == Employee.id)
        .where(
            _acting(principal.employee_id, now),
            Employee.level == Level.TEAM_LEADER,
            Employee.active.is_(True),
            Employee.team_id.is_not(None),
        )
    )
    return {row.team_id: row.id for row in rows}


async def acting_for_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID | None, now: datetime
) -> uuid.UUID | None:
    """The team's leader, when they are on leave now with the caller as their deputy; else None."""
    if team_id is None:
        return None
    return (await teams_acted_for(session, principal, now)).get(team_id)


def refuse_own(principal: Principal, *parties: uuid.UUID | None) -> None:
    """A delegate does not decide, for the leader, a request of their own (LEV-7)."""
    if principal.employee_id in parties:
        raise ActsOnOwnRequest(
            t(
                "You hold the team's affairs for its leader, but this request is your own: it waits for "
                "the leader or goes up the chain."
            )
        )
