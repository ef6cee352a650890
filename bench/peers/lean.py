"""The lean peer: raw asyncpg, one statement per request, JSON built by hand.

`uvicorn bench.peers.lean:app` with `BENCH_PEER_DATABASES` set. Each endpoint checks the token
like the others, then sends one statement that also looks the caller up, applies the visibility
rule and reads or writes everything the answer needs; the rows become JSON with `json.dumps`.
A second statement runs only on a refusal, to tell why (403 or 422). Simplifications, none of
which the benchmark's requests touch: a new employee needs a superior (no executives), a case
opens only at a level its owner holds, a nomination names a person.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import jwt
from fastapi import FastAPI, Request, Response

from bench.peers import yardstick
from bench.world import asyncpg_dsn

pools: dict[str, asyncpg.Pool] = {}


@contextlib.asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    for name, url in yardstick.databases().items():
        pools[name] = await asyncpg.create_pool(asyncpg_dsn(url), min_size=2, max_size=20)
    yield
    for pool in pools.values():
        await pool.close()


app = FastAPI(title="lean peer", lifespan=lifespan)


@app.get("/ok")
async def ok() -> dict[str, bool]:
    return {"ok": True}


def _default(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, default=_default), status_code=status, media_type="application/json")


def _problem(status: int, detail: str) -> Response:
    return _json({"detail": detail}, status)


def _claims(request: Request) -> dict[str, Any] | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        return yardstick.decode(token)
    except jwt.InvalidTokenError:
        return None


def _paging(request: Request) -> tuple[int, int]:
    limit = int(request.query_params.get("limit", 50))
    offset = int(request.query_params.get("offset", 0))
    return max(1, min(limit, 500)), max(0, offset)


async def _caller_known(service: str, table: str, caller: uuid.UUID | None) -> bool:
    row = await pools[service].fetchval(f"SELECT active FROM {table} WHERE id = $1", caller)  # noqa: S608
    return bool(row)


# scheduling

EMPLOYEE = (
    "e.id, e.name, e.level, e.superior_id, s.name AS superior_name, e.team_id, e.agent_number, e.certified, "
    "e.probation_end_date, e.birthday, e.hire_date, e.active, e.version, e.updated_at, e.external_id"
)
PRIVATE = ("certified", "probation_end_date", "birthday", "hire_date", "external_id")

# A team leader: their team and their direct reports (ORG-1 puts only agents under a team leader);
# an agent: herself and her active teammates; level 3 and above: everyone.
EMPLOYEES = f"""
WITH me AS (SELECT id, level, team_id FROM employee WHERE id = $1 AND active),
visible AS (
    SELECT e.id FROM employee e, me WHERE me.level >= 3
    UNION SELECT id FROM me
    UNION SELECT e.id FROM employee e JOIN me ON e.superior_id = me.id
    UNION SELECT e.id FROM employee e JOIN me ON e.team_id = me.team_id AND (me.level >= 2 OR e.active)
)
SELECT {EMPLOYEE}, count(*) OVER () AS total, (SELECT level FROM me) AS caller_level
FROM employee e LEFT JOIN employee s ON s.id = e.superior_id
WHERE e.id = ANY(ARRAY(SELECT id FROM visible))
ORDER BY e.level DESC, e.name, e.id LIMIT $2 OFFSET $3
"""  # noqa: S608 (constant text)


@app.get("/scheduling/v1/employees")
async def list_employees(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    me = yardstick.employee_id(claims)
    limit, offset = _paging(request)
    rows = await pools["scheduling"].fetch(EMPLOYEES, me, limit, offset)
    if not rows and not await _caller_known("scheduling", "employee", me):
        return _problem(403, "Unknown or inactive employee")
    items = []
    for row in rows:
        item = dict(row.items())
        del item["total"], item["caller_level"]
        hidden = row["caller_level"] == 1 and row["id"] != me
        if hidden:
            item.update(dict.fromkeys(PRIVATE))
        item["private_fields_hidden"] = hidden
        items.append(item)
    return _json({"items": items, "limit": limit, "offset": offset, "total": rows[0]["total"] if rows else 0})


NEW_EMPLOYEE = f"""
WITH caller AS (SELECT level FROM employee WHERE id = $1 AND active AND level >= 3),
sup AS (SELECT id, name, team_id FROM employee WHERE id = $4 AND active AND level = $3 + 1),
e AS (
    INSERT INTO employee (id, name, level, superior_id, team_id, agent_number, certified, probation_end_date,
                          birthday, hire_date, active, version, created_at, updated_at, external_id)
    SELECT $2, $5, $3, sup.id, $6, $7, $8, $9, $10, $11, true, 1, $12, $12, $13
    FROM caller, sup WHERE $3 > 1 OR sup.team_id = $6
    RETURNING *
)
SELECT {EMPLOYEE} FROM e, sup s
"""  # noqa: S608 (constant text)


@app.post("/scheduling/v1/employees")
async def create_employee(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    try:
        body = json.loads(await request.body())
        level, name = int(body["level"]), str(body["name"]).strip()
        superior, team = uuid.UUID(body["superior_id"]), uuid.UUID(body["team_id"]) if body.get("team_id") else None
        days = [
            date.fromisoformat(body[k]) if body.get(k) else None
            for k in ("probation_end_date", "birthday", "hire_date")
        ]
        if not (1 <= level <= 4 and 0 < len(name) <= 200):
            raise ValueError(level)
    except (ValueError, KeyError, TypeError):
        return _problem(422, "Invalid employee")
    me = yardstick.employee_id(claims)
    row = await pools["scheduling"].fetchrow(
        NEW_EMPLOYEE, me, uuid.uuid4(), level, superior, name, team, body.get("agent_number"),
        bool(body.get("certified", False)), *days, datetime.now(UTC), body.get("external_id"),
    )  # fmt: skip
    if row is None:
        caller = await pools["scheduling"].fetchval("SELECT level FROM employee WHERE id = $1 AND active", me)
        if caller is None or caller < 3:
            return _problem(403, "Only level 3 and above may change the directory")
        return _problem(422, "The direct superior must be exactly one level up, an agent's the team's leader")
    return _json({**dict(row.items()), "private_fields_hidden": False}, 201)


# escalation

PERSON_COLUMNS = ("owner", "handler", "named_agent", "department_handler", "resolved_by", "attributed_agent")
CASE = """
c.id, c.number, c.category_code AS category, c.channel, c.customer_contact, c.description, c.named_agent_id,
c.emergency, c.owner_id, c.handler_id, c.level, c.status, c.allowances AS allowances_minutes, c.level_started_at,
c.level_due_at, c.acknowledged_at, c.overdue_at, c.reply_due_at, c.replied_at, c.reply_breached,
c.emergency_report_due_at, c.emergency_reported_at, c.department_handler_id, c.department_result, c.handover_item_id,
c.resolution, c.resolved_by, c.resolved_at, c.callback_at, c.callback_reached, c.callback_satisfied,
c.attributed_agent_id, c.paused_at, c.pause_waiting_on, c.pause_reason, c.pause_ends_at,
round(c.paused_seconds / 60.0, 2)::float8 AS paused_minutes, c.opened_at
"""
CASE_NAMES = """
(SELECT name FROM org_employee WHERE id = c.owner_id) AS owner_name,
(SELECT name FROM org_employee WHERE id = c.handler_id) AS handler_name,
(SELECT name FROM org_employee WHERE id = c.named_agent_id) AS named_agent_name,
(SELECT name FROM org_employee WHERE id = c.department_handler_id) AS department_handler_name,
(SELECT name FROM org_employee WHERE id = c.resolved_by) AS resolved_by_name,
(SELECT name FROM org_employee WHERE id = c.attributed_agent_id) AS attributed_agent_name
"""
MY_CASES = f"""
SELECT {CASE}, {CASE_NAMES}, count(*) OVER () AS total FROM "case" c
WHERE (c.owner_id = $1 OR c.handler_id = $1) AND EXISTS (SELECT 1 FROM org_employee WHERE id = $1 AND active)
ORDER BY c.opened_at DESC, c.number LIMIT $2 OFFSET $3
"""  # noqa: S608 (constant text)


def _case(row: asyncpg.Record) -> dict[str, Any]:
    item = dict(row.items())
    item.pop("total", None)
    item["allowances_minutes"] = json.loads(item["allowances_minutes"])
    return item


@app.get("/escalation/v1/cases/mine")
async def my_cases(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    me = yardstick.employee_id(claims)
    limit, offset = _paging(request)
    rows = await pools["escalation"].fetch(MY_CASES, me, limit, offset)
    if not rows and not await _caller_known("escalation", "org_employee", me):
        return _problem(403, "Unknown or inactive employee")
    items = [_case(row) for row in rows]
    return _json({"items": items, "limit": limit, "offset": offset, "total": rows[0]["total"] if rows else 0})


OPEN_CASE = f"""
WITH caller AS (SELECT id, name, level, team_id FROM org_employee WHERE id = $1 AND active),
cat AS (SELECT id, code, level_minutes, warning_minutes, emergency_report_minutes FROM category
        WHERE code = $2 AND active AND entry_level <= (SELECT level FROM caller)),
num AS (
    INSERT INTO case_number_counter (year, last) SELECT $3::int, 1 WHERE EXISTS (SELECT 1 FROM cat, caller)
    ON CONFLICT (year) DO UPDATE SET last = case_number_counter.last + 1 RETURNING last
),
c AS (
    INSERT INTO "case" (id, number, category_id, category_code, channel, customer_contact, description, named_agent_id,
        emergency, owner_id, owner_team_id, handler_id, level, status, allowances, warning_minutes,
        emergency_report_minutes, level_started_at, level_due_at, reply_breached, paused_seconds, paused_clocks,
        opened_at, updated_at)
    SELECT $4, 'ESC-' || $3::int || '-' || lpad(num.last::text, 6, '0'), cat.id, cat.code, $5, $6, $7, $8, $9,
        caller.id, caller.team_id, caller.id, caller.level, 'open', cat.level_minutes, cat.warning_minutes,
        cat.emergency_report_minutes, $10,
        $10::timestamptz + make_interval(mins => (cat.level_minutes ->> (caller.level - 1))::int), false, 0, '[]',
        $10, $10
    FROM caller, cat, num
    RETURNING *
),
stint AS (INSERT INTO case_stint (case_id, level, handler_id, started_at, paused_seconds)
          SELECT id, level, handler_id, $10, 0 FROM c)
SELECT {CASE}, caller.name AS owner_name, caller.name AS handler_name FROM c, caller
"""  # noqa: S608 (constant text)


@app.post("/escalation/v1/cases")
async def open_case(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    try:
        body = json.loads(await request.body())
        category, channel, description = str(body["category"]), str(body["channel"]), str(body["description"])
        contact = str(body.get("customer_contact", "")).strip()
        named = uuid.UUID(body["named_agent_id"]) if body.get("named_agent_id") else None
        if channel not in ("phone", "online", "email", "internal") or not description:
            raise ValueError(channel)
        if channel != "internal" and not contact:
            raise ValueError("contact")
    except (ValueError, KeyError, TypeError):
        return _problem(422, "Invalid case")
    me, now = yardstick.employee_id(claims), datetime.now(UTC)
    row = await pools["escalation"].fetchrow(
        OPEN_CASE, me, category, now.year, uuid.uuid4(), channel, contact, description, named,
        bool(body.get("emergency", False)), now,
    )  # fmt: skip
    if row is None:
        if not await _caller_known("escalation", "org_employee", me):
            return _problem(403, "Unknown or inactive employee")
        return _problem(422, "Unknown category, or one that starts above the owner's level")
    item = _case(row)
    item.update({f"{p}_name": None for p in PERSON_COLUMNS if f"{p}_name" not in item})
    return _json(item, 201)


# performance

EVALUATIONS = """
WITH me AS (SELECT id, level, team_id FROM org_employee WHERE id = $1 AND active),
visible AS (
    SELECT id FROM me
    UNION SELECT e.id FROM org_employee e JOIN me ON e.superior_id = me.id
    UNION SELECT e.id FROM org_employee e JOIN me ON e.team_id = me.team_id AND me.level = 2
),
page AS (
    SELECT v.*, count(*) OVER () AS total FROM qa_evaluation v
    WHERE v.calibration_id IS NULL AND EXISTS (SELECT 1 FROM me)
      AND ((SELECT level FROM me) >= 3 OR v.agent_id = ANY(ARRAY(SELECT id FROM visible)) OR v.evaluator_id = $1)
      AND ((SELECT level FROM me) >= 2 OR v.status <> 'draft')
    ORDER BY v.created_at DESC, v.id LIMIT $2 OFFSET $3
)
SELECT p.id, p.scorecard_id, p.scorecard_version, p.calibration_id, p.interaction_id, p.agent_id,
    (SELECT name FROM org_employee WHERE id = p.agent_id) AS agent_name, p.evaluator_id,
    (SELECT name FROM org_employee WHERE id = p.evaluator_id) AS evaluator_name, p.channel, p.interaction_date,
    p.status, p.score, p.failed_critical, p.outcome, p.created_at, p.released_at,
    p.released_at + interval '1 day' * $4 AS dispute_until, p.finalized_at, p.total,
    (SELECT json_agg(json_build_object('item_id', a.item_id, 'code', i.code, 'section', s.title, 'text', i.text,
        'dimension', i.dimension, 'points_possible', i.points, 'critical', i.critical, 'result', a.result,
        'points', a.points, 'note', a.note, 'section_position', s.position, 'weight', s.weight)
        ORDER BY s.position, i.position)
     FROM qa_evaluation_answer a JOIN scorecard_item i ON i.id = a.item_id
     JOIN scorecard_section s ON s.id = i.section_id
     WHERE a.evaluation_id = p.id) AS answers,
    (SELECT json_agg(json_build_object('id', d.id, 'raised_by', d.raised_by, 'reason', d.reason,
        'raised_at', d.raised_at, 'reviewer_id', d.reviewer_id, 'outcome', d.outcome,
        'resolution_note', d.resolution_note, 'score_before', d.score_before, 'score_after', d.score_after,
        'resolved_at', d.resolved_at) ORDER BY d.raised_at)
     FROM qa_dispute d WHERE d.evaluation_id = p.id) AS disputes
FROM page p ORDER BY p.created_at DESC, p.id
"""


@app.get("/performance/v1/qa/evaluations")
async def list_evaluations(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    me = yardstick.employee_id(claims)
    limit, offset = _paging(request)
    rows = await pools["performance"].fetch(EVALUATIONS, me, limit, offset, yardstick.DISPUTE_DAYS)
    if not rows and not await _caller_known("performance", "org_employee", me):
        return _problem(403, "Unknown or inactive employee")
    items = []
    for row in rows:
        item = dict(row.items())
        del item["total"]
        answers = json.loads(item["answers"] or "[]")
        item["sections"] = yardstick.section_scores(answers)
        for answer in answers:
            del answer["section_position"], answer["weight"]
        item["answers"], item["disputes"] = answers, json.loads(item["disputes"] or "[]")
        items.append(item)
    return _json({"items": items, "limit": limit, "offset": offset, "total": rows[0]["total"] if rows else 0})


METRICS = """
WITH r AS (SELECT * FROM unnest($3::uuid[], $4::date[], $5::text[], $6::float8[]) AS r(agent_id, day, metric, value)),
known AS (SELECT count(*) AS n FROM r JOIN org_employee o ON o.id = r.agent_id),
header AS (
    INSERT INTO metric_batch (source, batch_id, content_hash, row_count, received_at)
    SELECT $1, $2, $7, $8::int, $9 WHERE (SELECT n FROM known) = $8::int
    ON CONFLICT DO NOTHING RETURNING content_hash
),
inserted AS (
    INSERT INTO raw_metric (agent_id, day, metric, source, batch_id, value)
    SELECT agent_id, day, metric, $1, $2, value FROM r WHERE EXISTS (SELECT 1 FROM header)
    ON CONFLICT DO NOTHING RETURNING 1
)
SELECT (SELECT n FROM known) AS known, (SELECT count(*) FROM header) AS new, (SELECT count(*) FROM inserted) AS inserted
"""


@app.post("/performance/v1/metrics/batches")
async def submit_metrics(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    if "metrics:write" not in yardstick.service_account_scopes(claims):
        return _problem(403, "Metric batches come from the phone/CRM systems")
    try:
        body = json.loads(await request.body())
        source, batch_id, rows = str(body["source"]), str(body["batch_id"]), body["rows"]
        agents = [uuid.UUID(r["agent_id"]) for r in rows]
        days = [date.fromisoformat(r["day"]) for r in rows]
        metrics = [str(r["metric"]) for r in rows]
        values = [float(r["value"]) for r in rows]
        if not rows or min(values) < 0:
            raise ValueError(values)
    except (ValueError, KeyError, TypeError):
        return _problem(422, "Invalid batch")
    digest = hashlib.sha256()
    for agent, day, metric, value in sorted(
        zip(agents, days, metrics, values, strict=True), key=lambda r: (str(r[0]), r[1], r[2])
    ):
        digest.update(f"{agent}|{day.isoformat()}|{metric}|{value!r}\n".encode())
    result = await pools["performance"].fetchrow(
        METRICS, source, batch_id, agents, days, metrics, values, digest.hexdigest(), len(rows), datetime.now(UTC)
    )
    if result["known"] != len(rows):
        return _problem(422, "Unknown agents")
    answer = {"source": source, "batch_id": batch_id, "rows": len(rows), "inserted": result["inserted"]}
    return _json({**answer, "duplicate": not result["new"]})


# recognition

HONOR_WALL = """
WITH RECURSIVE me AS (SELECT id, team_id FROM org_employee WHERE id = $1 AND active),
below(id) AS (
    SELECT e.id FROM org_employee e JOIN me ON e.superior_id = me.id
    UNION SELECT e.id FROM org_employee e JOIN below b ON e.superior_id = b.id
),
page AS (
    SELECT g.* FROM award_grant g WHERE EXISTS (SELECT 1 FROM me)
    ORDER BY g.granted_at DESC, g.id LIMIT $2 OFFSET $3
)
SELECT g.id, g.award_id, a.name AS award_name, a.material, g.recipient_id,
    (SELECT name FROM org_employee WHERE id = g.recipient_id) AS recipient_name, g.team_id, g.reason, g.criteria,
    g.evidence, g.amount, g.source, g.period_start, g.period_end, g.granted_by,
    (SELECT name FROM org_employee WHERE id = g.granted_by) AS granted_by_name, g.granted_at,
    (g.amount IS NULL OR g.recipient_id = $1 OR (g.recipient_id IS NULL AND g.team_id = (SELECT team_id FROM me))
     OR g.recipient_id IN (SELECT id FROM below)) AS amount_visible,
    (SELECT count(*) FROM award_grant) AS total
FROM page g JOIN award a ON a.id = g.award_id
ORDER BY g.granted_at DESC, g.id
"""


@app.get("/recognition/v1/honor-wall")
async def honor_wall(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    me = yardstick.employee_id(claims)
    limit, offset = _paging(request)
    rows = await pools["recognition"].fetch(HONOR_WALL, me, limit, offset)
    if not rows and not await _caller_known("recognition", "org_employee", me):
        return _problem(403, "Unknown or inactive employee")
    items = []
    for row in rows:
        item = dict(row.items())
        del item["total"]
        visible = item.pop("amount_visible")
        item["evidence"] = json.loads(item["evidence"])
        item["amount"], item["amount_hidden"] = (item["amount"] if visible else None), not visible
        items.append(item)
    return _json({"items": items, "limit": limit, "offset": offset, "total": rows[0]["total"] if rows else 0})


NOMINATE = """
WITH me AS (SELECT id, name FROM org_employee WHERE id = $1 AND active),
aw AS (SELECT id FROM award WHERE id = $2 AND active AND NOT automatic AND scope = 'individual'),
nominee AS (SELECT id, name FROM org_employee WHERE id = $3 AND active AND id <> $1),
n AS (
    INSERT INTO nomination (id, award_id, nominee_id, team_id, nominated_by, reason, evidence_links, status, created_at)
    SELECT $4, aw.id, nominee.id, NULL, me.id, $5, $6, 'pending', $7 FROM me, aw, nominee
    RETURNING *
)
SELECT n.id, n.award_id, n.nominee_id, nominee.name AS nominee_name, n.team_id, n.nominated_by,
    me.name AS nominated_by_name, n.reason, n.evidence_links, n.status, n.decided_by, NULL AS decided_by_name,
    n.decided_at, n.decision_note, n.grant_id, n.created_at
FROM n, nominee, me
"""


@app.post("/recognition/v1/nominations")
async def nominate(request: Request) -> Response:
    claims = _claims(request)
    if claims is None:
        return _problem(401, "A valid bearer token is required")
    try:
        body = json.loads(await request.body())
        award, nominee = uuid.UUID(body["award_id"]), uuid.UUID(body["nominee_id"])
        reason, links = str(body["reason"]), [str(link) for link in body.get("evidence_links", [])]
        if not 10 <= len(reason) <= 4000 or len(links) > 20:
            raise ValueError(reason)
    except (ValueError, KeyError, TypeError):
        return _problem(422, "Invalid nomination")
    me = yardstick.employee_id(claims)
    row = await pools["recognition"].fetchrow(
        NOMINATE, me, award, nominee, uuid.uuid4(), reason, json.dumps(links), datetime.now(UTC)
    )
    if row is None:
        if not await _caller_known("recognition", "org_employee", me):
            return _problem(403, "Unknown or inactive employee")
        return _problem(422, "This award cannot be nominated for, or the nominee is unknown or yourself")
    item = dict(row.items())
    item["evidence_links"] = json.loads(item["evidence_links"])
    return _json(item, 201)
