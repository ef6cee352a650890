"""Scorecards and their versions (QA-1), scoring only performance-related dimensions (QA-2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.db import get_or_404, lock_rows
from callcenter_shared.errors import Conflict, InvalidInput, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.paging import paginate
from performance import access
from performance.qa.models import Scorecard, ScorecardItem, ScorecardSection, ScorecardStatus
from performance.qa.schemas import ScorecardCreate, ScorecardUpdate, SectionIn

DIMENSIONS = ("service_skills", "efficiency", "expression", "learning", "operation")


class DimensionNotScorable(RuleViolation):
    rule = "QA-2"


class PublishedScorecardImmutable(RuleViolation):
    rule = "QA-1"


def _check_dimensions(sections: Sequence[SectionIn]) -> None:
    codes: set[str] = set()
    for section in sections:
        for item in section.items:
            if item.dimension not in DIMENSIONS:
                raise DimensionNotScorable(
                    t(
                        "Item '{code}' evaluates '{dimension}', which is not performance-related. Items may only "
                        "evaluate: {dimensions}.",
                        code=item.code,
                        dimension=item.dimension,
                        dimensions=", ".join(DIMENSIONS),
                    ),
                    item=item.code,
                )
            if item.code in codes:
                raise InvalidInput(t("Item code '{code}' is used twice on the scorecard.", code=item.code))
            codes.add(item.code)


def _build_sections(sections: Sequence[SectionIn]) -> list[ScorecardSection]:
    return [
        ScorecardSection(
            id=uuid.uuid4(),
            position=s_pos,
            title=section.title,
            weight=section.weight,
            items=[
                ScorecardItem(
                    id=uuid.uuid4(),
                    position=i_pos,
                    code=item.code,
                    text=item.text,
                    dimension=item.dimension,
                    points=item.points,
                    critical=item.critical,
                    allow_na=item.allow_na,
                )
                for i_pos, item in enumerate(section.items)
            ],
        )
        for s_pos, section in enumerate(sections)
    ]


async def create_scorecard(
    session: AsyncSession, *, principal: Principal, data: ScorecardCreate, now: datetime
) -> Scorecard:
    """Create version 1 of a scorecard as a draft."""
    access.require_evaluator(principal)
    _check_dimensions(data.sections)
    scorecard = Scorecard(
        id=uuid.uuid4(),
        family_id=uuid.uuid4(),
        version=1,
        name=data.name,
        status=ScorecardStatus.draft,
        created_by=principal.employee_id,
        created_at=now,
        sections=_build_sections(data.sections),
    )
    session.add(scorecard)
    await session.flush()
    return scorecard


async def get_scorecard(session: AsyncSession, scorecard_id: uuid.UUID, *, lock: bool = False) -> Scorecard:
    """The scorecard; with `lock`, locked until commit so a status check holds until the change is written."""
    return await get_or_404(
        session,
        Scorecard,
        scorecard_id,
        missing=t("Scorecard {scorecard_id} does not exist.", scorecard_id=scorecard_id),
        lock=lock,
    )


async def scorecards_by_id(session: AsyncSession, scorecard_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Scorecard]:
    """The scorecards with these ids, sections and items loaded, in three statements however many there are.

    A page of evaluations reads its scorecards here once: the session's identity map holds an object
    only while something refers to it, so fetching each evaluation's scorecard by id would query it
    again (three statements) for every evaluation.
    """
    wanted = set(scorecard_ids)
    if not wanted:
        return {}
    return {card.id: card for card in (await session.scalars(select(Scorecard).where(Scorecard.id.in_(wanted)))).all()}


async def list_scorecards(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[Scorecard], int]:
    query = select(Scorecard).order_by(Scorecard.name, Scorecard.version)
    return await paginate(session, query, limit=limit, offset=offset)


async def update_scorecard(
    session: AsyncSession, *, principal: Principal, scorecard_id: uuid.UUID, data: ScorecardUpdate
) -> Scorecard:
    """Change a draft; a published version never changes (QA-1)."""
    access.require_evaluator(principal)
    scorecard = await get_scorecard(session, scorecard_id, lock=True)
    if scorecard.status != ScorecardStatus.draft:
        raise PublishedScorecardImmutable(
            t(
                "Version {version} of '{name}' is published and cannot change; create a new version instead.",
                version=scorecard.version,
                name=scorecard.name,
            )
        )
    if data.name is not None:
        scorecard.name = data.name
    if data.sections is not None:
        _check_dimensions(data.sections)
        scorecard.sections = _build_sections(data.sections)
    await session.flush()
    return scorecard


async def publish_scorecard(
    session: AsyncSession, *, principal: Principal, scorecard_id: uuid.UUID, now: datetime
) -> Scorecard:
    access.require_evaluator(principal)
    scorecard = await get_scorecard(session, scorecard_id, lock=True)
    if scorecard.status != ScorecardStatus.draft:
        raise Conflict(
            t("Version {version} of '{name}' is already published.", version=scorecard.version, name=scorecard.name)
        )
    scorecard.status = ScorecardStatus.published
    scorecard.published_at = now
    return scorecard


async def new_version(
    session: AsyncSession, *, principal: Principal, scorecard_id: uuid.UUID, now: datetime
) -> Scorecard:
    """Copy the newest version of a scorecard into a new draft version (QA-1)."""
    access.require_evaluator(principal)
    source = await get_scorecard(session, scorecard_id)
    # The whole family, so that two new versions at once cannot both find no draft.
    await lock_rows(session, Scorecard.family_id, [source.family_id])
    newest = await session.scalar(select(func.max(Scorecard.version)).where(Scorecard.family_id == source.family_id))
    if await session.scalar(
        select(func.count()).where(Scorecard.family_id == source.family_id, Scorecard.status == ScorecardStatus.draft)
    ):
        raise Conflict(t("'{name}' already has a draft version; edit that one.", name=source.name))
    copy = [
        SectionIn.model_validate(
            {
                "title": s.title,
                "weight": s.weight,
                "items": [
                    {
                        "code": i.code,
                        "text": i.text,
                        "dimension": i.dimension,
                        "points": i.points,
                        "critical": i.critical,
                        "allow_na": i.allow_na,
                    }
                    for i in s.items
                ],
            }
        )
        for s in source.sections
    ]
    scorecard = Scorecard(
        id=uuid.uuid4(),
        family_id=source.family_id,
        version=int(newest or 0) + 1,
        name=source.name,
        status=ScorecardStatus.draft,
        created_by=principal.employee_id,
        created_at=now,
        sections=_build_sections(copy),
    )
    session.add(scorecard)
    await session.flush()
    return scorecard


async def published(session: AsyncSession, scorecard_id: uuid.UUID) -> Scorecard:
    """The scorecard version, if it is published: only published versions are evaluated against."""
    scorecard = await get_scorecard(session, scorecard_id)
    if scorecard.status != ScorecardStatus.published:
        raise InvalidInput(
            t(
                "Scorecard version {version} is a draft; evaluate against a published version.",
                version=scorecard.version,
            )
        )
    return scorecard
