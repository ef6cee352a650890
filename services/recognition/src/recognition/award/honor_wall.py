"""The honor wall (REC-2, REC-10): a page of grants with their award, names and total in one statement.

Every request reads the same shape of page, so the statement for each combination of filters is
built once and run with parameters; rows become response items directly, with no ORM objects.
"""

from __future__ import annotations

import functools
import typing
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, Table, and_, bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import org_employee
from recognition.access import Subject, private_subjects
from recognition.award.models import Award, Grant

award_grant = typing.cast(Table, Grant.__table__)
award = typing.cast(Table, Award.__table__)


def _name_of(person_id: Any) -> Any:
    """A person's name from the org copy, looked up by primary key for each row of the page (null if unknown)."""
    return select(org_employee.c.name).where(org_employee.c.id == person_id).scalar_subquery()


@functools.cache
def _queries(by_team: bool, by_award: bool, since: bool, until: bool) -> tuple[Select[Any], Select[Any]]:
    """For one combination of filters (bound as parameters): the page with the filtered total on each row
    (`:limit`, `:offset`), and the total alone."""
    conditions = []
    if by_team:
        conditions.append(award_grant.c.team_id == bindparam("team_id", type_=award_grant.c.team_id.type))
    if by_award:
        conditions.append(award_grant.c.award_id == bindparam("award_id", type_=award_grant.c.award_id.type))
    if since:
        conditions.append(award_grant.c.granted_at >= bindparam("since", type_=award_grant.c.granted_at.type))
    if until:
        conditions.append(award_grant.c.granted_at < bindparam("until", type_=award_grant.c.granted_at.type))
    where = and_(true(), *conditions)
    total = select(func.count()).select_from(award_grant).where(where)
    page = (
        select(award_grant)
        .where(where)
        .order_by(award_grant.c.granted_at.desc(), award_grant.c.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    return (
        select(
            page.c.id,
            page.c.award_id,
            award.c.name.label("award_name"),
            award.c.material,
            page.c.recipient_id,
            _name_of(page.c.recipient_id).label("recipient_name"),
            page.c.team_id,
            page.c.reason,
            page.c.criteria,
            page.c.evidence,
            page.c.amount,
            page.c.source,
            page.c.period_start,
            page.c.period_end,
            page.c.granted_by,
            _name_of(page.c.granted_by).label("granted_by_name"),
            page.c.granted_at,
            total.scalar_subquery().label("total"),
        )
        .join(award, award.c.id == page.c.award_id)
        .order_by(page.c.granted_at.desc(), page.c.id)
    ), total


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _subject(row: Any) -> Subject:
    """Whose private data a grant's amount is: its recipient, else its team."""
    return (row.recipient_id, row.team_id if not row.recipient_id else None)


async def page(
    session: AsyncSession,
    principal: Principal,
    *,
    team_id: uuid.UUID | None,
    award_id: uuid.UUID | None,
    from_date: date | None,
    to_date: date | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """Every grant, newest first, by period (grant date), team and award: visible to everyone (REC-2); material
    amounts only for the recipient and their chain. Items are `GrantRead` fields in order, and the total."""
    query, total_query = _queries(team_id is not None, award_id is not None, from_date is not None, to_date is not None)
    parameters: dict[str, Any] = {"limit": limit, "offset": offset}
    if team_id is not None:
        parameters["team_id"] = team_id
    if award_id is not None:
        parameters["award_id"] = award_id
    if from_date is not None:
        parameters["since"] = _start_of(from_date)
    if to_date is not None:
        parameters["until"] = _start_of(to_date + timedelta(days=1))
    rows = (await session.execute(query, parameters)).all()
    if not rows:
        # Past the last page (or nothing at all): no row carries the total.
        return [], 0 if offset == 0 else int(await session.scalar(total_query, parameters) or 0)
    # Amounts are private (the recipient and their chain): judged for the whole page at once.
    seen = await private_subjects(session, principal, [_subject(row) for row in rows if row.amount is not None])
    items = []
    for row in rows:
        visible = row.amount is None or _subject(row) in seen
        items.append(
            {
                "id": row.id,
                "award_id": row.award_id,
                "award_name": row.award_name,
                "material": row.material,
                "recipient_id": row.recipient_id,
                "recipient_name": row.recipient_name,
                "team_id": row.team_id,
                "reason": row.reason,
                "criteria": row.criteria,
                "evidence": row.evidence,
                "amount": row.amount if visible else None,
                "amount_hidden": not visible,
                "source": row.source,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "granted_by": row.granted_by,
                "granted_by_name": row.granted_by_name,
                "granted_at": row.granted_at,
            }
        )
    return items, int(rows[0].total)
