"""Leaders' daily praise (REC-6): each team's coverage report and the daily reminder."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import deadlines, outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import PraiseReminderV1
from callcenter_shared.org import org_employee, org_team, team_members
from recognition import access
from recognition.access import team_leader_id, team_leader_ids
from recognition.praise.models import Praise
from recognition.settings import Settings


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
    access.require_coverage_reader(principal, leader_id)
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
