"""The roster as a spreadsheet: a week's (or a date range's) shifts and who works each, and shifts imported
from a spreadsheet with the checks of `POST /v1/shifts` (ROS-1), all rows or none."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import spreadsheets
from callcenter_shared.auth import Principal
from callcenter_shared.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.spreadsheets import Sheet, SheetFormat, row_error
from scheduling import access
from scheduling.org.models import Employee, Team
from scheduling.roster import coverage, service, skills
from scheduling.roster.models import Assignment, Shift
from scheduling.roster.schemas import ShiftCreate
from scheduling.settings import Settings
from scheduling.zone import local

ROSTER_HEADER = (
    "shift_id", "team_id", "team", "name", "day", "start_time", "end_time", "required_headcount",
    "required_skills", "duty_manager_id", "staffed", "employee_ids", "employees",
)  # fmt: skip
# What an import reads; the roster's other columns (shift_id, team, staffed, who works) are ignored,
# so an exported roster imports as new shifts.
SHIFT_COLUMNS = (
    "team_id", "name", "day", "start_time", "end_time", "starts_at", "ends_at", "required_headcount",
    "required_skills", "duty_manager_id",
)  # fmt: skip
SHIFT_REQUIRED = ("team_id", "name", "required_headcount")
_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def roster_days(week: str | None, first: date | None, last: date | None) -> tuple[date, date, str]:
    """The days of an ISO week (`2026-W45`) or of `from`..`to` (at most MAX_COVERAGE_DAYS), and a label."""
    if week is not None and first is None and last is None:
        match = _ISO_WEEK.fullmatch(week)
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None:
            raise InvalidInput(
                t("{week!r} is not an ISO week: write it as 2026-W45.", week=week),
                errors=[{"path": "query.week", "message": "not an ISO week", "type": "value_error"}],
            )
        return monday, monday + timedelta(days=6), week
    if week is None and first is not None and last is not None:
        if last < first or (last - first).days >= coverage.MAX_COVERAGE_DAYS:
            raise InvalidInput(
                t(
                    "Give `to` on or after `from`, at most {MAX_COVERAGE_DAYS} days in all.",
                    MAX_COVERAGE_DAYS=coverage.MAX_COVERAGE_DAYS,
                )
            )
        return first, last, f"{first.isoformat()}-{last.isoformat()}"
    raise InvalidInput(t("Give either `week` (2026-W45) or both `from` and `to` (dates)."))


async def roster_sheet(
    session: AsyncSession,
    *,
    principal: Principal,
    team_id: uuid.UUID | None,
    week: str | None,
    first: date | None,
    last: date | None,
    settings: Settings,
) -> Sheet:
    """Every shift starting on those days (center's calendar), with who works it.

    Shifts are public, as in `GET /v1/shifts`; the names on them are those the caller may see, as in
    `GET /v1/assignments` (agents themselves, team leaders their team, level 3 and above everyone).
    """
    first, last, label = roster_days(week, first, last)
    if team_id is not None and await session.get(Team, team_id) is None:
        raise NotFound(t("Team {team_id} does not exist.", team_id=team_id))
    zone = ZoneInfo(settings.timezone)
    starts = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    ends = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    query = (
        select(Shift, Team.name)
        .join(Team, Team.id == Shift.team_id)
        .where(Shift.starts_at >= starts, Shift.starts_at < ends)
        .order_by(Shift.starts_at, Team.name, Shift.name, Shift.id)
    )
    if team_id is not None:
        query = query.where(Shift.team_id == team_id)
    shifts = (await session.execute(query)).all()
    ids = [row.Shift.id for row in shifts]
    counts = await session.execute(
        select(Assignment.shift_id, func.count())
        .where(Assignment.shift_id.in_(ids), Assignment.active.is_(True))
        .group_by(Assignment.shift_id)
    )
    staffed = {shift_id: int(count) for shift_id, count in counts}
    people = (
        select(Assignment.shift_id, Employee.id, Employee.name)
        .join(Employee, Employee.id == Assignment.employee_id)
        .where(Assignment.shift_id.in_(ids), Assignment.active.is_(True))
        .order_by(Employee.name, Employee.id)
    )
    visible = access.visibility_clause(principal, Employee.id)
    if visible is not None:
        people = people.where(visible)
    working: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for shift_id, employee_id, name in await session.execute(people):
        working[shift_id].append((employee_id, name))
    sheet = Sheet(title=f"roster-{label}", header=ROSTER_HEADER)
    for shift, team_name in shifts:
        starts_local, ends_local = local(shift.starts_at, settings.timezone), local(shift.ends_at, settings.timezone)
        staff = working.get(shift.id, [])
        sheet.rows.append(
            [
                shift.id, shift.team_id, team_name, shift.name, starts_local.date(),
                starts_local.strftime("%H:%M"), ends_local.strftime("%H:%M"), shift.required_headcount,
                "; ".join(skills.required(shift)), shift.duty_manager_id, staffed.get(shift.id, 0),
                "; ".join(str(i) for i, _ in staff), "; ".join(name for _, name in staff),
            ]
        )  # fmt: skip
    return sheet


async def import_shifts(
    session: AsyncSession,
    *,
    principal: Principal,
    data: bytes,
    format_: SheetFormat | None,
    content_type: str | None,
    settings: Settings,
    now: datetime,
) -> list[Shift]:
    """Add every row as a shift with the checks of `POST /v1/shifts`, or none of them.

    Team leaders import their own team's shifts, level 3 and above any team's; a row for another
    team makes the whole import a 403 naming those rows.
    """
    access.require_roster_editor(principal)
    chosen = spreadsheets.import_format(format_, content_type)
    rows = await spreadsheets.parse(data, chosen, required=SHIFT_REQUIRED, limits=settings.import_limits)
    errors: list[dict[str, Any]] = []
    valid: list[tuple[spreadsheets.SheetRow, ShiftCreate]] = []
    for row in rows:
        formulas = spreadsheets.formula_errors(row)
        if formulas:
            errors += formulas
            continue
        values = spreadsheets.body(row, SHIFT_COLUMNS, integers=("required_headcount",), lists=("required_skills",))
        try:
            valid.append((row, ShiftCreate.model_validate(values)))
        except ValidationError as exc:
            errors += spreadsheets.validation_errors(row, exc)
    foreign = [
        row_error(
            row.number,
            "team_id",
            t("You may not add shifts to team {team_id}.", team_id=shift.team_id),
            kind="forbidden",
        )
        for row, shift in valid
        if not access.manages_team(principal, shift.team_id)
    ]
    if foreign:
        raise Forbidden(
            t("Only the team's leader or level 3 and above may add shifts to a team; nothing was imported."),
            errors=foreign,
        )
    created: list[Shift] = []
    for row, shift in valid:
        try:
            # A refusal leaves the rest to be checked; the request then rolls back whatever was added.
            created.append(
                await service.create_shift(session, principal=principal, data=shift, settings=settings, now=now)
            )
        except (InvalidInput, RuleViolation) as exc:
            errors.append(spreadsheets.refusal(row, exc))
    if errors:
        raise spreadsheets.refuse_rows(errors, len(rows))
    return created
