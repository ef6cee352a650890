"""Reading cases back: the case list, a case's history, stints and instructions, and center-wide reports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, bindparam, func, or_, select, union
from sqlalchemy import case as sql_case
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.paging import paginate, paginate_rows
from callcenter_shared.sorting import order_by
from escalation.access import contact_shown_ids, held_by_clause, read, require_reports_reader, visible_ids
from escalation.case.models import Case, CaseHistory, CaseInstruction, CaseStatus, CaseStint
from escalation.case.schemas import CaseRead
from escalation.case.views import CASE_READ_COLUMNS, CASE_TABLE, case_reads

BREACH_ACTIONS = ("escalated_on_timeout", "overdue", "reply_breached", "emergency_report_missing")


async def list_cases(
    session: AsyncSession,
    *,
    principal: Principal,
    now: datetime,
    mine: bool,
    status: str | None,
    level: int | None,
    category: str | None,
    overdue: bool,
    handler_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    opened_from: datetime | None = None,
    opened_before: datetime | None = None,
    sort: str | None = None,
    limit: int,
    offset: int,
) -> tuple[Sequence[Case], int]:
    """The cases the caller may see, newest first, with filters."""
    me = principal.employee_id
    held = select(CaseStint.case_id).where(CaseStint.handler_id == me)
    query = select(Case)
    conditions: list[ColumnElement[bool]] = []
    if mine:
        conditions.append(or_(Case.owner_id == me, Case.handler_id == me))
    else:
        visible = await visible_ids(session, principal)
        if visible is not None:
            conditions.append(
                or_(
                    Case.owner_id.in_(visible),
                    Case.handler_id.in_(visible),
                    Case.department_handler_id == me,
                    Case.id.in_(held),
                )
            )
    if status is not None:
        conditions.append(Case.status == status)
    if level is not None:
        conditions.append(Case.level == level)
    if category is not None:
        conditions.append(Case.category_code == category)
    if overdue:
        conditions.append(
            and_(
                Case.status == CaseStatus.open,
                or_(Case.overdue_at.is_not(None), and_(Case.paused_at.is_(None), Case.level_due_at <= now)),
            )
        )
    if handler_id is not None:
        conditions.append(Case.handler_id == handler_id)
    if owner_id is not None:
        conditions.append(Case.owner_id == owner_id)
    if opened_from is not None:
        conditions.append(Case.opened_at >= opened_from)
    if opened_before is not None:
        conditions.append(Case.opened_at < opened_before)
    if conditions:
        query = query.where(*conditions)
    order = order_by(sort, {"opened_at": Case.opened_at, "level_due_at": Case.level_due_at}, "-opened_at", Case.number)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


def _my_cases_statements(*, by_status: bool) -> tuple[Any, Any]:
    """The page of the caller's cases (owned or handled) with what `CaseRead` needs, and their count.

    Built once: each side (owned, handled) reads only its newest `reach` cases from its own index in
    opening order, so a page costs the same however many cases the caller has; the count runs on the
    indexes alone. `held` says whether the caller has held the case (for the customer contact).
    """
    case = CASE_TABLE.c
    me = bindparam("me", type_=case.owner_id.type)
    status = [case.status == bindparam("status", type_=String())] if by_status else []

    def newest(column: Any) -> Any:
        query = select(case.id, case.opened_at, case.number).where(column == me, *status)
        newest_first = query.order_by(case.opened_at.desc(), case.number)
        return select(newest_first.limit(bindparam("reach", type_=Integer())).subquery())

    mine = union(newest(case.owner_id), newest(case.handler_id)).subquery("mine")
    page = (
        select(mine.c.id)
        .order_by(mine.c.opened_at.desc(), mine.c.number)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))
        .subquery("page")
    )
    owned = select(func.count()).select_from(CASE_TABLE).where(case.owner_id == me, *status)
    handled = select(func.count()).select_from(CASE_TABLE).where(case.handler_id == me, case.owner_id != me, *status)
    total = owned.scalar_subquery() + handled.scalar_subquery()
    held = held_by_clause(case.id, me)
    listed = (
        select(*CASE_READ_COLUMNS, held.label("held"), total.label("total"))
        .select_from(page.join(CASE_TABLE, case.id == page.c.id))
        .order_by(case.opened_at.desc(), case.number)
    )
    return listed, select(total.label("total"))


_MY_CASES = {by_status: _my_cases_statements(by_status=by_status) for by_status in (False, True)}


async def my_cases(
    session: AsyncSession, *, principal: Principal, status: str | None, limit: int, offset: int
) -> tuple[list[CaseRead], int]:
    """The cases the caller owns or currently handles, newest first, in one statement.

    The customer contact shows on the cases whose chain the caller is in: owned by them or by someone
    below them, or held by them at some level.
    """
    listed, counted = _MY_CASES[status is not None]
    params = {"me": principal.employee_id, "status": status, "reach": limit + offset, "limit": limit, "offset": offset}
    rows = (await session.execute(listed, params)).mappings().all()
    if not rows:
        return [], int(await session.scalar(counted, params) or 0)
    shown = await contact_shown_ids(session, principal, ((row["id"], row["owner_id"], row["held"]) for row in rows))
    return case_reads(rows, shown), int(rows[0]["total"])


async def history(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[CaseHistory], int]:
    """Every change to the case in order; readable by anyone in its chain (ESC-5)."""
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseHistory).where(CaseHistory.case_id == case.id)
    return await paginate(session, query.order_by(CaseHistory.seq), limit=limit, offset=offset)


async def stints(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[CaseStint], int]:
    """Who held the case at which level, and for how long."""
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseStint).where(CaseStint.case_id == case.id).order_by(CaseStint.id)
    return await paginate(session, query, limit=limit, offset=offset)


async def instructions(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[CaseInstruction], int]:
    case = await read(session, principal=principal, case_id=case_id)
    query = select(CaseInstruction).where(CaseInstruction.case_id == case.id)
    return await paginate(session, query.order_by(CaseInstruction.given_at), limit=limit, offset=offset)


async def time_per_level(
    session: AsyncSession, *, principal: Principal, category: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """How long cases stayed at each level before they were resolved or moved on.

    Level time is the time the clock ran; paused time (ESC-13) is counted apart.
    """
    require_reports_reader(principal)
    running = CaseStint.seconds - CaseStint.paused_seconds
    query = select(
        CaseStint.level,
        func.count().label("stints"),
        func.sum(sql_case((CaseStint.outcome == "resolved", 1), else_=0)).label("resolved_here"),
        func.avg(running).label("average"),
        func.max(running).label("longest"),
        func.sum(sql_case((CaseStint.paused_seconds > 0, 1), else_=0)).label("paused_stints"),
        func.sum(CaseStint.paused_seconds).label("paused"),
    ).where(CaseStint.seconds.is_not(None))
    if category is not None:
        query = query.join(Case, Case.id == CaseStint.case_id).where(Case.category_code == category)
    grouped = query.group_by(CaseStint.level)
    rows, total = await paginate_rows(session, grouped.order_by(CaseStint.level), limit=limit, offset=offset)
    items = [
        {
            "level": row.level,
            "stints": int(row.stints),
            "resolved_here": int(row.resolved_here or 0),
            "average_minutes": round(float(row.average or 0) / 60, 2),
            "longest_minutes": round(float(row.longest or 0) / 60, 2),
            "paused_stints": int(row.paused_stints or 0),
            "paused_minutes": round(float(row.paused or 0) / 60, 2),
        }
        for row in rows
    ]
    return items, int(total or 0)


async def breach_counts(
    session: AsyncSession, *, principal: Principal, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Missed deadlines per category: level time-outs, overdue at the top, late replies, missing reports."""
    require_reports_reader(principal)

    def count(action: str) -> Any:
        return func.sum(sql_case((CaseHistory.action == action, 1), else_=0))

    grouped = (
        select(
            CaseHistory.category_code,
            count("escalated_on_timeout").label("level_timeouts"),
            count("overdue").label("overdue_at_top"),
            count("reply_breached").label("reply_breaches"),
            count("emergency_report_missing").label("missing_emergency_reports"),
            func.count().label("total"),
        )
        .where(CaseHistory.action.in_(BREACH_ACTIONS))
        .group_by(CaseHistory.category_code)
    )
    rows, total = await paginate_rows(session, grouped.order_by(CaseHistory.category_code), limit=limit, offset=offset)
    items = [
        {
            "category": row.category_code,
            "level_timeouts": int(row.level_timeouts or 0),
            "overdue_at_top": int(row.overdue_at_top or 0),
            "reply_breaches": int(row.reply_breaches or 0),
            "missing_emergency_reports": int(row.missing_emergency_reports or 0),
            "total": int(row.total),
        }
        for row in rows
    ]
    return items, int(total or 0)
