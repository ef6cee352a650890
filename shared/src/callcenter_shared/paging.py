"""One page of a list query and the total it comes from, for every `Page` a list endpoint returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.web import Page

Entity = TypeVar("Entity")


async def count_rows(session: AsyncSession, query: Select[Any]) -> int:
    """How many rows `query` returns (its ORDER BY dropped: it does not change a count)."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0)


async def paginate(
    session: AsyncSession, query: Select[Entity], *, limit: int, offset: int
) -> tuple[Sequence[Entity], int]:
    """`(rows, total)`: one page of the single entity `query` selects, and how many the whole query has.

    Order `query` before paging it: without an ORDER BY a page is not stable from one call to the next.
    """
    total = await count_rows(session, query)
    rows = (await session.scalars(query.limit(limit).offset(offset))).all()
    return rows, total


async def paginate_rows(
    session: AsyncSession, query: Select[Any], *, limit: int, offset: int
) -> tuple[Sequence[Row[Any]], int]:
    """`(rows, total)` for a query of several columns (a GROUP BY report): rows as named tuples."""
    total = await count_rows(session, query)
    rows = (await session.execute(query.limit(limit).offset(offset))).all()
    return rows, total


def page_of_list(items: Sequence[Entity], *, limit: int, offset: int) -> Page[Entity]:
    """A page cut from a list already in memory (a calendar merged from two sources, a computed report)."""
    return Page(items=list(items[offset : offset + limit]), limit=limit, offset=offset, total=len(items))
