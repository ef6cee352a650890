"""KPI definitions (PRF-1): what each KPI measures and how, changed under a version check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.errors import Conflict, NotFound
from callcenter_shared.i18n import t
from callcenter_shared.paging import paginate
from performance import access
from performance.kpi.models import KpiDefinition
from performance.kpi.schemas import KpiCreate, KpiUpdate

FORMULA_FIELDS = (
    "code",
    "name",
    "description",
    "kind",
    "metric",
    "denominator_metric",
    "scale",
    "threshold",
    "threshold_op",
    "direction",
    "target",
    "new_hire_target",
    "weight",
)


async def list_definitions(
    session: AsyncSession, *, active_only: bool, limit: int | None = None, offset: int = 0
) -> Sequence[KpiDefinition]:
    """The definitions by code; all of them unless a page is asked for."""
    query = select(KpiDefinition).order_by(KpiDefinition.code).limit(limit).offset(offset)
    if active_only:
        query = query.where(KpiDefinition.active.is_(True))
    return (await session.scalars(query)).all()


async def page_of_definitions(
    session: AsyncSession, *, active_only: bool, limit: int, offset: int
) -> tuple[Sequence[KpiDefinition], int]:
    """One page of the definitions by code, and how many there are."""
    query = select(KpiDefinition).order_by(KpiDefinition.code)
    if active_only:
        query = query.where(KpiDefinition.active.is_(True))
    return await paginate(session, query, limit=limit, offset=offset)


async def create_definition(
    session: AsyncSession, *, principal: Principal, data: KpiCreate, now: datetime
) -> KpiDefinition:
    access.require_kpi_manager(principal)
    if await session.scalar(select(KpiDefinition.id).where(KpiDefinition.code == data.code)):
        raise Conflict(t("A KPI with code '{code}' exists already.", code=data.code))
    definition = KpiDefinition(id=uuid.uuid4(), active=True, version=1, updated_at=now, **data.model_dump())
    session.add(definition)
    await session.flush()
    return definition


async def update_definition(
    session: AsyncSession,
    *,
    principal: Principal,
    code: str,
    data: KpiUpdate,
    now: datetime,
    if_match: Precondition | None = None,
) -> KpiDefinition:
    """Change a definition; periods already opened keep the version their agents were told (PRF-1)."""
    access.require_kpi_manager(principal)
    # Locked, so concurrent changes apply one after another, each on the one before.
    definition = await session.scalar(
        select(KpiDefinition)
        .where(KpiDefinition.code == code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if definition is None:
        raise NotFound(t("KPI '{code}' does not exist.", code=code))
    check(if_match, definition.version, t("KPI {code}", code=code))
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(definition, key, value)
    definition.version += 1
    definition.updated_at = now
    await session.flush()
    return definition
