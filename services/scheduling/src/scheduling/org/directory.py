"""Reading the org directory as a page: one Core statement, rows straight into the response.

The directory list is the service's hottest read. Its statement selects exactly the columns of
`EmployeeRead`, the superior's name through a join (no second lookup for names), and the total
through a window count; the caller's visibility is a set of ids (`access.team_directory_clause`),
so the cost follows the page and the people the caller sees, not the size of the directory. No
ORM objects are built: the page's rows are validated into `EmployeeRead` in one call.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, Table, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from scheduling import access
from scheduling.org.models import Employee
from scheduling.org.schemas import EmployeeRead, EmployeeSort

_DIRECTORY = cast(Table, Employee.__table__)
_SUPERIOR = _DIRECTORY.alias("superior")
# The entry's own columns, as `EmployeeRead` names them (`superior_name` comes from the join).
_ENTRY = [column for column in _DIRECTORY.c if column.name in EmployeeRead.model_fields]
_ENTRIES = TypeAdapter(list[EmployeeRead])
_SHOWN = false().label("private_fields_hidden")  # every field of `EmployeeRead` is a column of the row


def _matching(text: str) -> ColumnElement[bool]:
    """A name containing `text` or an agent number starting with it, ignoring case; `%` and `_` match
    themselves (autoescape). Chinese names have no case: `小明` finds `王小明` on SQLite and PostgreSQL."""
    employee = _DIRECTORY.c
    return employee.name.icontains(text, autoescape=True) | employee.agent_number.istartswith(text, autoescape=True)


async def list_employees(
    session: AsyncSession,
    *,
    principal: Principal,
    search: str | None = None,
    team_id: uuid.UUID | None = None,
    level: int | None = None,
    active: bool | None = None,
    sort: EmployeeSort | None = None,
    limit: int,
    offset: int,
) -> tuple[list[EmployeeRead], int]:
    """The directory entries the caller may read, filtered, with their superior's name; teammates'
    without private fields for an agent."""
    employee = _DIRECTORY.c
    conditions: list[ColumnElement[bool]] = []
    visible = access.team_directory_clause(principal, employee.id)
    if visible is not None:
        conditions.append(visible)
    if search is not None and search.strip():
        conditions.append(_matching(search.strip()))
    if team_id is not None:
        conditions.append(employee.team_id == team_id)
    if level is not None:
        conditions.append(employee.level == level)
    if active is not None:
        conditions.append(employee.active.is_(active))
    order: tuple[ColumnElement[Any], ...] = (employee.level.desc(), employee.name)
    if sort == "name":
        order = (employee.name,)
    elif sort == "agent_number":
        # People without a number last, on SQLite and PostgreSQL alike.
        order = (employee.agent_number.is_(None), employee.agent_number, employee.name)
    # One statement: the page, the superior's name and, by a window count, the total it comes from.
    query = (
        select(*_ENTRY, _SUPERIOR.c.name.label("superior_name"), _SHOWN, func.count().over().label("total"))
        .select_from(_DIRECTORY.outerjoin(_SUPERIOR, _SUPERIOR.c.id == employee.superior_id))
        .where(*conditions)
    )
    result = await session.execute(query.order_by(*order, employee.id).limit(limit).offset(offset))
    keys, page = list(result.keys()), result.all()
    if page:
        total = int(page[0].total)
    else:
        counted = select(func.count()).select_from(_DIRECTORY).where(*conditions)
        total = int(await session.scalar(counted) or 0)
    # The whole page in one call, from plain dicts (reading a row's attributes one by one costs twice as much).
    views = _ENTRIES.validate_python([dict(zip(keys, row, strict=True)) for row in page])
    return [v if access.sees_private_fields(principal, v.id) else v.without_private_fields() for v in views], total
