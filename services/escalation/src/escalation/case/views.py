"""A case as its readers see it (`CaseRead`), straight from a row: the columns, the people's names, the contact.

List endpoints select these columns in one Core statement, with each person's name from a correlated
lookup in the org copy (what `with_names` would fill in afterwards), and validate the whole page into
`CaseRead` in one call: no ORM objects, no second statement for names.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any, cast

from pydantic import TypeAdapter
from sqlalchemy import Label, RowMapping, Table, select

from callcenter_shared.org import org_employee
from escalation.case.models import Case
from escalation.case.schemas import CaseRead

CASE_TABLE = cast(Table, Case.__table__)

# `CaseRead`'s fields that are plain columns of the case, under the field's name.
_RENAMED = {"category": "category_code", "allowances_minutes": "allowances"}
_DERIVED = {"paused_minutes"}  # from `paused_seconds`, rounded in Python as `CaseRead` always was
_COLUMNS: list[Label[Any]] = [
    CASE_TABLE.c[_RENAMED.get(field, field)].label(field)
    for field in CaseRead.model_fields
    if not field.endswith("_name") and field not in _DERIVED
]
# `<role>_name` for each person on the case, by the id column next to it.
_PEOPLE = {
    "named_agent_name": "named_agent_id",
    "owner_name": "owner_id",
    "handler_name": "handler_id",
    "acting_for_name": "acting_for_id",
    "department_handler_name": "department_handler_id",
    "resolved_by_name": "resolved_by",
    "attributed_agent_name": "attributed_agent_id",
}
_NAMES: list[Label[Any]] = [
    select(org_employee.c.name).where(org_employee.c.id == CASE_TABLE.c[column]).scalar_subquery().label(field)
    for field, column in _PEOPLE.items()
]
# Everything a `CaseRead` is made of, for the select list of a statement over `CASE_TABLE`.
CASE_READ_COLUMNS: list[Label[Any]] = [*_COLUMNS, *_NAMES, CASE_TABLE.c.paused_seconds.label("paused_seconds")]

_CASES = TypeAdapter(list[CaseRead])


def paused_minutes(paused_seconds: int | None) -> float:
    """Finished pauses in minutes, as the case shows them (ESC-13)."""
    return round((paused_seconds or 0) / 60, 2)


def case_reads(rows: Iterable[RowMapping], contact_shown: Set[Any]) -> list[CaseRead]:
    """`CaseRead`s from rows of `CASE_READ_COLUMNS`; the customer contact only on the cases in `contact_shown`."""
    items = []
    for row in rows:
        item = dict(row)
        item["paused_minutes"] = paused_minutes(item.pop("paused_seconds"))
        if item["id"] not in contact_shown:
            item["customer_contact"] = None
        items.append(item)
    return _CASES.validate_python(items)
