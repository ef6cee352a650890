"""The center-wide case reports as spreadsheets: time spent per level, and missed deadlines per category."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.spreadsheets import Sheet
from escalation.case import reports

PAGE = 500
TIME_PER_LEVEL = (
    "level",
    "stints",
    "resolved_here",
    "average_minutes",
    "longest_minutes",
    "paused_stints",
    "paused_minutes",
)
BREACHES = ("category", "level_timeouts", "overdue_at_top", "reply_breaches", "missing_emergency_reports", "total")


async def _every_page(fetch: Callable[[int], Awaitable[tuple[list[dict[str, Any]], int]]]) -> list[dict[str, Any]]:
    """All the report's rows, read through the report's own pages so the export matches the endpoint."""
    rows: list[dict[str, Any]] = []
    while True:
        page, total = await fetch(len(rows))
        rows += page
        if not page or len(rows) >= total:
            return rows


async def time_per_level_sheet(session: AsyncSession, *, principal: Principal, category: str | None) -> Sheet:
    """`GET /v1/cases/reports/time-per-level` as a sheet (level 3 and above)."""
    items = await _every_page(
        lambda offset: reports.time_per_level(
            session, principal=principal, category=category, limit=PAGE, offset=offset
        )
    )
    title = "case-time-per-level" + (f"-{category}" if category else "")
    return Sheet(title=title, header=TIME_PER_LEVEL, rows=[[item[c] for c in TIME_PER_LEVEL] for item in items])


async def breaches_sheet(session: AsyncSession, *, principal: Principal) -> Sheet:
    """`GET /v1/cases/reports/breaches` as a sheet (level 3 and above)."""
    items = await _every_page(
        lambda offset: reports.breach_counts(session, principal=principal, limit=PAGE, offset=offset)
    )
    return Sheet(title="case-breaches", header=BREACHES, rows=[[item[c] for c in BREACHES] for item in items])
