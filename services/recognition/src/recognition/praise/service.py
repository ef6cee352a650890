"""Peer praise (REC-5): allowance, ledger, rewards, reciprocity; leaders' daily praise coverage (REC-6)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import PraiseGivenV1, PraiseReminderV1
from callcenter_shared.db import dialect_insert, get_for_update
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.org import can_see, get_person, org_employee, org_team, team_members
from recognition.access import team_leader_id, team_leader_ids
from recognition.praise.models import (
    PointsBalance,
    PointsLedger,
    Praise,
    PraiseAllowance,
    ReciprocityFlag,
    Redemption,
    Reward,
)
from recognition.settings import Settings

ADMIN_LEVEL = 3


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
        raise PraiseRefused("You cannot praise yourself; praise is given to colleagues.")
    if value not in settings.company_values:
        raise PraiseRefused(
            f"A praise names one of the company values: {', '.join(settings.company_values)} (not {value!r})."
        )
    receiver = await get_person(session, receiver_id)
    if not receiver.active:
        raise InvalidInput(f"{receiver.name} has left the company.")
    month = month_of(now, settings)
    limit = settings.praise_monthly_allowance
    if points > limit:
        raise PraiseRefused(f"Your monthly allowance is {limit} points; {points} is more than that.")
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
            f"You have {left.remaining} of your {limit} praise points left for {month}; {points} is more than that. "
            "Unspent points do not carry over to next month."
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
    await _credit(session, employee_id=receiver.id, delta=points, kind="praise_received", ref_id=praise.id, now=now)
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


async def _credit(
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


async def require_visible(session: AsyncSession, principal: Principal, employee_id: uuid.UUID) -> None:
    if not await can_see(session, principal, employee_id):
        raise Forbidden("You may see only your own points (agents) or your team's (team leaders).")


async def ledger(
    session: AsyncSession, *, principal: Principal, employee_id: uuid.UUID, limit: int, offset: int
) -> tuple[int, Sequence[PointsLedger], int]:
    await require_visible(session, principal, employee_id)
    query = select(PointsLedger).where(PointsLedger.employee_id == employee_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(PointsLedger.at.desc(), PointsLedger.id).limit(limit).offset(offset))
    return await balance(session, employee_id), rows.all(), int(total or 0)


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
            ReciprocityFlag.employee_a == first, ReciprocityFlag.employee_b == second, ReciprocityFlag.status == "open"
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
        status="open",
        detected_at=now,
    )
    session.add(flag)
    await session.flush()
    return flag


def require_admin(principal: Principal) -> None:
    if principal.level < ADMIN_LEVEL:
        raise Forbidden("Only level 3 and above administer rewards and review flags.")


async def list_flags(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> Sequence[ReciprocityFlag]:
    require_admin(principal)
    query = select(ReciprocityFlag)
    if status is not None:
        query = query.where(ReciprocityFlag.status == status)
    query = query.order_by(ReciprocityFlag.detected_at.desc(), ReciprocityFlag.id).limit(limit).offset(offset)
    return (await session.scalars(query)).all()


async def review_flag(
    session: AsyncSession, *, principal: Principal, flag_id: uuid.UUID, outcome: str, now: datetime
) -> ReciprocityFlag:
    require_admin(principal)
    flag = await session.get(ReciprocityFlag, flag_id)
    if flag is None:
        raise NotFound(f"Flag {flag_id} does not exist.")
    if flag.status != "open":
        raise Conflict(f"The flag was already reviewed ({flag.status}).")
    flag.status = outcome
    flag.reviewed_by = principal.employee_id
    flag.reviewed_at = now
    await session.flush()
    return flag


# Leaderboard


async def leaderboard(
    session: AsyncSession, *, team_id: uuid.UUID | None, month: str, limit: int, offset: int
) -> list[tuple[uuid.UUID, str, int, int]]:
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
        .limit(limit)
        .offset(offset)
    )
    if team_id is not None:
        query = query.where(Praise.receiver_team_id == team_id)
    return [(row[0], row[1], int(row[2]), int(row[3])) for row in (await session.execute(query)).all()]


# Rewards and redemptions


async def add_reward(
    session: AsyncSession, *, principal: Principal, name: str, cost_points: int, stock: int, now: datetime
) -> Reward:
    require_admin(principal)
    reward = Reward(id=uuid.uuid4(), name=name, cost_points=cost_points, stock=stock, created_at=now)
    session.add(reward)
    await session.flush()
    return reward


async def restock(session: AsyncSession, *, principal: Principal, reward_id: uuid.UUID, add: int) -> Reward:
    require_admin(principal)
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
        raise NotFound(f"Reward {reward_id} does not exist.")
    return reward


async def list_rewards(session: AsyncSession, *, limit: int, offset: int) -> Sequence[Reward]:
    query = select(Reward).order_by(Reward.cost_points, Reward.name, Reward.id).limit(limit).offset(offset)
    return (await session.scalars(query)).all()


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
        raise Conflict(f"{reward.name} is out of stock.")
    paid = await session.execute(
        update(PointsBalance)
        .where(PointsBalance.employee_id == principal.employee_id, PointsBalance.balance >= reward.cost_points)
        .values(balance=PointsBalance.balance - reward.cost_points)
        .execution_options(synchronize_session=False)
    )
    if not paid.rowcount:  # type: ignore[attr-defined]
        have = await balance(session, principal.employee_id)
        raise Conflict(f"{reward.name} costs {reward.cost_points} points; you have earned {have}.")
    redemption = Redemption(
        id=uuid.uuid4(),
        employee_id=principal.employee_id,
        reward_id=reward.id,
        points=reward.cost_points,
        status="requested",
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
    require_admin(principal)
    # Locked: two rejections at once would each refund the points and put the item back.
    redemption = await get_for_update(
        session, Redemption, redemption_id, missing=f"Redemption {redemption_id} does not exist."
    )
    allowed = {"approve": {"requested"}, "reject": {"requested", "approved"}, "fulfil": {"approved"}}[action]
    if redemption.status not in allowed:
        past = {"approve": "approved", "reject": "rejected", "fulfil": "fulfilled"}[action]
        raise Conflict(f"A redemption that is {redemption.status} cannot be {past}.")
    if action == "approve":
        redemption.status = "approved"
        redemption.decided_by, redemption.decided_at = principal.employee_id, now
    elif action == "fulfil":
        redemption.status = "fulfilled"
        redemption.fulfilled_at = now
    else:
        redemption.status = "rejected"
        redemption.decided_by, redemption.decided_at = principal.employee_id, now
        await _credit(
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


async def list_redemptions(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> Sequence[Redemption]:
    query = select(Redemption)
    if principal.level < ADMIN_LEVEL:
        query = query.where(Redemption.employee_id == principal.employee_id)
    if status is not None:
        query = query.where(Redemption.status == status)
    query = query.order_by(Redemption.requested_at.desc(), Redemption.id).limit(limit).offset(offset)
    return (await session.scalars(query)).all()


# Leaders' daily praise (REC-6)


@dataclass(frozen=True)
class Coverage:
    employee_id: uuid.UUID
    name: str
    last_praised_at: datetime | None
    due: bool


async def coverage(
    session: AsyncSession, *, principal: Principal, team_id: uuid.UUID, days: int, now: datetime
) -> tuple[uuid.UUID | None, list[Coverage], bool]:
    """Each member's last praise from the team leader; `due` when none in the last `days` days.

    Also says whether the leader has praised anyone today (the daily reminder).
    """
    leader_id = await team_leader_id(session, team_id)
    if principal.employee_id != leader_id and principal.level < 3:
        raise Forbidden("The praise coverage of a team is for its leader and the levels above.")
    members = [m for m in await team_members(session, team_id) if m.id != leader_id]
    last: dict[uuid.UUID, datetime] = {}
    praised_today = False
    if leader_id is not None:
        last = await _last_praised_by(session, leader_id, [m.id for m in members])
        praised_today = await _has_praised_since(session, leader_id, now - timedelta(hours=24))
    since = now - timedelta(days=days)
    result = [Coverage(m.id, m.name, last.get(m.id), m.id not in last or last[m.id] < since) for m in members]
    result.sort(key=lambda c: (not c.due, c.last_praised_at or datetime.min.replace(tzinfo=UTC), c.name))
    return leader_id, result, praised_today


async def _last_praised_by(
    session: AsyncSession, leader_id: uuid.UUID, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When the leader last praised each of `member_ids` (absent: never)."""
    rows = await session.execute(
        select(Praise.receiver_id, func.max(Praise.given_at))
        .where(Praise.giver_id == leader_id, Praise.receiver_id.in_(member_ids))
        .group_by(Praise.receiver_id)
    )
    return {row[0]: row[1] for row in rows.all()}


async def _has_praised_since(session: AsyncSession, leader_id: uuid.UUID, since: datetime) -> bool:
    found = await session.scalar(
        select(Praise.id).where(and_(Praise.giver_id == leader_id, Praise.given_at >= since)).limit(1)
    )
    return found is not None


DAILY_REMINDER = "praise.daily_reminder"


def daily_reminder(settings: Settings) -> deadlines.Daily:
    """The REC-6 reminder's time of day, in the center's time zone."""
    return deadlines.Daily(DAILY_REMINDER, settings.praise_reminder_time, settings.timezone)


def reminder_handler(settings: Settings) -> deadlines.DeadlineHandler:
    async def remind(session: AsyncSession, _due: deadlines.Due, now: datetime) -> None:
        await remind_leaders(session, settings=settings, now=now)

    return remind


async def remind_leaders(session: AsyncSession, *, settings: Settings, now: datetime) -> int:
    """Remind each active team's leader who has praised nobody since the local day began (REC-6).

    The reminder names the members the leader has not praised within the coverage window,
    longest waiting first. Returns how many leaders were reminded.
    """
    local = now.astimezone(ZoneInfo(settings.timezone))
    day_start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    window_start = now - timedelta(days=settings.praise_coverage_days)
    teams = (await session.scalars(select(org_team.c.id).where(org_team.c.active.is_(True)))).all()
    leaders = await team_leader_ids(session, teams)
    praised_today = set(
        (
            await session.scalars(
                select(Praise.giver_id).where(Praise.giver_id.in_(leaders.values()), Praise.given_at >= day_start)
            )
        ).all()
    )
    to_remind = {team_id: leader_id for team_id, leader_id in leaders.items() if leader_id not in praised_today}
    members = await session.execute(
        select(org_employee.c.id, org_employee.c.name, org_employee.c.team_id)
        .where(org_employee.c.team_id.in_(to_remind), org_employee.c.active.is_(True))
        .order_by(org_employee.c.name)
    )
    last_praise = {
        (row.giver_id, row.receiver_id): row.at
        for row in await session.execute(
            select(Praise.giver_id, Praise.receiver_id, func.max(Praise.given_at).label("at"))
            .where(Praise.giver_id.in_(to_remind.values()))
            .group_by(Praise.giver_id, Praise.receiver_id)
        )
    }
    waiting: dict[uuid.UUID, list[tuple[datetime, uuid.UUID]]] = {team_id: [] for team_id in to_remind}
    never = datetime.min.replace(tzinfo=UTC)
    for member in members:  # by name, so equal waits keep the name order
        leader_id = to_remind[member.team_id]
        last = last_praise.get((leader_id, member.id))
        if member.id != leader_id and (last is None or last < window_start):
            waiting[member.team_id].append((last or never, member.id))
    reminders = [
        PraiseReminderV1(
            leader_id=leader_id, team_id=team_id, day=local.date(),
            members_due=[member_id for _, member_id in sorted(waiting[team_id], key=lambda item: item[0])],
            reminded_at=now,
        )
        for team_id, leader_id in sorted(to_remind.items())
    ]  # fmt: skip
    await outbox.add_many(session, reminders, at=now)
    return len(reminders)
