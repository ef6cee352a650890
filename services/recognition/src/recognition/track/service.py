"""Periodic award tracks (REC-3): every KPI, QA, and most improved per KPI, per team and center.

A period's results arrive as one `agent_period_scorecard.closed` per agent and one
`kpi_period.closed` summary, on separate consumers and in no guaranteed order. Each
handler first upserts the period's row, which takes its row lock: the two can never
both miss the moment when the summary and all `agent_count` results are present.
Whichever arrives last computes the awards, once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared.auth import Principal
from callcenter_shared.concurrency import Precondition, check
from callcenter_shared.contracts.performance import (
    AgentPeriodScorecardClosedV1,
    KpiPeriodClosedV1,
    QaEvaluationFinalizedV1,
)
from callcenter_shared.db import dialect_insert, get_for_update
from callcenter_shared.errors import InvalidInput
from callcenter_shared.i18n import t
from callcenter_shared.levels import Level
from callcenter_shared.org import org_employee, org_team
from callcenter_shared.paging import paginate, paginate_rows
from recognition import access
from recognition.award.models import Award, Grant
from recognition.award.service import get_award, record_grant
from recognition.track.models import AgentPeriodResult, QaResult, TrackPeriod, TrackRule

TRACKS = ("kpi_top", "kpi_most_improved", "qa_top")
HISTORY_DAYS = 400  # how far back to look for an agent's previous period


async def _touch_period(
    session: AsyncSession,
    *,
    period_id: uuid.UUID,
    start: date,
    end: date,
    agent_count: int | None = None,
    closed_at: datetime | None = None,
) -> None:
    """Create or update the period's row; on PostgreSQL this holds its row lock until commit."""
    table = TrackPeriod.__table__
    statement = dialect_insert(session)(table).values(
        period_id=period_id, period_start=start, period_end=end, agent_count=agent_count, closed_at=closed_at, touches=1
    )
    statement = statement.on_conflict_do_update(
        index_elements=["period_id"],
        set_={
            "touches": table.c.touches + 1,
            "agent_count": func.coalesce(statement.excluded.agent_count, table.c.agent_count),
            "closed_at": func.coalesce(statement.excluded.closed_at, table.c.closed_at),
        },
    )
    await session.execute(statement)


async def record_scorecard(session: AsyncSession, event: AgentPeriodScorecardClosedV1) -> None:
    """Keep one agent's period result; compute the period's awards if it was the last piece."""
    await _touch_period(session, period_id=event.period_id, start=event.period_start, end=event.period_end)
    await session.execute(
        dialect_insert(session)(AgentPeriodResult.__table__)
        .values(
            id=uuid.uuid4(),
            period_id=event.period_id,
            agent_id=event.agent_id,
            team_id=event.team_id,
            period_start=event.period_start,
            period_end=event.period_end,
            composite=event.composite,
            rank_in_team=event.rank_in_team,
            rank_in_center=event.rank_in_center,
            new_hire=event.new_hire,
            kpis=[kpi.model_dump() for kpi in event.kpis],
        )
        .on_conflict_do_nothing(index_elements=["period_id", "agent_id"])
    )
    await compute_when_complete(session, event.period_id)


async def record_period_closed(session: AsyncSession, event: KpiPeriodClosedV1) -> None:
    """Note the period's summary; compute its awards if every agent's result is already here."""
    await _touch_period(
        session,
        period_id=event.period_id,
        start=event.period_start,
        end=event.period_end,
        agent_count=event.agent_count,
        closed_at=event.closed_at,
    )
    await compute_when_complete(session, event.period_id)


async def record_qa(session: AsyncSession, event: QaEvaluationFinalizedV1) -> None:
    """Keep a finalized QA score for the QA track."""
    await session.execute(
        dialect_insert(session)(QaResult.__table__)
        .values(
            evaluation_id=event.evaluation_id,
            agent_id=event.agent_id,
            score=event.score,
            finalized_on=event.finalized_at.astimezone(UTC).date(),
        )
        .on_conflict_do_nothing(index_elements=["evaluation_id"])
    )


async def compute_when_complete(session: AsyncSession, period_id: uuid.UUID) -> bool:
    """Compute the period's track awards once the summary and all its results are present."""
    period = (
        await session.execute(select(TrackPeriod.__table__).where(TrackPeriod.__table__.c.period_id == period_id))
    ).one()
    if period.computed_at is not None or period.agent_count is None or period.closed_at is None:
        return False
    held = await session.scalar(
        select(func.count()).select_from(AgentPeriodResult).where(AgentPeriodResult.period_id == period_id)
    )
    if int(held or 0) < period.agent_count:
        return False
    await _compute(session, period_id=period_id, start=period.period_start, end=period.period_end, at=period.closed_at)
    await session.execute(
        update(TrackPeriod)
        .where(TrackPeriod.period_id == period_id)
        .values(computed_at=period.closed_at)
        .execution_options(synchronize_session=False)
    )
    return True


@dataclass
class _Candidate:
    result: AgentPeriodResult
    score: float
    evidence: dict[str, Any]


def _kpi(result: AgentPeriodResult, code: str) -> dict[str, Any] | None:
    return next((k for k in result.kpis if k.get("kpi_code") == code), None)


async def _previous_results(
    session: AsyncSession, results: Sequence[AgentPeriodResult], start: date
) -> dict[uuid.UUID, AgentPeriodResult]:
    """Each agent's most recent earlier period result."""
    rows = await session.scalars(
        select(AgentPeriodResult)
        .where(
            AgentPeriodResult.agent_id.in_([r.agent_id for r in results]),
            AgentPeriodResult.period_end < start,
            AgentPeriodResult.period_end >= start - timedelta(days=HISTORY_DAYS),
        )
        .order_by(AgentPeriodResult.period_end.desc())
    )
    previous: dict[uuid.UUID, AgentPeriodResult] = {}
    for row in rows:
        previous.setdefault(row.agent_id, row)
    return previous


async def _compute(session: AsyncSession, *, period_id: uuid.UUID, start: date, end: date, at: datetime) -> None:
    results = (await session.scalars(select(AgentPeriodResult).where(AgentPeriodResult.period_id == period_id))).all()
    if not results:
        return
    rules = (await session.scalars(select(TrackRule).where(TrackRule.enabled.is_(True)))).all()
    previous = await _previous_results(session, results, start)
    qa_rows = (
        await session.scalars(
            select(QaResult).where(
                QaResult.agent_id.in_([r.agent_id for r in results]),
                QaResult.finalized_on >= start,
                QaResult.finalized_on <= end,
            )
        )
    ).all()
    qa_by_agent: dict[uuid.UUID, list[QaResult]] = defaultdict(list)
    for qa in qa_rows:
        qa_by_agent[qa.agent_id].append(qa)
    codes = sorted({k["kpi_code"] for r in results for k in r.kpis})
    base = {"period_id": str(period_id), "period_start": start.isoformat(), "period_end": end.isoformat()}

    for rule in rules:
        award = await get_award(session, rule.award_id)
        groups: dict[str, list[AgentPeriodResult]] = defaultdict(list)
        for result in results:
            if rule.scope == "center":
                groups["center"].append(result)
            elif result.team_id is not None:
                groups[str(result.team_id)].append(result)
        for group_key, members in groups.items():
            scope = {"scope": rule.scope, **({"team_id": group_key} if rule.scope == "team" else {})}
            if rule.track == "qa_top":
                batches = [("qa", _qa_candidates(members, qa_by_agent, rule.min_evaluations))]
            else:
                wanted = [rule.kpi_code] if rule.kpi_code else codes
                batches = [
                    (
                        code,
                        _top_candidates(members, code)
                        if rule.track == "kpi_top"
                        else _improved_candidates(members, previous, code),
                    )
                    for code in wanted
                ]
            for code, candidates in batches:
                if len(candidates) < rule.min_agents:
                    continue
                best = max(round(c.score, 6) for c in candidates)
                if rule.track == "kpi_most_improved" and best <= 0:
                    continue
                for candidate in candidates:
                    if round(candidate.score, 6) != best:
                        continue
                    evidence = {
                        **base,
                        **scope,
                        "track": rule.track,
                        "candidates": len(candidates),
                        **candidate.evidence,
                    }
                    await record_grant(
                        session,
                        award=award,
                        recipient_id=candidate.result.agent_id,
                        team_id=candidate.result.team_id,
                        reason=_reason(rule.track, rule.scope, code, candidate, start, end),
                        evidence=evidence,
                        source="track",
                        source_key=f"track:{period_id}:{rule.id}:{group_key}:{code}:{candidate.result.agent_id}",
                        period=(start, end),
                        now=at,
                    )


def _top_candidates(members: Sequence[AgentPeriodResult], code: str) -> list[_Candidate]:
    found = []
    for result in members:
        kpi = _kpi(result, code)
        if kpi is None or kpi.get("attainment") is None:
            continue
        found.append(
            _Candidate(
                result,
                float(kpi["attainment"]),
                {"kpi_code": code, "value": kpi.get("value"), "attainment": kpi["attainment"]},
            )
        )
    return found


def _improved_candidates(
    members: Sequence[AgentPeriodResult], previous: dict[uuid.UUID, AgentPeriodResult], code: str
) -> list[_Candidate]:
    """Agents with an attainment for this KPI now and in their previous period (the minimum data)."""
    found = []
    for result in members:
        now_kpi = _kpi(result, code)
        before = previous.get(result.agent_id)
        then_kpi = _kpi(before, code) if before else None
        if now_kpi is None or then_kpi is None or now_kpi.get("attainment") is None:
            continue
        if then_kpi.get("attainment") is None or before is None:
            continue
        gain = float(now_kpi["attainment"]) - float(then_kpi["attainment"])
        found.append(
            _Candidate(
                result,
                gain,
                {
                    "kpi_code": code,
                    "value": now_kpi.get("value"),
                    "attainment": now_kpi["attainment"],
                    "previous_period_id": str(before.period_id),
                    "previous_value": then_kpi.get("value"),
                    "previous_attainment": then_kpi["attainment"],
                    "gain": round(gain, 6),
                    "rank_in_team": result.rank_in_team,
                    "rank_in_center": result.rank_in_center,
                    "composite": result.composite,
                },
            )
        )
    return found


def _qa_candidates(
    members: Sequence[AgentPeriodResult], qa_by_agent: dict[uuid.UUID, list[QaResult]], min_evaluations: int
) -> list[_Candidate]:
    found = []
    for result in members:
        scores = qa_by_agent.get(result.agent_id, [])
        if len(scores) < max(1, min_evaluations):
            continue
        average = sum(s.score for s in scores) / len(scores)
        found.append(
            _Candidate(
                result,
                average,
                {
                    "qa_average": round(average, 2),
                    "qa_evaluations": len(scores),
                    "evaluation_ids": sorted(str(s.evaluation_id) for s in scores),
                },
            )
        )
    return found


def _reason(track: str, scope: str, code: str, candidate: _Candidate, start: date, end: date) -> str:
    where = "the team" if scope == "team" else "the center"
    period = f"{start.isoformat()} to {end.isoformat()}"
    e = candidate.evidence
    if track == "kpi_top":
        return f"Highest {code} attainment in {where} ({e['attainment']:.2f}) for {period}."
    if track == "kpi_most_improved":
        return (
            f"Most improved {code} in {where}: attainment {e['previous_attainment']:.2f} → {e['attainment']:.2f} "
            f"(+{e['gain']:.2f}) for {period}."
        )
    return f"Best QA average in {where} ({e['qa_average']:.1f} over {e['qa_evaluations']} evaluations) for {period}."


# Track configuration


async def list_rules(session: AsyncSession, *, limit: int, offset: int) -> tuple[Sequence[TrackRule], int]:
    query = select(TrackRule).order_by(TrackRule.track, TrackRule.scope, TrackRule.id)
    return await paginate(session, query, limit=limit, offset=offset)


async def add_rule(session: AsyncSession, *, principal: Principal, values: dict[str, Any]) -> TrackRule:
    """Configure a track to grant an award in a scope (optionally for one KPI)."""
    access.require_track_admin(principal)
    award = await get_award(session, values["award_id"])
    if not award.automatic or award.scope != "individual":
        raise InvalidInput(t("{name} is not an automatic individual award; tracks grant only those.", name=award.name))
    rule = TrackRule(id=uuid.uuid4(), **values)
    session.add(rule)
    await session.flush()
    return rule


async def change_rule(
    session: AsyncSession,
    *,
    principal: Principal,
    rule_id: uuid.UUID,
    values: dict[str, Any],
    if_match: Precondition | None = None,
) -> TrackRule:
    """Change a track rule; locked, so concurrent changes apply one after another."""
    access.require_track_admin(principal)
    rule = await get_for_update(
        session, TrackRule, rule_id, missing=t("Track rule {rule_id} does not exist.", rule_id=rule_id)
    )
    check(if_match, rule.version, t("The track rule"))
    for field, value in values.items():
        if value is None:
            raise InvalidInput(t("{field} cannot be null.", field=field))
        setattr(rule, field, value)
    rule.version += 1
    await session.flush()
    return rule


# The "everyone has a track" report (REC-3)


@dataclass(frozen=True)
class TeamShare:
    team_id: uuid.UUID
    team_name: str
    agents: int
    recognised: int
    share: float


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after


async def recognition_share(
    session: AsyncSession, *, principal: Principal, year: int, quarter: int, zone: Any, limit: int, offset: int
) -> tuple[list[TeamShare], int]:
    """Per team: the share of its agents recognised (any grant) at least once in the quarter."""
    access.require_share_reader(principal)
    first, after = quarter_bounds(year, quarter)
    since = datetime.combine(first, time(), tzinfo=zone)
    until = datetime.combine(after, time(), tzinfo=zone)
    query = select(org_team.c.id, org_team.c.name).where(org_team.c.active.is_(True))
    if access.share_of_own_team_only(principal):
        query = query.where(org_team.c.id == principal.team_id)
    teams, total = await paginate_rows(
        session, query.order_by(org_team.c.name, org_team.c.id), limit=limit, offset=offset
    )
    recognised_ids = set(
        (
            await session.scalars(
                select(Grant.recipient_id)
                .join(Award, Award.id == Grant.award_id)
                .where(Grant.granted_at >= since, Grant.granted_at < until, Grant.recipient_id.is_not(None))
            )
        ).all()
    )
    report = []
    for team in teams:
        agents = set(
            (
                await session.scalars(
                    select(org_employee.c.id).where(
                        org_employee.c.team_id == team.id,
                        org_employee.c.level == Level.AGENT,
                        org_employee.c.active.is_(True),
                    )
                )
            ).all()
        )
        recognised = len(agents & recognised_ids)
        share = round(recognised / len(agents), 4) if agents else 0.0
        report.append(TeamShare(team.id, team.name, len(agents), recognised, share))
    return report, total
