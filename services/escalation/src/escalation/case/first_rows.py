"""The rows a new case starts with: its number, the case, its first stint and its first history line.

Built once. On PostgreSQL they are written by one statement (the counter's upsert, the case, the stint
and the line as data-modifying CTEs, in that order), which answers with the number and the stint's id;
on SQLite, which has no such CTEs, by one statement each. Either way the same rows are written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Integer, String, Table, bindparam, func, insert, select, true
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.case.models import Case, CaseHistory, CaseNumberCounter, CaseStint

_CASE = cast(Table, Case.__table__)
_COUNTER = cast(Table, CaseNumberCounter.__table__)
_STINT = cast(Table, CaseStint.__table__)
_HISTORY = cast(Table, CaseHistory.__table__)

# The values each row is written with (the case's id is the stint's and the line's `case_id`).
CASE_COLUMNS = tuple(column.name for column in _CASE.c if column.name != "number")
STINT_COLUMNS = ("level", "handler_id", "acting_for_id", "started_at", "paused_seconds")
LINE_COLUMNS = ("at", "actor_id", "actor_level", "case_level", "action", "detail", "category_code")


def _bump(insert_fn: Callable[[Table], Any]) -> Any:
    statement = insert_fn(_COUNTER).values(year=bindparam("year", type_=Integer()), last=1)
    statement = statement.on_conflict_do_update(index_elements=["year"], set_={"last": _COUNTER.c.last + 1})
    return statement.returning(_COUNTER.c.last)


def _params(table: Table, columns: tuple[str, ...], prefix: str) -> list[Any]:
    return [bindparam(f"{prefix}{name}", type_=table.c[name].type).label(name) for name in columns]


def _all_in_one() -> Any:
    """PostgreSQL: number, case, stint and history line in one statement; answers `(number, stint_id)`."""
    bump = _bump(postgresql.insert).cte("bump")
    digits = sql_cast(bump.c.last, String())
    # `ESC-2026-000123`, as `f"{last:06d}"` writes it: at least six digits, never cut.
    number = bindparam("number_prefix", type_=String()) + func.lpad(digits, func.greatest(6, func.length(digits)), "0")
    values = select(*_params(_CASE, CASE_COLUMNS, "case_"), number.label("number")).select_from(bump)
    new_case = (insert(_CASE).from_select([*CASE_COLUMNS, "number"], values).returning(_CASE.c.id, _CASE.c.number)).cte(
        "new_case"
    )
    stint_values = select(new_case.c.id, *_params(_STINT, STINT_COLUMNS, "stint_")).select_from(new_case)
    stint = (insert(_STINT).from_select(["case_id", *STINT_COLUMNS], stint_values).returning(_STINT.c.id)).cte("stint")
    line_values = select(new_case.c.id, *_params(_HISTORY, LINE_COLUMNS, "line_")).select_from(new_case)
    line = insert(_HISTORY).from_select(["case_id", *LINE_COLUMNS], line_values).cte("first_line")
    # One row each: the case and its stint side by side.
    answer = select(new_case.c.number, stint.c.id.label("stint_id")).select_from(new_case.join(stint, true()))
    return answer.add_cte(line)


_ALL_IN_ONE = _all_in_one()
_BUMP = {"sqlite": _bump(sqlite.insert), "postgresql": _bump(postgresql.insert)}
_INSERT_CASE = insert(_CASE)
_INSERT_STINT = insert(_STINT).returning(_STINT.c.id)
_INSERT_LINE = insert(_HISTORY)


def _number(prefix: str, last: int) -> str:
    return f"{prefix}{last:06d}"


async def write(
    session: AsyncSession, *, year: int, case: dict[str, Any], stint: dict[str, Any], line: dict[str, Any]
) -> tuple[str, int]:
    """Write the new case (`case` without its number), its first stint and history line (without `case_id`).

    The case number is the year's next (`ESC-2026-000123`): one atomic upsert of the year's counter, so
    concurrent openings never share a number. Returns the number and the stint's id.
    """
    prefix = f"ESC-{year}-"
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        params = {"year": year, "number_prefix": prefix}
        params |= {f"case_{name}": case[name] for name in CASE_COLUMNS}
        params |= {f"stint_{name}": stint[name] for name in STINT_COLUMNS}
        params |= {f"line_{name}": line[name] for name in LINE_COLUMNS}
        number, stint_id = (await session.execute(_ALL_IN_ONE, params)).one()
        return str(number), int(stint_id)
    last = (await session.execute(_BUMP[dialect], {"year": year})).scalar_one()
    number = _number(prefix, last)
    await session.execute(_INSERT_CASE, {**case, "number": number})
    stint_id = (await session.execute(_INSERT_STINT, {**stint, "case_id": case["id"]})).scalar_one()
    await session.execute(_INSERT_LINE, {**line, "case_id": case["id"]})
    return number, int(stint_id)
