"""The conventional peer: each benchmarked endpoint as the FastAPI and SQLAlchemy docs teach it.

`uvicorn bench.peers.conventional:app` with `BENCH_PEER_DATABASES` set. A `get_db` dependency
yields an `AsyncSession` per request, a JWT dependency decodes the bearer token and loads the
caller (`session.get`), queries use the async ORM, lists run a count query and a page query,
writes commit in the endpoint and `refresh` the new row, and `response_model` (with
`from_attributes`) turns ORM objects into JSON. The same rules as the services where they
decide what is returned: who sees whom, which cases are mine, which amounts are hidden.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import aliased, joinedload, selectinload

from bench.peers import yardstick
from bench.peers.conventional_models import (
    Award,
    Case,
    CaseNumberCounter,
    CaseStint,
    Category,
    Employee,
    Evaluation,
    EvaluationAnswer,
    Grant,
    MetricBatch,
    Nomination,
    OrgEmployee,
    RawMetric,
    ScorecardItem,
)
from bench.peers.conventional_schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    EmployeeIn,
    EmployeeOut,
    EmployeePage,
    EvaluationOut,
    EvaluationPage,
    GrantOut,
    GrantPage,
    MetricBatchIn,
    MetricBatchOut,
    NominationIn,
    NominationOut,
)

app = FastAPI(title="conventional peer")


@app.get("/ok")
async def ok() -> dict[str, bool]:
    return {"ok": True}


engines = {name: create_async_engine(url, pool_size=10, max_overflow=10) for name, url in yardstick.databases().items()}
SessionLocal = {name: async_sessionmaker(engine, expire_on_commit=False) for name, engine in engines.items()}


def db_dependency(service: str) -> Callable[[], AsyncIterator[AsyncSession]]:
    async def get_db() -> AsyncIterator[AsyncSession]:
        async with SessionLocal[service]() as session:
            yield session

    return get_db


get_scheduling_db = db_dependency("scheduling")
get_escalation_db = db_dependency("escalation")
get_performance_db = db_dependency("performance")
get_recognition_db = db_dependency("recognition")

bearer = HTTPBearer()


async def token_claims(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> dict[str, Any]:
    try:
        return yardstick.decode(credentials.credentials)
    except jwt.InvalidTokenError as exc:
        raise HTTPException(status_code=401, detail="Could not validate credentials") from exc


Claims = Annotated[dict[str, Any], Depends(token_claims)]


async def current_employee(claims: Claims, db: Annotated[AsyncSession, Depends(get_scheduling_db)]) -> Employee:
    user = await db.get(Employee, yardstick.employee_id(claims))
    if user is None or not user.active:
        raise HTTPException(status_code=403, detail="Unknown or inactive employee")
    return user


SchedulingDb = Annotated[AsyncSession, Depends(get_scheduling_db)]
EscalationDb = Annotated[AsyncSession, Depends(get_escalation_db)]
PerformanceDb = Annotated[AsyncSession, Depends(get_performance_db)]
RecognitionDb = Annotated[AsyncSession, Depends(get_recognition_db)]


async def current_escalation_user(claims: Claims, db: EscalationDb) -> OrgEmployee:
    return await _org_user(db, claims)


async def current_performance_user(claims: Claims, db: PerformanceDb) -> OrgEmployee:
    return await _org_user(db, claims)


async def current_recognition_user(claims: Claims, db: RecognitionDb) -> OrgEmployee:
    return await _org_user(db, claims)


async def _org_user(db: AsyncSession, claims: dict[str, Any]) -> OrgEmployee:
    user = await db.get(OrgEmployee, yardstick.employee_id(claims))
    if user is None or not user.active:
        raise HTTPException(status_code=403, detail="Unknown or inactive employee")
    return user


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def subordinates(table: type[Employee] | type[OrgEmployee], manager_id: uuid.UUID) -> Any:
    """Everyone below `manager_id`, as a recursive CTE."""
    below = select(table.id).where(table.superior_id == manager_id).cte("below", recursive=True)
    lower = aliased(table)
    return below.union_all(select(lower.id).where(lower.superior_id == below.c.id))


# scheduling


@app.get("/scheduling/v1/employees", response_model=EmployeePage)
async def list_employees(
    me: Annotated[Employee, Depends(current_employee)], db: SchedulingDb, limit: Limit = 50, offset: Offset = 0
) -> Any:
    condition = None
    if me.level == 2:  # a team leader: their team and everyone below them (their agents, ORG-1)
        condition = or_(Employee.id == me.id, Employee.superior_id == me.id, Employee.team_id == me.team_id)
    elif me.level == 1:  # an agent: herself and her active teammates
        condition = or_(Employee.id == me.id, and_(Employee.team_id == me.team_id, Employee.active.is_(True)))
    count = select(func.count()).select_from(Employee)
    query = select(Employee).options(joinedload(Employee.superior))
    if condition is not None:
        count, query = count.where(condition), query.where(condition)
    total = await db.scalar(count)
    order = (Employee.level.desc(), Employee.name, Employee.id)
    employees = (await db.scalars(query.order_by(*order).limit(limit).offset(offset))).all()
    items = [EmployeeOut.model_validate(e) for e in employees]
    if me.level == 1:
        hidden = {"certified", "probation_end_date", "birthday", "hire_date", "external_id"}
        items = [
            i if i.id == me.id else i.model_copy(update={**dict.fromkeys(hidden), "private_fields_hidden": True})
            for i in items
        ]
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@app.post("/scheduling/v1/employees", response_model=EmployeeOut, status_code=201)
async def create_employee(
    data: EmployeeIn, me: Annotated[Employee, Depends(current_employee)], db: SchedulingDb
) -> Any:
    if me.level < 3:
        raise HTTPException(status_code=403, detail="Only level 3 and above may change the directory")
    superior = await db.get(Employee, data.superior_id) if data.superior_id else None
    if data.level < 5 and (superior is None or superior.level != data.level + 1):
        raise HTTPException(status_code=422, detail="The direct superior must be exactly one level up")
    if data.level == 1 and (data.team_id is None or superior is None or superior.team_id != data.team_id):
        raise HTTPException(status_code=422, detail="An agent belongs to one team, under its leader")
    now = datetime.now(UTC)
    employee = Employee(**data.model_dump(), created_at=now, updated_at=now)
    db.add(employee)
    await db.commit()
    await db.refresh(employee, ["superior"])
    return employee


# escalation


async def _names(db: AsyncSession, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await db.execute(select(OrgEmployee.id, OrgEmployee.name).where(OrgEmployee.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def _case_out(case: Case, names: dict[uuid.UUID, str]) -> CaseOut:
    out = CaseOut.model_validate(case)
    return out.model_copy(
        update={
            f"{role}_name": names.get(getattr(case, column))
            for role, column in (
                ("owner", "owner_id"),
                ("handler", "handler_id"),
                ("named_agent", "named_agent_id"),
                ("department_handler", "department_handler_id"),
                ("resolved_by", "resolved_by"),
                ("attributed_agent", "attributed_agent_id"),
            )
            if getattr(case, column) is not None
        }
    )


@app.get("/escalation/v1/cases/mine", response_model=CasePage)
async def my_cases(
    me: Annotated[OrgEmployee, Depends(current_escalation_user)],
    db: EscalationDb,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    mine = or_(Case.owner_id == me.id, Case.handler_id == me.id)
    total = await db.scalar(select(func.count()).select_from(Case).where(mine))
    query = select(Case).where(mine).order_by(Case.opened_at.desc(), Case.number).limit(limit).offset(offset)
    cases = (await db.scalars(query)).all()
    names = await _names(db, {getattr(c, column) for c in cases for column in _PERSON_COLUMNS})
    return {"items": [_case_out(c, names) for c in cases], "limit": limit, "offset": offset, "total": total}


_PERSON_COLUMNS = (
    "owner_id", "handler_id", "named_agent_id", "department_handler_id", "resolved_by", "attributed_agent_id",
)  # fmt: skip


@app.post("/escalation/v1/cases", response_model=CaseOut, status_code=201)
async def open_case(
    data: CaseIn, me: Annotated[OrgEmployee, Depends(current_escalation_user)], db: EscalationDb
) -> Any:
    category = await db.scalar(select(Category).where(Category.code == data.category, Category.active.is_(True)))
    if category is None:
        raise HTTPException(status_code=422, detail="Unknown category")
    if data.channel in ("phone", "online", "email") and not data.customer_contact.strip():
        raise HTTPException(status_code=422, detail="Record the customer's contact")
    handler = me
    while handler.level < category.entry_level:  # up the chain to the category's first level
        superior = await db.get(OrgEmployee, handler.superior_id) if handler.superior_id else None
        if superior is None:
            raise HTTPException(status_code=422, detail="Nobody at the category's level in the chain")
        handler = superior
    now = datetime.now(UTC)
    bump = insert(CaseNumberCounter).values(year=now.year, last=1)
    bump = bump.on_conflict_do_update(index_elements=["year"], set_={"last": CaseNumberCounter.last + 1})
    number = (await db.execute(bump.returning(CaseNumberCounter.last))).scalar_one()
    case = Case(
        number=f"ESC-{now.year}-{number:06d}", category_id=category.id, category_code=category.code,
        channel=data.channel, customer_contact=data.customer_contact.strip(), description=data.description,
        named_agent_id=data.named_agent_id, emergency=data.emergency, owner_id=me.id, owner_team_id=me.team_id,
        handler_id=handler.id, level=handler.level, status="open", allowances=category.level_minutes,
        warning_minutes=category.warning_minutes, emergency_report_minutes=category.emergency_report_minutes,
        level_started_at=now, level_due_at=now + timedelta(minutes=category.level_minutes[handler.level - 1]),
        opened_at=now, updated_at=now,
    )  # fmt: skip
    db.add(case)
    await db.flush()
    db.add(CaseStint(case_id=case.id, level=handler.level, handler_id=handler.id, started_at=now))
    await db.commit()
    await db.refresh(case)
    return _case_out(case, {me.id: me.name, handler.id: handler.name})


# performance


@app.get("/performance/v1/qa/evaluations", response_model=EvaluationPage)
async def list_evaluations(
    me: Annotated[OrgEmployee, Depends(current_performance_user)],
    db: PerformanceDb,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    conditions = [Evaluation.calibration_id.is_(None)]
    if me.level < 3:
        visible = [OrgEmployee.id == me.id]
        if me.level == 2:  # their team and everyone below them (their agents, ORG-1)
            visible += [OrgEmployee.superior_id == me.id, OrgEmployee.team_id == me.team_id]
        visible_ids = select(OrgEmployee.id).where(or_(*visible))
        conditions.append(or_(Evaluation.agent_id.in_(visible_ids), Evaluation.evaluator_id == me.id))
    if me.level == 1:
        conditions.append(Evaluation.status != "draft")
    total = await db.scalar(select(func.count()).select_from(Evaluation).where(*conditions))
    query = (
        select(Evaluation)
        .where(*conditions)
        .options(
            selectinload(Evaluation.answers).joinedload(EvaluationAnswer.item).joinedload(ScorecardItem.section),
            selectinload(Evaluation.disputes),
        )
        .order_by(Evaluation.created_at.desc(), Evaluation.id)
        .limit(limit)
        .offset(offset)
    )
    evaluations = (await db.scalars(query)).all()
    names = await _names(db, {e.agent_id for e in evaluations} | {e.evaluator_id for e in evaluations})
    items = []
    for evaluation in evaluations:
        answers = sorted(evaluation.answers, key=lambda a: (a.item.section.position, a.item.position))
        rows = [
            {"item_id": a.item_id, "code": a.item.code, "section": a.item.section.title, "text": a.item.text,
             "dimension": a.item.dimension, "points_possible": a.item.points, "critical": a.item.critical,
             "result": a.result, "points": a.points, "note": a.note,
             "section_position": a.item.section.position, "weight": a.item.section.weight}
            for a in answers
        ]  # fmt: skip
        out = EvaluationOut.model_validate(
            {
                **{
                    column: getattr(evaluation, column)
                    for column in EvaluationOut.model_fields
                    if hasattr(evaluation, column)
                },
                "agent_name": names.get(evaluation.agent_id),
                "evaluator_name": names.get(evaluation.evaluator_id),
                "dispute_until": evaluation.released_at + timedelta(days=yardstick.DISPUTE_DAYS)
                if evaluation.released_at
                else None,
                "sections": yardstick.section_scores(rows),
                "answers": rows,
                "disputes": evaluation.disputes,
            }
        )
        items.append(out)
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@app.post("/performance/v1/metrics/batches", response_model=MetricBatchOut)
async def submit_metrics(data: MetricBatchIn, claims: Claims, db: PerformanceDb) -> Any:
    if "metrics:write" not in yardstick.service_account_scopes(claims):
        raise HTTPException(status_code=403, detail="Metric batches come from the phone/CRM systems")
    digest = hashlib.sha256()
    for row in sorted(data.rows, key=lambda r: (str(r.agent_id), r.day, r.metric)):
        digest.update(f"{row.agent_id}|{row.day.isoformat()}|{row.metric}|{row.value!r}\n".encode())
    known = await db.get(MetricBatch, (data.source, data.batch_id))
    if known is not None:
        if known.content_hash != digest.hexdigest():
            raise HTTPException(status_code=409, detail="Received before with different content")
        return MetricBatchOut(
            source=data.source, batch_id=data.batch_id, rows=len(data.rows), inserted=0, duplicate=True
        )
    agent_ids = {row.agent_id for row in data.rows}
    found = set((await db.scalars(select(OrgEmployee.id).where(OrgEmployee.id.in_(agent_ids)))).all())
    if found != agent_ids:
        raise HTTPException(status_code=422, detail="Unknown agents")
    db.add(
        MetricBatch(
            source=data.source, batch_id=data.batch_id, content_hash=digest.hexdigest(), row_count=len(data.rows),
            received_at=datetime.now(UTC),
        )
    )  # fmt: skip
    db.add_all(RawMetric(**row.model_dump(), source=data.source, batch_id=data.batch_id) for row in data.rows)
    await db.commit()
    return MetricBatchOut(
        source=data.source, batch_id=data.batch_id, rows=len(data.rows), inserted=len(data.rows), duplicate=False
    )


# recognition


@app.get("/recognition/v1/honor-wall", response_model=GrantPage)
async def honor_wall(
    me: Annotated[OrgEmployee, Depends(current_recognition_user)],
    db: RecognitionDb,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    total = await db.scalar(select(func.count()).select_from(Grant))
    query = select(Grant).options(joinedload(Grant.award)).order_by(Grant.granted_at.desc(), Grant.id)
    grants = (await db.scalars(query.limit(limit).offset(offset))).all()
    names = await _names(db, {g.recipient_id for g in grants} | {g.granted_by for g in grants})
    # Amounts only for the recipient and their chain: the caller's subordinates, when a page has others' amounts.
    below: set[uuid.UUID] = set()
    if me.level > 1 and any(g.amount is not None and g.recipient_id != me.id for g in grants):
        tree = subordinates(OrgEmployee, me.id)
        below = set((await db.scalars(select(tree.c.id))).all())
    items = []
    for grant in grants:
        visible = grant.amount is None or grant.recipient_id == me.id or grant.recipient_id in below
        if grant.recipient_id is None:
            visible = visible or grant.team_id == me.team_id
        items.append(
            GrantOut(
                id=grant.id, award_id=grant.award_id, award_name=grant.award.name, material=grant.award.material,
                recipient_id=grant.recipient_id, recipient_name=names.get(grant.recipient_id)
                if grant.recipient_id else None, team_id=grant.team_id, reason=grant.reason,
                criteria=grant.criteria, evidence=grant.evidence, amount=grant.amount if visible else None,
                amount_hidden=not visible, source=grant.source, period_start=grant.period_start,
                period_end=grant.period_end, granted_by=grant.granted_by,
                granted_by_name=names.get(grant.granted_by) if grant.granted_by else None,
                granted_at=grant.granted_at,
            )
        )  # fmt: skip
    return {"items": items, "limit": limit, "offset": offset, "total": total}


@app.post("/recognition/v1/nominations", response_model=NominationOut, status_code=201)
async def nominate(
    data: NominationIn, me: Annotated[OrgEmployee, Depends(current_recognition_user)], db: RecognitionDb
) -> Any:
    award = await db.get(Award, data.award_id)
    if award is None or not award.active or award.automatic:
        raise HTTPException(status_code=422, detail="This award cannot be nominated for")
    if (award.scope == "individual") != (data.nominee_id is not None):
        raise HTTPException(status_code=422, detail="Name a nominee for an individual award, a team for a team award")
    nominee = None
    if data.nominee_id is not None:
        nominee = await db.get(OrgEmployee, data.nominee_id)
        if nominee is None or not nominee.active:
            raise HTTPException(status_code=422, detail="Unknown or former employee")
        if nominee.id == me.id:
            raise HTTPException(status_code=403, detail="You cannot nominate yourself")
    nomination = Nomination(**data.model_dump(), nominated_by=me.id, created_at=datetime.now(UTC))
    db.add(nomination)
    await db.commit()
    await db.refresh(nomination)
    out = NominationOut.model_validate(nomination)
    return out.model_copy(update={"nominee_name": nominee.name if nominee else None, "nominated_by_name": me.name})
