"""Rotations: a team's repeating pattern of shifts generates its roster for a date range in one step, marks
holidays (ROS-3), and can be re-run without duplicating a shift (ROS-6).

Each generated shift carries its rotation and its key (the day and the pattern's slot), unique per rotation, so a
re-run finds what it made before; the rotation's row is locked first, so two runs at once apply one after the
other and the second finds the first's shifts. Every shift goes through `POST /v1/shifts`'s checks and every
assignment through `POST /v1/shifts/{id}/assignments`'s (ROS-1..5); a preview does the same work in a savepoint
that it rolls back, so what it shows is exactly what a run would do then, and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, DomainError, InvalidInput, NotFound, RuleViolation
from callcenter_shared.i18n import ENGLISH, localized, t
from callcenter_shared.paging import paginate
from scheduling import access
from scheduling.holiday import service as holidays
from scheduling.org.models import Employee, Team
from scheduling.roster import service as roster
from scheduling.roster import skills
from scheduling.roster.models import Assignment, Shift
from scheduling.roster.schemas import ShiftCreate
from scheduling.rotation.models import Rotation
from scheduling.rotation.schemas import (
    GeneratedShift,
    Passed,
    Placed,
    RotationCreate,
    RotationGenerate,
    RotationRun,
    RotationSlotRead,
    RotationSort,
)
from scheduling.settings import Settings
from scheduling.swap import service as swaps
from scheduling.zone import local


class NothingInThePast(RuleViolation):
    """A rotation generates no shift before today: a shift never starts in the past (ROS-4)."""

    rule = "ROS-4"


def slots(rotation: Rotation) -> list[RotationSlotRead]:
    return [RotationSlotRead.model_validate(slot) for slot in json.loads(rotation.pattern)]


def cycle_day(rotation: Rotation, day: date) -> int:
    """The day of the rotation's cycle `day` is: 1 = Monday of a weekly one, 1 = the anchor date of an n-day one."""
    if rotation.cycle == "weekly" or rotation.anchor_date is None:
        return day.isoweekday()
    return (day - rotation.anchor_date).days % rotation.cycle_days + 1


async def create(
    session: AsyncSession, *, principal: Principal, team_id: uuid.UUID, data: RotationCreate, now: datetime
) -> Rotation:
    """A new rotation of the team (its leader, or level 3 and above); its name is unique in the team."""
    access.require_team_manager(principal, team_id)
    await get_or_404(session, Team, team_id, missing=t("Team {team_id} does not exist.", team_id=team_id))
    await skills.require_known(
        session, {code for slot in data.shifts for code in slot.required_skills}, path="body.shifts"
    )
    taken = await session.scalar(select(Rotation.id).where(Rotation.team_id == team_id, Rotation.name == data.name))
    if taken is not None:
        raise Conflict(t("The team already has a rotation named {name}.", name=data.name))
    rotation = Rotation(
        id=uuid.uuid4(),
        team_id=team_id,
        name=data.name,
        cycle=data.cycle,
        cycle_days=7 if data.cycle == "weekly" else data.cycle_days,
        anchor_date=data.anchor_date,
        on_holidays=data.on_holidays,
        pattern=json.dumps(
            [
                {**slot.model_dump(mode="json"), "required_skills": sorted(set(slot.required_skills))}
                for slot in data.shifts
            ]
        ),
        created_by=principal.employee_id,
        created_at=now,
    )
    session.add(rotation)
    await session.flush()
    return rotation


async def get(session: AsyncSession, team_id: uuid.UUID, rotation_id: uuid.UUID, *, lock: bool = False) -> Rotation:
    missing = t("Rotation {rotation_id} of team {team_id} does not exist.", rotation_id=rotation_id, team_id=team_id)
    rotation = await get_or_404(session, Rotation, rotation_id, missing=missing, lock=lock)
    if rotation.team_id != team_id:
        raise NotFound(missing)
    return rotation


async def list_rotations(
    session: AsyncSession, *, team_id: uuid.UUID, sort: RotationSort | None, limit: int, offset: int
) -> tuple[Sequence[Rotation], int]:
    await get_or_404(session, Team, team_id, missing=t("Team {team_id} does not exist.", team_id=team_id))
    column = Rotation.created_at if (sort or "name").lstrip("-") == "created_at" else Rotation.name
    order = column.desc() if (sort or "").startswith("-") else column
    query = select(Rotation).where(Rotation.team_id == team_id).order_by(order, Rotation.id)
    return await paginate(session, query, limit=limit, offset=offset)


# Generating the roster (ROS-6)


@dataclass
class _Planned:
    """One shift of the pattern on one day, and what became of it."""

    key: str
    slot: int
    data: ShiftCreate
    starts_at: datetime
    ends_at: datetime
    holiday: str | None
    headcount: int
    status: str = "created"
    skipped_reason: str | None = None
    shift_id: uuid.UUID | None = None
    open_places: int = 0
    assigned: list[Placed] = field(default_factory=list)
    passed_over: list[Passed] = field(default_factory=list)


def _check_range(data: RotationGenerate, settings: Settings, now: datetime) -> None:
    days = (data.last_day - data.first_day).days + 1
    if days > settings.rotation_max_days:
        raise InvalidInput(
            t(
                "A rotation generates at most {max_days} days at once; {first_day}..{last_day} is {days} days. "
                "Generate it in parts.",
                max_days=settings.rotation_max_days,
                first_day=data.first_day.isoformat(),
                last_day=data.last_day.isoformat(),
                days=days,
            ),
            errors=[{"path": "body.last_day", "message": "range too long", "type": "value_error"}],
        )
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    if data.first_day < today:
        raise NothingInThePast(
            t(
                "A rotation generates no shifts in the past: {first_day} is before today ({today}).",
                first_day=data.first_day.isoformat(),
                today=today.isoformat(),
            )
        )


async def _members(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Employee]:
    """The people to assign in turn, in the order given (each once); unknown ids are refused."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {e.id: e for e in (await session.scalars(select(Employee).where(Employee.id.in_(wanted)))).all()}
    unknown = [str(i) for i in wanted if i not in found]
    if unknown:
        raise InvalidInput(
            t("These people are not in the directory: {ids}.", ids=", ".join(unknown)),
            errors=[{"path": "body.assign", "message": "unknown employee", "type": "unknown_reference"}],
        )
    return [found[i] for i in wanted]


async def _plan(
    session: AsyncSession, rotation: Rotation, data: RotationGenerate, settings: Settings, now: datetime
) -> list[_Planned]:
    """Every shift of the pattern in the range, earliest first, marked as new, existing or skipped."""
    zone = ZoneInfo(settings.timezone)
    calendar = await holidays.calendar(session, settings, start=data.first_day, end=data.last_day + timedelta(days=1))
    holiday_names = {holiday.day: holiday.name_in(ENGLISH) for holiday in calendar}
    made_before = await session.scalars(
        select(Shift).where(
            Shift.rotation_id == rotation.id,
            Shift.rotation_key >= data.first_day.isoformat(),
            Shift.rotation_key < (data.last_day + timedelta(days=1)).isoformat(),
        )
    )
    existing = {shift.rotation_key: shift for shift in made_before}
    pattern = slots(rotation)
    planned: list[_Planned] = []
    day = data.first_day
    while day <= data.last_day:
        for index, slot in enumerate(pattern, start=1):
            if slot.day != cycle_day(rotation, day):
                continue
            shift_data = ShiftCreate.model_validate(
                {
                    "team_id": rotation.team_id,
                    "name": slot.name,
                    "day": day,
                    "start_time": slot.start_time,
                    "end_time": slot.end_time,
                    "required_headcount": slot.required_headcount,
                    "required_skills": slot.required_skills,
                    "call_taking": slot.call_taking,
                    "full_day": slot.full_day,
                }
            )
            starts_at, ends_at = roster.shift_times(shift_data, settings)
            # As a swap or leave counts it (ROS-3): a holiday on any day the shift touches.
            touched = {starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date()}
            names = sorted({holiday_names[d] for d in touched if d in holiday_names})
            item = _Planned(
                key=f"{day.isoformat()}/{index}",
                slot=index,
                data=shift_data,
                starts_at=starts_at,
                ends_at=ends_at,
                holiday=", ".join(names) or None,
                headcount=slot.required_headcount,
            )
            found = existing.get(item.key)
            if found is not None:
                item.status, item.shift_id = "existing", found.id
                item.starts_at, item.ends_at, item.headcount = found.starts_at, found.ends_at, found.required_headcount
            elif item.holiday and rotation.on_holidays == "skip":
                item.status, item.skipped_reason = "skipped", "holiday"
            elif starts_at < now:
                item.status, item.skipped_reason = "skipped", "in_the_past"
            planned.append(item)
        day += timedelta(days=1)
    planned.sort(key=lambda p: (p.starts_at, p.slot))
    return planned


async def _staffed(session: AsyncSession, shift_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not shift_ids:
        return {}
    rows = await session.execute(
        select(Assignment.shift_id, func.count())
        .where(Assignment.shift_id.in_(shift_ids), Assignment.active.is_(True))
        .group_by(Assignment.shift_id)
    )
    return {shift_id: int(count) for shift_id, count in rows.all()}


async def _write(
    session: AsyncSession,
    *,
    principal: Principal,
    rotation: Rotation,
    planned: list[_Planned],
    members: list[Employee],
    settings: Settings,
    now: datetime,
    language: str,
) -> None:
    """Create the new shifts and put the members on them in turn (round robin): whoever takes a place goes to the
    back of the queue; a member a rule refuses is passed over for that shift, reported with the rule and the reason,
    and keeps their place at the front for the next one."""
    queue = list(members)
    for item in planned:
        if item.status != "created":
            continue
        shift = await roster.create_shift(
            session, principal=principal, data=item.data, settings=settings, now=now, rotation=(rotation.id, item.key)
        )
        item.shift_id = shift.id
        tried: set[uuid.UUID] = set()
        places = shift.required_headcount
        while places > 0:
            taker = None
            for person in queue:
                if person.id in tried:
                    continue
                tried.add(person.id)
                try:
                    await roster.assign(
                        session,
                        principal=principal,
                        shift_id=shift.id,
                        employee_id=person.id,
                        settings=settings,
                        now=now,
                    )
                except DomainError as refusal:
                    rule = getattr(refusal, "rule_id", None)
                    reason = localized(refusal.detail, language)
                    item.passed_over.append(Passed(employee_id=person.id, rule=rule, reason=reason))
                    continue
                taker = person
                break
            if taker is None:
                break
            item.assigned.append(Placed(employee_id=taker.id))
            queue.remove(taker)
            queue.append(taker)
            places -= 1
        item.open_places = places


async def generate(
    session: AsyncSession,
    *,
    principal: Principal,
    team_id: uuid.UUID,
    rotation_id: uuid.UUID,
    data: RotationGenerate,
    settings: Settings,
    now: datetime,
    language: str,
) -> RotationRun:
    """Generate the rotation's shifts for the range (ROS-6), or with `preview` only say what that would do."""
    # Two runs of the same rotation apply one after the other: the second finds the first's shifts.
    rotation = await get(session, team_id, rotation_id, lock=True)
    access.require_team_manager(principal, rotation.team_id)
    _check_range(data, settings, now)
    members = await _members(session, data.assign)
    # Everyone to be assigned, locked at once in id order (as swaps lock people), not one by one as the round
    # robin reaches them, which could deadlock with a swap approval locking two of them.
    await swaps.lock_people(session, [m.id for m in members])
    planned = await _plan(session, rotation, data, settings, now)
    staffed = await _staffed(session, [p.shift_id for p in planned if p.status == "existing" and p.shift_id])
    for item in planned:
        if item.status == "existing" and item.shift_id is not None:
            item.open_places = max(item.headcount - staffed.get(item.shift_id, 0), 0)

    async def write() -> None:
        await _write(
            session,
            principal=principal,
            rotation=rotation,
            planned=planned,
            members=members,
            settings=settings,
            now=now,
            language=language,
        )

    if not data.preview:
        await write()
    else:
        savepoint = await session.begin_nested()
        try:
            await write()
        finally:
            await savepoint.rollback()
        for item in planned:
            if item.status == "created":
                item.shift_id = None
    return _run(rotation, data, planned, settings)


def _run(rotation: Rotation, data: RotationGenerate, planned: list[_Planned], settings: Settings) -> RotationRun:
    shifts = [
        GeneratedShift(
            status=item.status,
            skipped_reason=item.skipped_reason,
            shift_id=item.shift_id,
            day=item.data.day,
            slot=item.slot,
            name=item.data.name,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            starts_at_local=local(item.starts_at, settings.timezone),
            ends_at_local=local(item.ends_at, settings.timezone),
            required_headcount=item.headcount,
            required_skills=sorted(item.data.required_skills),
            holiday=item.holiday,
            assigned=item.assigned,
            passed_over=item.passed_over,
            open_places=item.open_places,
        )
        for item in planned
    ]
    return RotationRun(
        rotation_id=rotation.id,
        team_id=rotation.team_id,
        first_day=data.first_day,
        last_day=data.last_day,
        preview=data.preview,
        created=sum(1 for s in shifts if s.status == "created"),
        existing=sum(1 for s in shifts if s.status == "existing"),
        skipped=sum(1 for s in shifts if s.status == "skipped"),
        assigned=sum(len(s.assigned) for s in shifts),
        open_places=sum(s.open_places for s in shifts),
        shifts=shifts,
    )
