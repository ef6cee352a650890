"""Employees imported from a spreadsheet with the checks of `POST /v1/employees` (ORG-1..ORG-3, a unique
login and agent number), all rows or none; each new employee is published through the outbox."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import spreadsheets
from callcenter_shared.auth import Caller
from callcenter_shared.i18n import t
from callcenter_shared.spreadsheets import SheetFormat, SheetRow, row_error
from scheduling import access
from scheduling.org import service
from scheduling.org.models import Employee, Team
from scheduling.org.schemas import EmployeeCreate
from scheduling.settings import Settings

EMPLOYEE_COLUMNS = (
    "id", "name", "level", "superior_id", "team_id", "agent_number", "certified", "probation_end_date",
    "birthday", "hire_date", "external_id",
)  # fmt: skip
# Friendlier references: the superior by login (`external_id`, in the directory or in the same file)
# and the team by name, instead of their ids.
REFERENCE_COLUMNS = ("superior_login", "team")
EMPLOYEE_REQUIRED = ("name", "level")
# The column a rule refusal points at; references given by login or name point at those columns.
RULE_COLUMNS = {"ORG-1": "superior_id", "ORG-2": "team_id", "ORG-3": "agent_number"}


async def _team_ids_by_name(session: AsyncSession, names: set[str]) -> dict[str, list[uuid.UUID]]:
    found: dict[str, list[uuid.UUID]] = {}
    if names:
        for team_id, name in await session.execute(select(Team.id, Team.name).where(Team.name.in_(names))):
            found.setdefault(name, []).append(team_id)
    return found


async def _ids_by_login(session: AsyncSession, logins: set[str]) -> dict[str, uuid.UUID]:
    if not logins:
        return {}
    rows = await session.execute(
        select(Employee.external_id, Employee.id).where(func.lower(Employee.external_id).in_(logins))
    )
    return {str(login).lower(): employee_id for login, employee_id in rows}


class _References:
    """Logins and team names of the whole file, resolved in two statements."""

    def __init__(self, in_file: dict[str, uuid.UUID], directory: dict[str, uuid.UUID], teams: dict[str, Any]):
        self.in_file, self.directory, self.teams = in_file, directory, teams

    def resolve(self, row: SheetRow, values: dict[str, Any]) -> list[dict[str, Any]]:
        """Put `superior_login` and `team` into `values` as ids; the row's errors if they name nobody."""
        errors: list[dict[str, Any]] = []
        login = row.values.get("superior_login")
        if login is not None:
            superior = self.in_file.get(login.lower()) or self.directory.get(login.lower())
            if "superior_id" in values:
                refusal = t("Give superior_id or superior_login, not both.")
                errors.append(row_error(row.number, "superior_login", refusal, kind="value_error"))
            elif superior is None:
                refusal = t("No employee has the login {login}, in the directory or in this file.", login=login)
                errors.append(row_error(row.number, "superior_login", refusal, kind="unknown_reference"))
            else:
                values["superior_id"] = str(superior)
        name = row.values.get("team")
        if name is not None:
            teams = self.teams.get(name, [])
            if "team_id" in values:
                errors.append(row_error(row.number, "team", t("Give team_id or team, not both."), kind="value_error"))
            elif len(teams) != 1:
                reason = (
                    t("No team is called {name}. Use team_id.", name=name)
                    if not teams
                    else t("{count} teams are called {name}. Use team_id.", count=len(teams), name=name)
                )
                errors.append(row_error(row.number, "team", reason, kind="unknown_reference"))
            else:
                values["team_id"] = str(teams[0])
        return errors


def _column(row: SheetRow, column: str) -> str:
    """The column the row used for a reference: superior_login for superior_id, team for team_id."""
    alias = {"superior_id": "superior_login", "team_id": "team"}.get(column)
    return alias if alias and alias in row.values and column not in row.values else column


async def import_employees(
    session: AsyncSession,
    *,
    principal: Caller,
    data: bytes,
    format_: SheetFormat | None,
    content_type: str | None,
    settings: Settings,
    now: datetime,
) -> list[Employee]:
    """Hire every row, or nobody: superiors may be rows of the same file (by id or login)."""
    access.require_directory_admin(principal)
    chosen = spreadsheets.import_format(format_, content_type)
    rows = await spreadsheets.parse(data, chosen, required=EMPLOYEE_REQUIRED, limits=settings.import_limits)
    # Each row's id up front, so that a row may name a superior further down the file by login.
    ids = {row.number: row.values.get("id") or str(uuid.uuid4()) for row in rows}
    in_file: dict[str, uuid.UUID] = {}
    for row in rows:
        login = row.values.get("external_id")
        if login is not None:
            with suppress(ValueError):  # a malformed id is refused below
                in_file.setdefault(login.lower(), uuid.UUID(ids[row.number]))
    wanted = {row.values["superior_login"].lower() for row in rows if "superior_login" in row.values}
    references = _References(
        in_file,
        await _ids_by_login(session, wanted - set(in_file)),
        await _team_ids_by_name(session, {row.values["team"] for row in rows if "team" in row.values}),
    )
    errors: list[dict[str, Any]] = []
    valid: list[tuple[SheetRow, EmployeeCreate]] = []
    for row in rows:
        formulas = spreadsheets.formula_errors(row)
        if formulas:
            errors += formulas
            continue
        values = spreadsheets.body(row, EMPLOYEE_COLUMNS, integers=("level",), booleans=("certified",))
        values["id"] = ids[row.number]
        unresolved = references.resolve(row, values)
        if unresolved:
            errors += unresolved
            continue
        try:
            valid.append((row, EmployeeCreate.model_validate(values)))
        except ValidationError as exc:
            errors += [{**error, "column": _column(row, error["column"] or "")} if error["column"] else error
                       for error in spreadsheets.validation_errors(row, exc)]  # fmt: skip
    created, refused = await service.add_in_order(session, [employee for _, employee in valid], now)
    for index, refusal in refused.items():
        row = valid[index][0]
        error = spreadsheets.refusal(row, refusal, RULE_COLUMNS.get(getattr(refusal, "rule_id", "")))
        errors.append({**error, "column": _column(row, error["column"]) if error["column"] else None})
    if errors:
        raise spreadsheets.refuse_rows(errors, len(rows))
    order = {uuid.UUID(ids[row.number]): position for position, (row, _) in enumerate(valid)}
    return sorted(created, key=lambda employee: order[employee.id])
