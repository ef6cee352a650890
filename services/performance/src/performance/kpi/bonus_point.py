"""Leaders' bonus points (PRF-5): given with a reason, summed per team and month."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level, is_agent
from callcenter_shared.org import get_person, org_employee
from performance import access
from performance.kpi.models import BonusPoint
from performance.kpi.period import month_bounds
from performance.kpi.schemas import BonusPointCreate, BonusPointRead, TeamBonusPoints
from performance.policy import Policy


class BonusReasonMissing(RuleViolation):
    rule = "PRF-5"


async def give_bonus_points(
    session: AsyncSession, *, principal: Principal, data: BonusPointCreate, now: datetime, policy: Policy
) -> BonusPoint:
    """A team leader scores a member for a month; the reason is mandatory (PRF-5)."""
    month, _ = month_bounds(data.month)
    agent = await get_person(session, data.agent_id)
    if agent.team_id is None or not is_agent(agent):
        raise InvalidInput(t("Bonus points go to agents who belong to a team."))
    if not access.gives_bonus_points_to(principal, agent):
        raise Forbidden(t("Only the agent's team leader gives monthly bonus points."))
    if len(data.reason.strip()) < policy.min_reason_length:
        raise BonusReasonMissing(
            t(
                "Every bonus score needs its reason, why it is high or low, so members see the difference "
                "(at least {min_reason_length} characters).",
                min_reason_length=policy.min_reason_length,
            )
        )
    existing = await session.scalar(
        select(BonusPoint.id).where(BonusPoint.agent_id == agent.id, BonusPoint.month == month)
    )
    if existing:
        raise Conflict(t("The agent already has bonus points for {month}.", month=data.month))
    point = BonusPoint(
        id=uuid.uuid4(),
        agent_id=agent.id,
        team_id=agent.team_id,
        month=month,
        points=data.points,
        reason=data.reason.strip(),
        given_by=principal.employee_id,
        given_at=now,
    )
    session.add(point)
    await session.flush()
    return point


async def team_bonus_points(
    session: AsyncSession, *, principal: Principal, team_id: uuid.UUID, month: str
) -> TeamBonusPoints:
    """A team's points for a month; flagged when every member got identical points (PRF-5)."""
    if not access.may_see_team_bonus_points(principal, team_id):
        raise Forbidden(t("Only the team's leader and managers above see a team's bonus points."))
    first, _ = month_bounds(month)
    members = set(
        (
            await session.scalars(
                select(org_employee.c.id).where(
                    org_employee.c.team_id == team_id,
                    org_employee.c.level == Level.AGENT,
                    org_employee.c.active.is_(True),
                )
            )
        ).all()
    )
    points = (
        await session.scalars(
            select(BonusPoint)
            .where(BonusPoint.team_id == team_id, BonusPoint.month == first)
            .order_by(BonusPoint.given_at)
        )
    ).all()
    scored = {p.agent_id for p in points}
    identical = len(members) > 1 and members <= scored and len({p.points for p in points}) == 1
    return TeamBonusPoints(
        team_id=team_id,
        month=first,
        members=len(members),
        scored=len(scored & members),
        points=[BonusPointRead.model_validate(p) for p in points],
        flagged=identical,
        rule="PRF-5" if identical else None,
        detail=(
            f"Every member got {points[0].points:g} points: identical scores for a whole team are egalitarianism; "
            "score each member by their own performance."
        )
        if identical
        else None,
    )
