"""Use cases of case categories: the per-category escalation policy (ESC-2, ESC-8, ESC-9, ESC-12)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.db import dialect_insert, get_or_404
from callcenter_shared.errors import Conflict, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level
from callcenter_shared.paging import paginate
from escalation import access
from escalation.category.models import Category
from escalation.category.schemas import CategoryCreate, CategoryUpdate

HANDOVER_ITEM = "handover_item"

# Seeded into every database by a migration; an administrator may edit or deactivate them.
DEFAULT_CATEGORIES: tuple[dict[str, Any], ...] = (
    {"code": "inquiry", "name": "Inquiry that cannot be answered at once", "entry_level": 1,
     "level_minutes": [60, 120, 240, 480, 1440]},
    {"code": "online_message", "name": "Online message", "entry_level": 1,
     "level_minutes": [120, 240, 480, 960, 1440], "reply_limit_minutes": 480},
    {"code": "service_attitude", "name": "Complaint about an agent's service attitude", "entry_level": 1,
     "level_minutes": [60, 120, 240, 480, 1440], "attributable": True},
    {"code": "major_customer_problem", "name": "Major customer problem", "entry_level": 2,
     "level_minutes": [30, 60, 120, 240, 480], "must_report": True},
    {"code": "safety_threat", "name": "Threat to safety or to the company's interests", "entry_level": 3,
     "level_minutes": [15, 30, 60, 120, 240], "must_report": True},
    {"code": HANDOVER_ITEM, "name": "Handover item that may not be carried again", "entry_level": 2,
     "level_minutes": [120, 240, 480, 960, 1440]},
)  # fmt: skip


class MustReportBelowL2(RuleViolation):
    rule = "ESC-8"


def _check(entry_level: int, must_report: bool) -> None:
    if must_report and entry_level < Level.TEAM_LEADER:
        raise MustReportBelowL2(
            t("A must-report category starts at level 2 or above: a team leader or higher handles it first.")
        )


def default_rows(now: datetime) -> list[dict[str, Any]]:
    """The default categories as rows; each keeps one id wherever it is seeded."""
    return [
        {
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"callcenter:escalation:category:{d['code']}"),
            "reply_limit_minutes": 480,
            "warning_minutes": 15,
            "emergency_report_minutes": 60,
            "must_report": False,
            "attributable": False,
            "active": True,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **d,
        }
        for d in DEFAULT_CATEGORIES
    ]


async def ensure_defaults(session: AsyncSession, now: datetime) -> None:
    """Insert the default categories that are missing (never overwrites an edited one).

    A migration seeds them; a write that needs them puts back any that were deleted by hand.
    """
    table = cast(Table, Category.__table__)
    insert_fn = dialect_insert(session)
    await session.execute(insert_fn(table).values(default_rows(now)).on_conflict_do_nothing(index_elements=["code"]))


async def get(session: AsyncSession, category_id: uuid.UUID, *, lock: bool = False) -> Category:
    """The category; with `lock`, its row stays locked until commit, so changes to it apply one after another."""
    return await get_or_404(
        session,
        Category,
        category_id,
        missing=t("Category {category_id} does not exist.", category_id=category_id),
        lock=lock,
    )


async def by_code(session: AsyncSession, code: str, now: datetime) -> Category:
    """The category with this code; the defaults exist even on a fresh database."""
    category = await session.scalar(select(Category).where(Category.code == code))
    if category is None and any(d["code"] == code for d in DEFAULT_CATEGORIES):
        await ensure_defaults(session, now)
        category = await session.scalar(select(Category).where(Category.code == code))
    if category is None:
        raise InvalidInput(
            t("There is no category {code!r}.", code=code),
            errors=[{"path": "body.category", "message": t("unknown category"), "type": "unknown_reference"}],
        )
    return category


async def create(session: AsyncSession, *, principal: Principal, data: CategoryCreate, now: datetime) -> Category:
    """Add a category with its escalation policy."""
    access.require_category_admin(principal)
    _check(data.entry_level, data.must_report)
    await ensure_defaults(session, now)
    if await session.scalar(select(Category.id).where(Category.code == data.code)) is not None:
        raise Conflict(t("A category with code {code!r} already exists.", code=data.code))
    category = Category(id=uuid.uuid4(), **data.model_dump(), active=True, version=1, created_at=now, updated_at=now)
    session.add(category)
    await session.flush()
    return category


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    category_id: uuid.UUID,
    data: CategoryUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> Category:
    """Change a category's policy; cases already open keep the deadlines they were opened with."""
    access.require_category_admin(principal)
    category = await get(session, category_id, lock=True)
    check(if_match, category.version, t("Category {code}", code=category.code))
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise InvalidInput(t("{field} cannot be null.", field=field))
        setattr(category, field, value)
    _check(category.entry_level, category.must_report)
    category.version += 1
    category.updated_at = now
    await session.flush()
    return category


async def list_all(
    session: AsyncSession, *, active: bool | None, limit: int, offset: int
) -> tuple[Sequence[Category], int]:
    query = select(Category)
    if active is not None:
        query = query.where(Category.active.is_(active))
    return await paginate(session, query.order_by(Category.code), limit=limit, offset=offset)
