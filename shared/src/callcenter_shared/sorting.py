"""The `sort` parameter of a list: a field name, `-` in front for descending.

Each list names the fields it sorts by (a `Literal` of both directions, so the OpenAPI
document enumerates them) and maps them to columns; `order_by` turns the choice into
ORDER BY terms, with the id last so that pages stay stable between calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement


def order_by(sort: str | None, columns: Mapping[str, Any], default: str, tiebreak: Any) -> list[ColumnElement[Any]]:
    """ORDER BY terms for `sort` (`starts_at` ascending, `-starts_at` descending), `default` when absent."""
    chosen = sort or default
    column = columns[chosen.removeprefix("-")]
    return [column.desc() if chosen.startswith("-") else column.asc(), tiebreak]


def sort_description(default: str) -> str:
    """The OpenAPI description of a `sort` parameter."""
    return f"A field to order by, ascending; `-` in front for descending. Default `{default}`."
