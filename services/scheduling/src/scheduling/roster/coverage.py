"""Where the roster falls short (ROS-1, ORG-3, ROS-5): the coverage report and the gaps leave leaves."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.db import get_or_404
from callcenter_shared.errors import InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.levels import is_agent
from scheduling.org.models import Employee, Team
from scheduling.roster import skills
from scheduling.roster.models import Assignment, Shift
from scheduling.roster.service import get_shift, staffed
from scheduling.settings import Settings

MAX_COVERAGE_DAYS = 31


def _lacking(shift: Shift, people: list[Employee], held: dict[uuid.UUID, set[str]]) -> set[str]:
    """The skills the shift requires that someone on it does not hold (ROS-5)."""
    needed = set(skills.required(shift))
    return {code for person in people for code in needed - held[person.id]}


async def coverage(
    session: AsyncSession, *, starts_at: datetime, ends_at: datetime, team_id: uuid.UUID | None, settings: Settings
) -> tuple[list[uuid.UUID], list[dict[str, object]]]:
    """Every hour of the range, per team, where nobody is rostered, staffing is below the head-count, no
    certified agent is on, or someone on a shift lacks a skill it requires (ROS-5: a skill revoked, or required
    by the shift, after they were rostered)."""
    if ends_at <= starts_at:
        raise InvalidInput(t("The range must end after it starts."))
    if ends_at - starts_at > timedelta(days=MAX_COVERAGE_DAYS):
        raise InvalidInput(
            t("A coverage view spans at most {MAX_COVERAGE_DAYS} days.", MAX_COVERAGE_DAYS=MAX_COVERAGE_DAYS)
        )
    if team_id is not None:
        await get_or_404(session, Team, team_id, missing=t("Team {team_id} does not exist.", team_id=team_id))
        team_ids = [team_id]
    else:
        team_ids = list((await session.scalars(select(Team.id).where(Team.active.is_(True)).order_by(Team.name))).all())
    shifts = (
        await session.scalars(
            select(Shift).where(Shift.team_id.in_(team_ids), Shift.ends_at > starts_at, Shift.starts_at < ends_at)
        )
    ).all()
    staff: dict[uuid.UUID, list[Employee]] = defaultdict(list)
    if shifts:
        rows = await session.execute(
            select(Assignment.shift_id, Employee)
            .join(Employee, Employee.id == Assignment.employee_id)
            .where(Assignment.shift_id.in_([s.id for s in shifts]), Assignment.active.is_(True))
        )
        for shift_id, person in rows.all():
            staff[shift_id].append(person)
    held = await skills.held_by(session, {p.id for people in staff.values() for p in people})
    lacking = {s.id: _lacking(s, staff[s.id], held) for s in shifts}
    by_team: dict[uuid.UUID, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_team[shift.team_id].append(shift)
    center = ZoneInfo(settings.timezone)
    hour = starts_at.replace(minute=0, second=0, microsecond=0)
    gaps: list[dict[str, object]] = []
    while hour < ends_at:
        hour_end = hour + timedelta(hours=1)
        for team in team_ids:
            covering = [s for s in by_team[team] if s.starts_at < hour_end and s.ends_at > hour]
            required = sum(s.required_headcount for s in covering)
            people = [p for s in covering for p in staff[s.id]]
            certified = sum(1 for p in people if is_agent(p) and p.certified)
            missing_skills = sorted({code for s in covering for code in lacking[s.id]})
            reasons = []
            if not covering:
                reasons.append("no_shift")
            else:
                if len(people) < required:
                    reasons.append("below_headcount")
                if certified == 0:
                    reasons.append("no_certified_agent")
                if missing_skills:
                    reasons.append("missing_skill")
            if reasons:
                gaps.append(
                    {
                        "team_id": team,
                        "hour_start": hour,
                        "hour_start_local": hour.astimezone(center),
                        "shift_ids": [s.id for s in covering],
                        "required": required,
                        "staffed": len(people),
                        "certified_agents": certified,
                        "missing_skills": missing_skills,
                        "reasons": reasons,
                    }
                )
        hour = hour_end
    return team_ids, gaps


async def shift_gaps(session: AsyncSession, shift_ids: Sequence[uuid.UUID]) -> list[dict[str, object]]:
    """For each given shift now below its head-count: how many are missing (reported after leave)."""
    found = []
    for shift_id in dict.fromkeys(shift_ids):
        shift = await get_shift(session, shift_id)
        count = await staffed(session, shift.id)
        if count < shift.required_headcount:
            found.append(
                {
                    "shift_id": shift.id,
                    "name": shift.name,
                    "starts_at": shift.starts_at,
                    "required": shift.required_headcount,
                    "staffed": count,
                    "missing": shift.required_headcount - count,
                }
            )
    return found
