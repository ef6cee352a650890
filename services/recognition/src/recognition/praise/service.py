"""Peer praise (REC-5): the giving allowance, points and their ledger, reciprocity flags, the leaderboard."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import PraiseGivenV1
from callcenter_shared.db import dialect_insert, get_or_404
from callcenter_shared.errors import Conflict, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person, org_employee
from callcenter_shared.paging import paginate, paginate_rows
from recognition import access
from recognition.praise.models import FlagStatus, PointsBalance, PointsLedger, Praise, PraiseAllowance, ReciprocityFlag
from recognition.settings import Settings


class PraiseRefused(RuleViolation):
    rule = "REC-5"


def month_of(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m")


@dataclass(frozen=True)
class Allowance:
    month: str
    allowance: int
    spent: int

    @property
    def remaining(self) -> int:
        return max(0, self.allowance - self.spent)


async def allowance(session: AsyncSession, *, employee_id: uuid.UUID, settings: Settings, now: datetime) -> Allowance:
    """This month's giving allowance; last month's unspent points are gone (no rollover)."""
    month = month_of(now, settings)
    spent = await session.scalar(
        select(PraiseAllowance.spent).where(PraiseAllowance.giver_id == employee_id, PraiseAllowance.month == month)
    )
    return Allowance(month, settings.praise_monthly_allowance, int(spent or 0))


async def give(
    session: AsyncSession,
    *,
    principal: Principal,
    receiver_id: uuid.UUID,
    points: int,
    message: str,
    value: str,
    settings: Settings,
    now: datetime,
) -> Praise:
    """Give a colleague praise points with a message naming a company value (REC-5)."""
    if receiver_id == principal.employee_id:
        raise PraiseRefused(t("You cannot praise yourself; praise is given to colleagues."))
    if value not in settings.company_values:
        raise PraiseRefused(
            t(
                "A praise names one of the company values: {company_values} (not {value!r}).",
                company_values=", ".join(settings.company_values),
                value=value,
            )
        )
    receiver = await get_person(session, receiver_id)
    if not receiver.active:
        raise InvalidInput(t("{name} has left the company.", name=receiver.name))
    month = month_of(now, settings)
    limit = settings.praise_monthly_allowance
    if points > limit:
        raise PraiseRefused(
            t("Your monthly allowance is {limit} points; {points} is more than that.", limit=limit, points=points)
        )
    # One conditional upsert: two praises at once can never spend more than the allowance.
    table = PraiseAllowance.__table__
    statement = dialect_insert(session)(table).values(giver_id=principal.employee_id, month=month, spent=points)
    statement = statement.on_conflict_do_update(
        index_elements=["giver_id", "month"],
        set_={"spent": table.c.spent + statement.excluded.spent},
        where=table.c.spent + statement.excluded.spent <= limit,
    )
    if not (await session.execute(statement)).rowcount:  # type: ignore[attr-defined]
        left = await allowance(session, employee_id=principal.employee_id, settings=settings, now=now)
        raise PraiseRefused(
            t(
                "You have {remaining} of your {limit} praise points left for {month}; {points} is more "
                "than that. Unspent points do not carry over to next month.",
                remaining=left.remaining,
                limit=limit,
                month=month,
                points=points,
            )
        )
    praise = Praise(
        id=uuid.uuid4(),
        giver_id=principal.employee_id,
        receiver_id=receiver.id,
        receiver_team_id=receiver.team_id,
        points=points,
        message=message,
        value=value,
        month=month,
        given_at=now,
    )
    session.add(praise)
    await credit(session, employee_id=receiver.id, delta=points, kind="praise_received", ref_id=praise.id, now=now)
    await session.flush()
    await outbox.add(
        session,
        PraiseGivenV1(
            praise_id=praise.id,
            giver_id=praise.giver_id,
            receiver_id=praise.receiver_id,
            points=points,
            value=value,
            given_at=now,
        ),
        at=now,
    )
    await detect_reciprocity(session, a=principal.employee_id, b=receiver.id, settings=settings, now=now)
    return praise


async def credit(
    session: AsyncSession, *, employee_id: uuid.UUID, delta: int, kind: str, ref_id: uuid.UUID, now: datetime
) -> None:
    table = PointsBalance.__table__
    statement = dialect_insert(session)(table).values(employee_id=employee_id, balance=delta)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["employee_id"], set_={"balance": table.c.balance + statement.excluded.balance}
        )
    )
    session.add(PointsLedger(id=uuid.uuid4(), employee_id=employee_id, delta=delta, kind=kind, ref_id=ref_id, at=now))


async def balance(session: AsyncSession, employee_id: uuid.UUID) -> int:
    value = await session.scalar(select(PointsBalance.balance).where(PointsBalance.employee_id == employee_id))
    return int(value or 0)


async def ledger(
    session: AsyncSession, *, principal: Principal, employee_id: uuid.UUID, limit: int, offset: int
) -> tuple[int, Sequence[PointsLedger], int]:
    await access.require_sees_points(session, principal, employee_id)
    query = select(PointsLedger).where(PointsLedger.employee_id == employee_id)
    query = query.order_by(PointsLedger.at.desc(), PointsLedger.id)
    rows, total = await paginate(session, query, limit=limit, offset=offset)
    return await balance(session, employee_id), rows, total


# Reciprocity (points-trading) detection


async def detect_reciprocity(
    session: AsyncSession, *, a: uuid.UUID, b: uuid.UUID, settings: Settings, now: datetime
) -> ReciprocityFlag | None:
    """Flag two people who mostly praise each other: each gave the other at least
    `reciprocity_min_praises` praises and `reciprocity_share` of their points in the window."""
    since = now - timedelta(days=settings.reciprocity_window_days)

    async def given(giver: uuid.UUID, receiver: uuid.UUID | None) -> tuple[int, int]:
        query = select(func.count(), func.coalesce(func.sum(Praise.points), 0)).where(
            Praise.giver_id == giver, Praise.given_at >= since
        )
        if receiver is not None:
            query = query.where(Praise.receiver_id == receiver)
        count, points = (await session.execute(query)).one()
        return int(count), int(points)

    a_to_b, a_all, b_to_a, b_all = await given(a, b), await given(a, None), await given(b, a), await given(b, None)
    if min(a_to_b[0], b_to_a[0]) < settings.reciprocity_min_praises:
        return None
    share_a = a_to_b[1] / a_all[1] if a_all[1] else 0.0
    share_b = b_to_a[1] / b_all[1] if b_all[1] else 0.0
    if min(share_a, share_b) < settings.reciprocity_share:
        return None
    first, second = sorted((a, b), key=str)
    open_flag = await session.scalar(
        select(ReciprocityFlag).where(
            ReciprocityFlag.employee_a == first,
            ReciprocityFlag.employee_b == second,
            ReciprocityFlag.status == FlagStatus.open,
        )
    )
    if open_flag is not None:
        open_flag.mutual_points = a_to_b[1] + b_to_a[1]
        return open_flag
    flag = ReciprocityFlag(
        id=uuid.uuid4(),
        employee_a=first,
        employee_b=second,
        mutual_points=a_to_b[1] + b_to_a[1],
        details=(
            f"In the last {settings.reciprocity_window_days} days each gave the other most of their praise: "
            f"{a_to_b[0]} praises / {a_to_b[1]} points ({share_a:.0%}) one way, "
            f"{b_to_a[0]} praises / {b_to_a[1]} points ({share_b:.0%}) the other."
        ),
        status=FlagStatus.open,
        detected_at=now,
    )
    session.add(flag)
    await session.flush()
    return flag


async def list_flags(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> tuple[Sequence[ReciprocityFlag], int]:
    access.require_rewards_admin(principal)
    query = select(ReciprocityFlag)
    if status is not None:
        query = query.where(ReciprocityFlag.status == status)
    query = query.order_by(ReciprocityFlag.detected_at.desc(), ReciprocityFlag.id)
    return await paginate(session, query, limit=limit, offset=offset)


async def review_flag(
    session: AsyncSession, *, principal: Principal, flag_id: uuid.UUID, outcome: str, now: datetime
) -> ReciprocityFlag:
    access.require_rewards_admin(principal)
    flag = await get_or_404(
        session, ReciprocityFlag, flag_id, missing=t("Flag {flag_id} does not exist.", flag_id=flag_id)
    )
    if flag.status != FlagStatus.open:
        raise Conflict(t("The flag was already reviewed ({status}).", status=flag.status))
    flag.status = outcome
    flag.reviewed_by = principal.employee_id
    flag.reviewed_at = now
    await session.flush()
    return flag


# Leaderboard


async def leaderboard(
    session: AsyncSession, *, team_id: uuid.UUID | None, month: str, limit: int, offset: int
) -> tuple[list[tuple[uuid.UUID, str, int, int]], int]:
    """Received points per person for a month, highest first: (employee, name, points, praises)."""
    query = (
        select(
            Praise.receiver_id,
            org_employee.c.name,
            func.sum(Praise.points).label("points"),
            func.count().label("praises"),
        )
        .join(org_employee, org_employee.c.id == Praise.receiver_id)
        .where(Praise.month == month)
        .group_by(Praise.receiver_id, org_employee.c.name)
        .order_by(func.sum(Praise.points).desc(), org_employee.c.name, Praise.receiver_id)
    )
    if team_id is not None:
        query = query.where(Praise.receiver_team_id == team_id)
    rows, total = await paginate_rows(session, query, limit=limit, offset=offset)
    return [(row.receiver_id, row.name, int(row.points), int(row.praises)) for row in rows], total
