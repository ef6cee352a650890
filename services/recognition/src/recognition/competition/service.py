"""Skills competitions (业务能手竞赛, REC-7): registration → preliminary → final → awarded → completed.

Highest total wins each category (equal totals are co-winners). A competition is only
completed when every winner has filed a training plan and held the sessions it names.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter_shared import outbox
from callcenter_shared.auth import Principal
from callcenter_shared.contracts.recognition import CompetitionCompletedV1
from callcenter_shared.db import get_or_404
from callcenter_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from callcenter_shared.i18n import t
from callcenter_shared.org import get_person
from callcenter_shared.paging import paginate
from callcenter_shared.sorting import order_by
from recognition import access
from recognition.competition.models import (
    Competition,
    CompetitionCategory,
    CompetitionJudge,
    CompetitionScore,
    CompetitionStatus,
    Entrant,
    TrainingPlan,
    TrainingSession,
)
from recognition.competition.schemas import CompetitionCreate, ScoreSheet

NEXT = {
    CompetitionStatus.registration: CompetitionStatus.preliminary,
    CompetitionStatus.preliminary: CompetitionStatus.final,
    CompetitionStatus.final: CompetitionStatus.awarded,
}


class CompetitionRule(RuleViolation):
    rule = "REC-7"


async def get(session: AsyncSession, competition_id: uuid.UUID, *, lock: bool = False) -> Competition:
    """The competition; with `lock`, locked until commit: whatever depends on its round waits for a move."""
    return await get_or_404(
        session,
        Competition,
        competition_id,
        missing=t("Competition {competition_id} does not exist.", competition_id=competition_id),
        lock=lock,
    )


async def list_competitions(
    session: AsyncSession, *, status: str | None, sort: str | None, limit: int, offset: int
) -> tuple[Sequence[Competition], int]:
    """Every competition (they are center-wide events, open to all to read), newest first by default."""
    query = select(Competition)
    if status is not None:
        query = query.where(Competition.status == status)
    columns = {"created_at": Competition.created_at, "name": Competition.name}
    order = order_by(sort, columns, "-created_at", Competition.id)
    return await paginate(session, query.order_by(*order), limit=limit, offset=offset)


async def create(session: AsyncSession, *, principal: Principal, data: CompetitionCreate, now: datetime) -> Competition:
    """Open a competition for registration, with its categories, scoring criteria and panel."""
    access.require_competition_organizer(principal)
    competition = Competition(
        id=uuid.uuid4(),
        name=data.name,
        status=CompetitionStatus.registration,
        finalists_per_category=data.finalists_per_category,
        criteria=[c.model_dump() for c in data.criteria],
        created_by=principal.employee_id,
        created_at=now,
    )
    session.add(competition)
    await session.flush()
    for category in data.categories:
        session.add(CompetitionCategory(id=uuid.uuid4(), competition_id=competition.id, **category.model_dump()))
    await session.flush()
    await add_judges(session, principal=principal, competition_id=competition.id, judge_ids=data.judge_ids)
    return competition


async def add_judges(
    session: AsyncSession, *, principal: Principal, competition_id: uuid.UUID, judge_ids: Sequence[uuid.UUID]
) -> None:
    access.require_competition_organizer(principal)
    competition = await get(session, competition_id, lock=True)
    if competition.status in {CompetitionStatus.awarded, CompetitionStatus.completed}:
        raise Conflict(t("The judging is over."))
    existing = set(
        (
            await session.scalars(
                select(CompetitionJudge.judge_id).where(CompetitionJudge.competition_id == competition_id)
            )
        ).all()
    )
    for judge_id in dict.fromkeys(judge_ids):
        await get_person(session, judge_id)
        if judge_id not in existing:
            session.add(CompetitionJudge(competition_id=competition_id, judge_id=judge_id))
    await session.flush()


async def register(
    session: AsyncSession,
    *,
    principal: Principal,
    competition_id: uuid.UUID,
    category_code: str,
    employee_id: uuid.UUID | None,
    now: datetime,
) -> Entrant:
    """Register oneself (or, as their leader, a member of one's team) in a category."""
    competition = await get(session, competition_id, lock=True)
    if competition.status != CompetitionStatus.registration:
        raise CompetitionRule(t("Registration is closed: the competition has moved on to its rounds."))
    candidate_id = employee_id or principal.employee_id
    await access.require_registrar(session, principal, candidate_id)
    candidate = await get_person(session, candidate_id)
    if not candidate.active:
        raise InvalidInput(t("{name} has left the company.", name=candidate.name))
    category = await session.scalar(
        select(CompetitionCategory).where(
            CompetitionCategory.competition_id == competition_id, CompetitionCategory.code == category_code
        )
    )
    if category is None:
        raise InvalidInput(t("The competition has no category {category_code!r}.", category_code=category_code))
    if await session.scalar(
        select(Entrant.id).where(Entrant.category_id == category.id, Entrant.employee_id == candidate_id)
    ):
        raise Conflict(t("{name} is already registered in {category}.", name=candidate.name, category=category.name))
    entrant = Entrant(
        id=uuid.uuid4(),
        competition_id=competition_id,
        category_id=category.id,
        employee_id=candidate_id,
        registered_at=now,
    )
    session.add(entrant)
    await session.flush()
    return entrant


async def _entrant(session: AsyncSession, competition_id: uuid.UUID, entrant_id: uuid.UUID) -> Entrant:
    entrant = await session.get(Entrant, entrant_id)
    if entrant is None or entrant.competition_id != competition_id:
        raise NotFound(t("Entrant {entrant_id} is not in this competition.", entrant_id=entrant_id))
    return entrant


async def score(
    session: AsyncSession, *, principal: Principal, competition_id: uuid.UUID, sheet: ScoreSheet, now: datetime
) -> Entrant:
    """A judge of the panel scores one candidate in the current round, per criterion (REC-7)."""
    competition = await get(session, competition_id, lock=True)
    if competition.status not in {CompetitionStatus.preliminary, CompetitionStatus.final}:
        raise CompetitionRule(
            t(
                "Scores are given in the preliminary and final rounds; the competition is {status}.",
                status=competition.status,
            )
        )
    is_judge = await session.scalar(
        select(CompetitionJudge.judge_id).where(
            CompetitionJudge.competition_id == competition_id, CompetitionJudge.judge_id == principal.employee_id
        )
    )
    if not is_judge:
        raise Forbidden(t("Only the competition's panel of judges may score."))
    entrant = await _entrant(session, competition_id, sheet.entrant_id)
    if entrant.employee_id == principal.employee_id:
        raise CompetitionRule(t("A judge cannot score themselves; another judge of the panel must."))
    round_ = competition.status
    if round_ == CompetitionStatus.final and not entrant.finalist:
        raise CompetitionRule(t("Only finalists are scored in the final round."))
    criteria = {c["code"]: c for c in competition.criteria}
    if set(sheet.scores) != set(criteria):
        raise InvalidInput(t("Score every criterion exactly once: {codes}.", codes=", ".join(sorted(criteria))))
    for code, value in sheet.scores.items():
        if not 0 <= value <= criteria[code]["max_score"]:
            raise InvalidInput(
                t(
                    "{criterion} is scored from 0 to {max_score}.",
                    criterion=criteria[code]["name"],
                    max_score=criteria[code]["max_score"],
                )
            )
    await session.execute(
        delete(CompetitionScore).where(
            CompetitionScore.entrant_id == entrant.id,
            CompetitionScore.round == round_,
            CompetitionScore.judge_id == principal.employee_id,
        )
    )
    for code, value in sheet.scores.items():
        session.add(
            CompetitionScore(
                id=uuid.uuid4(), entrant_id=entrant.id, round=round_, judge_id=principal.employee_id,
                criterion=code, score=value, scored_at=now,
            )
        )  # fmt: skip
    await session.flush()
    return entrant


async def _totals(session: AsyncSession, competition_id: uuid.UUID, round_: str) -> dict[uuid.UUID, float]:
    """Per entrant: the sum over criteria of the judges' average score."""
    rows = await session.execute(
        select(CompetitionScore.entrant_id, CompetitionScore.criterion, func.avg(CompetitionScore.score))
        .join(Entrant, Entrant.id == CompetitionScore.entrant_id)
        .where(Entrant.competition_id == competition_id, CompetitionScore.round == round_)
        .group_by(CompetitionScore.entrant_id, CompetitionScore.criterion)
    )
    totals: dict[uuid.UUID, float] = defaultdict(float)
    for entrant_id, _criterion, average in rows.all():
        totals[entrant_id] += float(average)
    return {key: round(value, 4) for key, value in totals.items()}


async def _entrants(session: AsyncSession, competition_id: uuid.UUID) -> Sequence[Entrant]:
    return (await session.scalars(select(Entrant).where(Entrant.competition_id == competition_id))).all()


async def advance(
    session: AsyncSession, *, principal: Principal, competition_id: uuid.UUID, now: datetime
) -> Competition:
    """Move to the next round; closing the final decides the winners of each category."""
    access.require_competition_organizer(principal)
    competition = await get(session, competition_id, lock=True)
    if competition.status in {CompetitionStatus.awarded, CompetitionStatus.completed}:
        raise CompetitionRule(
            t(
                "Handing out the prizes does not end a competition: it is completed only when every winner "
                "has held the training sessions of their plan."
            )
        )
    entrants = await _entrants(session, competition_id)
    if competition.status == CompetitionStatus.registration:
        judges = await session.scalar(
            select(func.count()).select_from(CompetitionJudge).where(CompetitionJudge.competition_id == competition_id)
        )
        if not entrants or not judges:
            raise CompetitionRule(t("The preliminary round needs at least one entrant and a panel of judges."))
    elif competition.status == CompetitionStatus.preliminary:
        totals = await _totals(session, competition_id, "preliminary")
        unscored = [e for e in entrants if e.id not in totals]
        if unscored:
            raise CompetitionRule(t("{count} entrant(s) have no preliminary score yet.", count=len(unscored)))
        by_category: dict[uuid.UUID, list[Entrant]] = defaultdict(list)
        for entrant in entrants:
            entrant.preliminary_total = totals[entrant.id]
            by_category[entrant.category_id].append(entrant)
        for group in by_category.values():
            ranked = sorted(group, key=lambda e: -totals[e.id])
            cut = totals[ranked[min(competition.finalists_per_category, len(ranked)) - 1].id]
            for entrant in ranked:
                entrant.finalist = totals[entrant.id] >= cut  # equal totals at the cut all go through
    else:
        totals = await _totals(session, competition_id, "final")
        finalists = [e for e in entrants if e.finalist]
        unscored = [e for e in finalists if e.id not in totals]
        if unscored:
            raise CompetitionRule(t("{count} finalist(s) have no final score yet.", count=len(unscored)))
        by_category = defaultdict(list)
        for entrant in finalists:
            entrant.final_total = totals[entrant.id]
            by_category[entrant.category_id].append(entrant)
        for group in by_category.values():
            best = max(totals[e.id] for e in group)
            for entrant in group:
                entrant.winner = totals[entrant.id] == best  # a tie at the top makes co-winners
    competition.status = NEXT[CompetitionStatus(competition.status)]
    await session.flush()
    return competition


async def _winner(
    session: AsyncSession, principal: Principal, competition_id: uuid.UUID, entrant_id: uuid.UUID
) -> tuple[Competition, Entrant]:
    competition = await get(session, competition_id)
    entrant = await _entrant(session, competition_id, entrant_id)
    if not entrant.winner:
        raise CompetitionRule(t("Training plans and sessions are owed by category winners only."))
    access.require_training_recorder(principal, entrant.employee_id)
    if competition.status == CompetitionStatus.completed:
        raise Conflict(t("The competition is already completed."))
    return competition, entrant


async def file_training_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    competition_id: uuid.UUID,
    entrant_id: uuid.UUID,
    topic: str,
    sessions_planned: int,
    now: datetime,
) -> TrainingPlan:
    """A winner files the plan of the training they will give colleagues."""
    _competition, entrant = await _winner(session, principal, competition_id, entrant_id)
    plan = await session.get(TrainingPlan, entrant.id)
    if plan is None:
        plan = TrainingPlan(entrant_id=entrant.id, topic=topic, sessions_planned=sessions_planned, filed_at=now)
        session.add(plan)
    else:
        plan.topic, plan.sessions_planned, plan.filed_at = topic, sessions_planned, now
    await session.flush()
    await complete_if_done(session, competition_id=competition_id, now=now)
    return plan


async def record_session(
    session: AsyncSession,
    *,
    principal: Principal,
    competition_id: uuid.UUID,
    entrant_id: uuid.UUID,
    held_on: date,
    topic: str,
    attendee_count: int,
    today: date,
    now: datetime,
) -> Competition:
    """Record a training session a winner held; the last one owed completes the competition."""
    _competition, entrant = await _winner(session, principal, competition_id, entrant_id)
    if await session.get(TrainingPlan, entrant.id) is None:
        raise CompetitionRule(t("File the training plan first, then record its sessions."))
    if held_on > today:
        raise InvalidInput(t("A session is recorded once it has been held, not in advance."))
    session.add(
        TrainingSession(
            id=uuid.uuid4(), entrant_id=entrant.id, held_on=held_on, topic=topic,
            attendee_count=attendee_count, recorded_at=now,
        )
    )  # fmt: skip
    await session.flush()
    return await complete_if_done(session, competition_id=competition_id, now=now)


async def outstanding(session: AsyncSession, competition: Competition) -> list[str]:
    """What still stands between the competition and its completion."""
    if competition.status == CompetitionStatus.completed:
        return []
    if competition.status != CompetitionStatus.awarded:
        return [f"The competition is in its {competition.status} stage."]
    missing = []
    winners = [e for e in await _entrants(session, competition.id) if e.winner]
    for winner in winners:
        plan = await session.get(TrainingPlan, winner.id)
        if plan is None:
            missing.append(f"Winner {winner.employee_id} has not filed a training plan.")
            continue
        held = await _held(session, winner.id)
        if held < plan.sessions_planned:
            missing.append(f"Winner {winner.employee_id} has held {held} of {plan.sessions_planned} training sessions.")
    return missing


async def _held(session: AsyncSession, entrant_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(TrainingSession).where(TrainingSession.entrant_id == entrant_id)
    )
    return int(count or 0)


async def complete_if_done(session: AsyncSession, *, competition_id: uuid.UUID, now: datetime) -> Competition:
    competition = await get(session, competition_id, lock=True)
    if competition.status != CompetitionStatus.awarded or await outstanding(session, competition):
        return competition
    winners = [e for e in await _entrants(session, competition_id) if e.winner]
    held = sum([await _held(session, w.id) for w in winners])
    competition.status = CompetitionStatus.completed
    competition.completed_at = now
    await session.flush()
    await outbox.add(
        session,
        CompetitionCompletedV1(
            competition_id=competition.id,
            name=competition.name,
            winner_ids=sorted({w.employee_id for w in winners}, key=str),
            sessions_held=held,
            completed_at=now,
        ),
        at=now,
    )
    return competition


async def read(session: AsyncSession, competition: Competition) -> dict[str, object]:
    """The competition with its ranked results per category and the training follow-up."""
    categories = (
        await session.scalars(select(CompetitionCategory).where(CompetitionCategory.competition_id == competition.id))
    ).all()
    entrants = await _entrants(session, competition.id)
    judges = (
        await session.scalars(
            select(CompetitionJudge.judge_id).where(CompetitionJudge.competition_id == competition.id)
        )
    ).all()
    prelim = await _totals(session, competition.id, "preliminary")
    final = await _totals(session, competition.id, "final")
    views = []
    for category in sorted(categories, key=lambda c: c.code):
        members = [e for e in entrants if e.category_id == category.id]
        members.sort(key=lambda e: (-(final.get(e.id) or -1), -(prelim.get(e.id) or -1), str(e.employee_id)))
        rows = []
        for e in members:
            plan = await session.get(TrainingPlan, e.id)
            rows.append(
                {
                    "id": e.id,
                    "employee_id": e.employee_id,
                    "category_code": category.code,
                    "finalist": e.finalist,
                    "winner": e.winner,
                    "preliminary_total": e.preliminary_total if e.preliminary_total is not None else prelim.get(e.id),
                    "final_total": e.final_total if e.final_total is not None else final.get(e.id),
                    "sessions_planned": plan.sessions_planned if plan else None,
                    "sessions_held": await _held(session, e.id),
                }
            )
        views.append(
            {
                "code": category.code,
                "name": category.name,
                "entrants": rows,
                "winners": [e.employee_id for e in members if e.winner],
            }
        )
    return {
        "id": competition.id,
        "name": competition.name,
        "status": competition.status,
        "finalists_per_category": competition.finalists_per_category,
        "criteria": competition.criteria,
        "judge_ids": list(judges),
        "categories": views,
        "completed_at": competition.completed_at,
        "outstanding": await outstanding(session, competition),
    }
