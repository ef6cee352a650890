"""A KPI period's scorecards as a spreadsheet: one row an agent, a value and attainment column per KPI."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.org import people_by_id
from callcenter_shared.spreadsheets import Sheet
from performance.kpi import service
from performance.kpi.period import get_period
from performance.kpi.schemas import AgentScorecardRead
from performance.policy import Policy

LEADING = ("period", "agent_id", "agent", "team_id", "new_hire")
PAGE = 500
TRAILING = (
    "composite", "adjustments", "adjusted_composite", "rank_in_team", "rank_in_center", "bonus_percent",
)  # fmt: skip


async def scorecard_sheet(
    session: AsyncSession, *, principal: Principal, period_id: uuid.UUID, team_id: uuid.UUID | None, policy: Policy
) -> Sheet:
    """Every scorecard the caller may see in the period (as `GET /v1/periods/{id}/scorecards`), best first."""
    period = await get_period(session, period_id)
    cards: list[AgentScorecardRead] = []
    while True:  # the list's own pages, so the export shows exactly what the list does
        page, total = await service.list_scorecards(
            session, principal=principal, period_id=period_id, team_id=team_id,
            limit=PAGE, offset=len(cards), policy=policy,
        )  # fmt: skip
        cards += page
        if not page or len(cards) >= total:
            break
    codes = sorted({kpi.kpi_code for card in cards for kpi in card.kpis})
    names = await people_by_id(session, {card.agent_id for card in cards})
    label = f"{period.start_date.isoformat()}..{period.end_date.isoformat()}"
    header = [*LEADING, *(f"{code}_{part}" for code in codes for part in ("value", "attainment")), *TRAILING]
    sheet = Sheet(title=f"scorecards-{period.start_date.isoformat()}", header=header)
    for card in cards:
        person = names.get(card.agent_id)
        by_code = {kpi.kpi_code: kpi for kpi in card.kpis}
        kpis = [
            getattr(by_code[code], part) if code in by_code else None
            for code in codes
            for part in ("value", "attainment")
        ]
        sheet.rows.append(
            [
                label, card.agent_id, person.name if person else None, card.team_id, card.new_hire, *kpis,
                card.composite, round(card.adjusted_composite - card.composite, 4), card.adjusted_composite,
                card.rank_in_team, card.rank_in_center, card.bonus.bonus_percent,
            ]
        )  # fmt: skip
    return sheet
